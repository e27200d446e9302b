"""Re-evaluation per service date (SPEC §7.3): a late death or hospital stay changes some bed-days of a
stay paid as one record; a dated category or daily price changes only the amount; each becomes ±
adjustment lines for exactly the changed days, naming the fact and the dates, raised once, booked into
the provider's next draft — a paid settlement is never changed."""
from datetime import date, datetime, time, timezone
from decimal import Decimal

from sqlalchemy import select

from ltc.billing import reevaluation
from ltc.billing.generation import providers_of_month
from ltc.billing.models import Settlement, SettlementAdjustment, SettlementLine
from ltc.compliance import jobs as scan
from ltc.core.audit import SYSTEM
from ltc.core.clock import LOCAL_TZ
from ltc.core.periods import add_period
from ltc.people import services as people
from ltc.people.hospital.models import HospitalStay
from ltc.providers.models import ProviderPricePeriod
from tests.builders import world
from tests.compliance_db_builders import stay
from tests.settlement_builders import beneficiary, generate, provider, submit

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
CHANGED = datetime(2026, 4, 10, 2, 0, tzinfo=timezone.utc)


def _nightly(day: date) -> datetime:
    return datetime.combine(day, time(1, 0), LOCAL_TZ)


def _submitted_march(session, n: int, *, discharged: date | None = None, admitted: date = date(2026, 2, 20)):
    """An institution resident (employee, L4: 55 a day at 75 %) in a stay all March, submitted."""
    world(session)
    home = provider(session, n, care_type="institution", grade="nursing_home", name=f"颐养院{n}")
    add_period(session, ProviderPricePeriod, org_id=home.id, daily_price=Decimal("58.00"), valid_from=date(2025, 1, 1))
    resident = beneficiary(session, n, home, care_type="institution", level=4)
    row = stay(session, resident, home, admitted, discharged)
    row.created_at = row.updated_at = datetime(2026, 2, 20, 2, 0, tzinfo=timezone.utc)
    march = generate(session, home, MARCH)
    submit(session, march.settlement_id, datetime(2026, 4, 3, 2, 0, tzinfo=timezone.utc))
    return home, resident, session.get(Settlement, march.settlement_id)


def _scan(session, home, day: int):
    scan.scan_provider(session, str(home.id), now=CHANGED.replace(day=day), due_at=_nightly(date(2026, 4, day)))
    return session.scalars(select(SettlementAdjustment).order_by(SettlementAdjustment.id)).all()


def test_a_late_death_recovers_exactly_the_bed_days_after_it(session):
    home, resident, march = _submitted_march(session, 93)
    assert march.fund == Decimal("1278.75")                                   # 31 × 55 × 75 %
    people.record_death(session, resident, death_date=date(2026, 3, 20), actor=SYSTEM, now=CHANGED)
    [raised] = _scan(session, home, 11)
    assert (raised.record_kind, raised.service_date, raised.service_to, raised.units) == (
        "stay", date(2026, 3, 21), APRIL, -11)
    assert (raised.billable, raised.fund, raised.copay) == (Decimal("-605.00"), Decimal("-453.75"), Decimal("-151.25"))
    assert raised.params["dates"] == "03-21—03-31" and raised.params["fact"] == "不再支付：死亡后服务"
    assert (raised.params["before"], raised.params["after"]) == (11, 0)
    assert march.revision == 1 and march.fund == Decimal("1278.75")          # the submitted month is untouched
    assert reevaluation.reevaluate_month(session, march, actor=SYSTEM, now=CHANGED,
                                         as_of=_nightly(date(2026, 4, 12))) == []      # booked once


def test_a_late_hospital_stay_adjusts_only_its_days_and_a_rerun_books_nothing_twice(session):
    home, resident, march = _submitted_march(session, 94)
    session.add(HospitalStay(person_id=resident.id, hospital="市第一医院", category="inpatient",
                             admitted_on=date(2026, 3, 10), discharged_on=date(2026, 3, 15)))
    session.flush()
    [raised] = _scan(session, home, 11)
    assert (raised.service_date, raised.service_to, raised.units, raised.fund) == (
        date(2026, 3, 10), date(2026, 3, 15), -5, Decimal("-206.25"))
    assert raised.params["dates"] == "03-10—03-14" and raised.params["fact"] == "不再支付：住院期间服务"
    stay_row = session.scalar(select(HospitalStay).where(HospitalStay.person_id == resident.id))
    stay_row.discharged_on = date(2026, 3, 12)                                 # corrected: three days fewer
    session.flush()
    later = _scan(session, home, 12)
    assert [(a.service_date, a.units, a.fund) for a in later[1:]] == [(date(2026, 3, 12), 3, Decimal("123.75"))]
    assert later[1].params["fact"] == "改为支付：原“住院期间服务”已不成立"
    assert _scan(session, home, 13) == later                                    # a re-run raises nothing
    assert reevaluation.reevaluate_month(session, march, actor=SYSTEM, now=CHANGED,
                                         as_of=_nightly(date(2026, 4, 14))) == []


def test_a_retroactive_category_change_adjusts_the_fund_of_the_changed_days(session):
    """Employee 75 % → resident 65 % from 16 March: 16 days × 55 = 880.00 billable unchanged, fund
    660.00 → 572.00: a −88.00 adjustment with no unit change."""
    home, resident, march = _submitted_march(session, 95)
    people.set_category(session, resident, category="resident", valid_from=date(2026, 3, 16), actor=SYSTEM,
                        now=CHANGED)
    [raised] = _scan(session, home, 11)
    assert (raised.service_date, raised.service_to, raised.units) == (date(2026, 3, 16), APRIL, 0)
    assert (raised.billable, raised.fund, raised.copay) == (Decimal("0.00"), Decimal("-88.00"), Decimal("88.00"))
    assert (raised.ratio, raised.params["fact"]) == (Decimal("0.65"), reevaluation.RATIO_CHANGED)
    assert _scan(session, home, 12) == [raised]


def test_a_corrected_daily_price_adjusts_the_amount_of_the_days_it_applies_to(session):
    """The provider's daily price corrected to 52 from 20 March (below the L4 cap 55): 12 bed-days
    × 3 less billable (−36.00), fund −27.00."""
    home, _resident, march = _submitted_march(session, 96)
    add_period(session, ProviderPricePeriod, org_id=home.id, daily_price=Decimal("52.00"), valid_from=date(2026, 3, 20),
               close_open=True)
    [raised] = reevaluation.reevaluate_month(session, march, actor=SYSTEM, now=CHANGED,
                                             as_of=_nightly(date(2026, 4, 11)))
    assert (raised.service_date, raised.units, raised.rate) == (date(2026, 3, 20), 0, Decimal("52.00"))
    assert (raised.billable, raised.fund) == (Decimal("-36.00"), Decimal("-27.00"))
    assert raised.params["fact"] == reevaluation.RATE_CHANGED
    assert reevaluation.reevaluate_month(session, march, actor=SYSTEM, now=CHANGED,
                                         as_of=_nightly(date(2026, 4, 12))) == []


def test_a_paid_month_stays_as_paid_and_its_adjustment_lands_in_the_next_draft(session):
    home, resident, march = _submitted_march(session, 97)
    april = session.get(Settlement, generate(session, home, APRIL).settlement_id)
    march.status = "paid"
    session.flush()
    people.record_death(session, resident, death_date=date(2026, 3, 30), actor=SYSTEM, now=CHANGED)
    [raised] = _scan(session, home, 11)
    assert raised.settlement_id == april.id                       # booked at once: the draft was regenerated
    [line] = session.scalars(select(SettlementLine).where(SettlementLine.settlement_id == april.id,
                                                          SettlementLine.revision == april.revision,
                                                          SettlementLine.kind == "adjustment")).all()
    assert (line.service_month, line.fund, line.adjustment_id) == (MARCH, Decimal("-41.25"), raised.id)
    assert (march.status, march.revision, march.fund) == ("paid", 1, Decimal("1278.75"))


def test_a_provider_without_later_activity_still_gets_a_settlement_for_its_adjustment(session):
    home, resident, march = _submitted_march(session, 98, discharged=date(2026, 3, 31))
    people.record_death(session, resident, death_date=date(2026, 3, 25), actor=SYSTEM, now=CHANGED)
    [raised] = _scan(session, home, 11)
    assert raised.settlement_id is None and raised.units == -5
    assert home.id in providers_of_month(session, APRIL)
    april = session.get(Settlement, generate(session, home, APRIL).settlement_id)
    assert (april.fund, april.adjustments, raised.settlement_id) == (Decimal("0.00"), raised.fund, april.id)


def test_a_won_appeal_is_not_recovered_by_the_re_evaluation(session):
    """A refused bed-day stays priced in the month's lines (the refusal is a deduction); the won appeal
    paying it back is its own adjustment — the re-evaluation must not take it back again."""
    from ltc.billing import adjustments
    from ltc.providers.records.models import Stay

    home, resident, march = _submitted_march(session, 99)
    stay_id = session.scalar(select(Stay.id).where(Stay.person_id == resident.id))
    adjustments.raise_adjustment(
        session, actor=SYSTEM, now=CHANGED, provider_id=home.id, person_id=resident.id, care_type="institution",
        reason="appeal", service_month=MARCH, corrects_settlement_id=march.id, record_kind="stay", record_id=stay_id,
        service_date=date(2026, 3, 5), unit="day", units=1, rate=Decimal("55.00"), billable=Decimal("55.00"),
        ratio=Decimal("0.75"), fund=Decimal("41.25"), copay=Decimal("13.75"), note="申诉成立", params={})
    assert reevaluation.reevaluate_month(session, march, actor=SYSTEM, now=CHANGED,
                                         as_of=_nightly(date(2026, 4, 11))) == []


def test_a_retroactive_change_is_adjusted_only_within_the_re_check_window(session):
    """REF re-check window 3 months: scanned on 11 April, a category change back to 16 December adjusts
    March (submitted), not December (submitted, outside the window)."""
    home, resident, march = _submitted_march(session, 100, admitted=date(2025, 12, 1))
    december = generate(session, home, date(2025, 12, 1))
    submit(session, december.settlement_id, datetime(2026, 1, 3, 2, 0, tzinfo=timezone.utc))
    people.set_category(session, resident, category="resident", valid_from=date(2025, 12, 16), actor=SYSTEM,
                        now=CHANGED)
    raised = _scan(session, home, 11)
    assert [(a.service_month, a.service_date, a.fund) for a in raised] == [(MARCH, MARCH, Decimal("-170.50"))]
