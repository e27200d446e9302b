"""The ratings run (SPEC §8) on a small hand-counted data set: the world provider's June settlement
(submitted, its audit decided: one V01 FLAG refused, a V03 REJECT, a sample drawn with seed 11) is the
last settled month M−1; July visits, follow-ups and training are month M's activity; the run is due
2 August 2026 02:00 (Shanghai)."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import func, select

from ltc.billing.review.models import SettlementSample
from ltc.providers.carers.models import CarerTraining
from ltc.ratings.followups.models import FollowUp
from ltc.ratings.run.models import CarerStar, ProviderRating, RatingComponent, RatingRun
from ltc.ratings.run.windows import Window
from tests.compliance_db_builders import carer, visit
from tests.people_builders import person
from tests.settlement_review_builders import decided

JULY = date(2026, 7, 1)
DUE = datetime(2026, 8, 1, 18, 0, tzinfo=timezone.utc)      # 2 August, 02:00 in Shanghai
D = Decimal


def _follow_up(session, world, who, provider, overall: int, day: date):
    row = FollowUp(person_id=who.id, insurer_id=world.insurer.id, provider_id=provider.id, origin="monthly_sample",
                   source_key=f"t:{who.id}:{day}", listed_on=day, due_on=day, status="done", visited_on=day,
                   channel="phone", attitude=overall, punctuality=overall, skill=overall, overall=overall,
                   confirmed=True)
    session.add(row)
    session.flush()
    return row


def _late(v, minutes: int):
    v.scheduled_start = v.check_in_at - timedelta(minutes=minutes)
    return v


def city(session, world):
    """June settled (see the module); July: carer 0 visits P0 on time and P1 20 min late, carer 1 visits P0
    15 min late (still punctual); P0's follow-up in July scores 5; carer 0 trained 20 h in March.
    The second provider: one carer visiting P9 on time in July, whose follow-up scores 3."""
    built = decided(session, world)
    c0, c1 = built.carers
    p0, p1 = built.persons[:2]
    visit(session, p0, c0, day="2026-07-01")
    _late(visit(session, p1, c0, day="2026-07-02"), 20)
    _late(visit(session, p0, c1, day="2026-07-03"), 15)
    _follow_up(session, world, p0, world.provider, 5, date(2026, 7, 10))
    session.add(CarerTraining(carer_id=c0.id, day=date(2026, 3, 1), hours=D("20"), topic="培训"))
    other = carer(session, world.provider2, 7)
    p9 = person(session, 9, name="参保人9")
    visit(session, p9, other, day="2026-07-05")
    _follow_up(session, world, p9, world.provider2, 3, date(2026, 7, 12))
    session.flush()
    return built, other


def test_the_windows_of_a_run_on_2_august_read_activity_through_july_and_settlements_through_june():
    w = Window.monthly(JULY)
    assert (w.activity_from, w.activity_to) == (date(2025, 8, 1), date(2026, 8, 1))
    assert (w.settled_from, w.settled_to) == (date(2025, 7, 1), date(2026, 7, 1))
    assert w.quarters() == [date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1), date(2026, 4, 1)]
    year = Window.annual(2026)
    assert (year.activity_from, year.settled_to, year.quarters()[-1]) == (date(2026, 1, 1), date(2027, 1, 1),
                                                                          date(2026, 10, 1))


def _run(session):
    from ltc.ratings.run.jobs import providers_to_rate, rate_unit

    units = providers_to_rate(session, due_at=DUE)
    for unit in units:
        rate_unit(session, unit, now=DUE, due_at=DUE)
    return units


def _components(session, provider) -> dict[str, RatingComponent]:
    return {c.component: c for c in session.scalars(
        select(RatingComponent).join(ProviderRating, ProviderRating.id == RatingComponent.rating_id)
        .where(ProviderRating.provider_id == provider.id))}


def _rating(session, provider) -> ProviderRating:
    return session.scalars(select(ProviderRating).where(ProviderRating.provider_id == provider.id)).one()


def test_each_carers_inputs_are_counted_as_spec_8_says(session, world):
    """Carer 0: 9 June visits, 2 with a confirmed finding (the refused V01, the V03) → 77.78; follow-up of P0
    (share ½, overall 5) → 100; sampled P1–P3 (seed 11): 6 visits, none refused → 100; 1 of 2 punctual → 50;
    20 h of 40 → 50: 82.22 ★4. Carer 1: 90.00 ★5 (15 min late is punctual, no training). The second
    provider's carer has no settled visit: rated on follow-up 50, punctuality 100, training 0 → 50.00 ★1."""
    built, other = city(session, world)
    sampled = set(session.scalars(select(SettlementSample.person_id)))
    assert sampled == {p.id for p in built.persons[1:]}
    _run(session)
    stars = {row.carer_id: row for row in session.scalars(select(CarerStar).where(CarerStar.month == JULY))}
    c0, c1 = (stars[c.id] for c in built.carers)
    assert {k: (v["n"], v["raw"]) for k, v in c0.components.items()} == {
        "visit_compliance": (9, "77.78"), "follow_up": (1, "100.00"), "review_pass": (6, "100.00"),
        "punctuality": (2, "50.00"), "training": (1, "50.00")}
    assert (c0.score, c0.star, c1.score, c1.star) == (D("82.22"), 4, D("90.00"), 5)
    assert c1.components["punctuality"] == {"n": 1, "raw": "100.00", "adjusted": "100.00", "weight": "0.10"}
    assert (stars[other.id].score, stars[other.id].star) == (D("50.00"), 1)
    assert stars[other.id].components["visit_compliance"]["raw"] is None


def test_each_provider_component_is_shrunk_toward_the_scheme_mean_and_the_star_written_for_billing(session, world):
    """Carers: (4 + 5) / 2 × 20 = 90 and 1 × 20 = 20, scheme 55, k 10 → (2·90 + 10·55) / 12 = 60.83 and
    (20 + 550) / 11 = 51.82; satisfaction 100 and 50, scheme 75 → 77.27 and 72.73; integrity 100 over 4
    beneficiary-months (no violation), the second provider none → 100 both; no paid quarter, no cost:
    its weight is spread. Composite (.3·60.83 + .25·77.27 + .2·100) / .75 = 76.76 ★3."""
    from ltc.billing.stars.services import monthly_star_on
    from ltc.billing.stars.models import ProviderMonthlyStar

    city(session, world)
    _run(session)
    run = session.scalars(select(RatingRun)).one()
    assert run.scheme == {"carers": "55.00", "staffing": None, "satisfaction": "75.00", "cost": None,
                          "integrity": "100.00"}
    shown = {k: (c.n, c.raw, c.scheme_mean, c.adjusted) for k, c in _components(session, world.provider).items()}
    assert shown == {"carers": (2, D("90.00"), D("55.00"), D("60.83")),
                     "satisfaction": (1, D("100.00"), D("75.00"), D("77.27")),
                     "cost": (0, None, None, None), "integrity": (4, D("100.00"), D("100.00"), D("100.00"))}
    second = _components(session, world.provider2)
    assert (second["carers"].adjusted, second["satisfaction"].adjusted, second["integrity"].n,
            second["integrity"].adjusted) == (D("51.82"), D("72.73"), 0, D("100.00"))
    first = _rating(session, world.provider)
    assert (first.score, first.star, _rating(session, world.provider2).star) == (D("76.76"), 3, 3)
    assert monthly_star_on(session, world.provider.id, date(2026, 8, 1)) == 3
    assert monthly_star_on(session, world.provider.id, date(2026, 7, 31)) is None
    row = session.scalars(select(ProviderMonthlyStar).where(ProviderMonthlyStar.org_id == world.provider.id)).one()
    assert (row.month, row.source) == (JULY, "computed")


def test_a_rerun_writes_the_same_results_and_nothing_twice(session, world):
    from ltc.billing.stars.models import ProviderMonthlyStar, ProviderStarEvent

    city(session, world)
    _run(session)
    tables = (CarerStar, ProviderRating, RatingComponent, RatingRun, ProviderMonthlyStar, ProviderStarEvent)

    def snapshot():
        return ({t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in tables},
                [(r.provider_id, r.score, r.star) for r in session.scalars(select(ProviderRating)
                                                                            .order_by(ProviderRating.id))])

    before = snapshot()
    _run(session)
    assert snapshot() == before


def test_a_computed_monthly_star_sets_the_next_settlements_sample_rate(session, world):
    """June's run (due 2 July) rates June's activity: both carers only punctual (100) and untrained (0)
    → 50.00 ★1, the provider's carer component 20 → ★1, in force from 1 July; the June settlement's audit
    then samples 15 % of 30 persons (5) instead of the 5 % (3) of a provider without a star."""
    from ltc.billing.review import sampling, workflow
    from ltc.ratings.run.jobs import providers_to_rate, rate_unit
    from tests.settlement_review_builders import AUDIT_NOW, actor, settlement

    built = settlement(session, world, persons=30, visits_each=1, flagged_each=0, with_reject=False)
    workflow.submit(session, built.settlement, remarks={}, actor=actor(world, "pr_op"), now=AUDIT_NOW)
    due = datetime(2026, 7, 1, 18, 0, tzinfo=timezone.utc)
    for unit in providers_to_rate(session, due_at=due):
        rate_unit(session, unit, now=due, due_at=due)
    assert (_rating(session, world.provider).score, _rating(session, world.provider).star) == (D("20.00"), 1)
    chosen = sampling.draw_sample(session, built.settlement, actor=actor(world, "ins_rev"), now=AUDIT_NOW, seed=5)
    row = workflow.audit_row(session, built.settlement)
    assert (row.star, row.sample_rate, row.sample_size, len(chosen)) == (1, D("0.15"), 5, 5)


def test_the_first_run_after_december_is_paid_fixes_the_annual_star_that_releases_the_deposit(session):
    """December 2026 paid: the run due 2 February 2027 adds the annual run of 2026. The provider's only
    components are its integrity (100 over 2 beneficiary-months, no violation) and Q1 / Q4 cost-performance
    (scheme = its own averages, no refusal, no complaint: 100) → 100.00 ★5, so the year-end clearing
    releases the whole deposit; a second run does not redo the year."""
    from ltc.billing.deposits import clearing, services
    from ltc.billing.models import SettlementLine
    from ltc.billing.stars.services import annual_star
    from ltc.core.audit import SYSTEM
    from ltc.ratings.run.jobs import providers_to_rate, rate_unit
    from tests.builders import org
    from tests.deposit_builders import NOW, settlement

    provider = org(session, "provider", "护理院清算", 721)
    for n, (month, fund) in enumerate(((date(2026, 3, 1), "10000.00"), (date(2026, 12, 1), "2345.65"))):
        row = settlement(session, provider, month, fund)
        session.add(SettlementLine(settlement_id=row.id, revision=row.revision, kind="regular",
                                   person_id=person(session, 30 + n).id, care_type="institution", level=4,
                                   date_from=month, date_to=month, unit="day", fund=D(fund), billable=D(fund)))
        services.book_net(session, row, actor=SYSTEM, now=NOW)
        row.status = "paid"
    session.flush()
    due = datetime(2027, 2, 1, 18, 0, tzinfo=timezone.utc)
    units = providers_to_rate(session, due_at=due)
    assert f"annual:{provider.id}" in units
    for unit in units:
        rate_unit(session, unit, now=due, due_at=due)
    assert annual_star(session, provider.id, 2026) == 5
    done = clearing.clear_year(session, provider.id, 2026, actor=SYSTEM, now=NOW)
    assert (done.withheld, done.released, done.returned) == (D("1234.57"), D("1234.57"), D("0.00"))
    assert not [u for u in providers_to_rate(session, due_at=due) if u.startswith("annual")]
