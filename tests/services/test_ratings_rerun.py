"""A rerun of the ratings and the stars entered by hand (SPEC §1, §8): a computed monthly star supersedes
the one the MIA entered for that month — even of the same value — while the entered stars before it stay;
a rerun after the inputs changed leaves no rating rows of carers or providers no longer rated."""
from datetime import date

from sqlalchemy import select

from ltc.billing.stars.models import ProviderMonthlyStar, ProviderStarEvent
from ltc.billing.stars.services import monthly_star_on
from ltc.core.audit import AuditEntry
from ltc.providers.records.models import Visit
from ltc.ratings.run.models import CarerStar, ProviderRating, RatingComponent
from tests.effects_builders import monthly, placed
from tests.services.test_ratings_run import DUE, JULY, _decide, _rating, _run, city
from tests.settlement_review_builders import actor

JUNE = date(2026, 6, 1)


def test_a_computed_star_supersedes_the_entered_one_of_its_month_and_keeps_the_history_before(session, world):
    city(session, world)
    today = date(2026, 8, 1)
    monthly(session, world.provider, JUNE, 5, today=today)
    monthly(session, world.provider, JULY, 3, today=today)        # the same value the run computes (★3)
    monthly(session, world.provider2, JULY, 5, today=today)
    _run(session)
    assert (_rating(session, world.provider).star, _rating(session, world.provider2).star) == (3, 3)
    rows = {(r.org_id, r.month): r for r in session.scalars(select(ProviderMonthlyStar))}
    assert {key: (r.stars, r.source) for key, r in rows.items()} == {
        (world.provider.id, JUNE): (5, "entered"), (world.provider.id, JULY): (3, "computed"),
        (world.provider2.id, JULY): (3, "computed")}
    assert monthly_star_on(session, world.provider.id, date(2026, 7, 15)) == 5
    assert monthly_star_on(session, world.provider2.id, date(2026, 8, 1)) == 3
    superseded = session.scalars(select(ProviderStarEvent).where(ProviderStarEvent.source == "computed")
                                 .order_by(ProviderStarEvent.org_id)).all()
    assert [(e.org_id, e.before, e.stars) for e in superseded] == [(world.provider.id, 3, 3),
                                                                  (world.provider2.id, 5, 3)]
    _run(session)                                                  # a rerun writes no star event again
    assert session.scalars(select(ProviderStarEvent).where(ProviderStarEvent.source == "computed")).all() == superseded


def _moved_out_of_july(session, other) -> None:
    """The second provider's only July visit was in fact on 3 August (a corrected record)."""
    (v,) = session.scalars(select(Visit).where(Visit.carer_id == other.id)).all()
    v.service_date = date(2026, 8, 3)
    session.flush()


def _stale_events(session, action: str) -> list[tuple[str, str]]:
    return [(e.entity, e.entity_id) for e in session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                                             .order_by(AuditEntry.id))]


def test_a_rerun_after_the_inputs_changed_removes_the_rows_no_longer_rated_and_records_why(session, world):
    """July rated; then the second provider's only visit moves to August: the rerun rates neither its carer
    nor the provider (no carer star, bed or settlement left) — their rows are removed with an audit event
    holding the removed figures; the first provider's rows stay, rescored against the new scheme means."""
    _built, other = city(session, world)
    _run(session)
    second = _rating(session, world.provider2)
    second_id, second_components = second.id, {c.id for c in session.scalars(
        select(RatingComponent).where(RatingComponent.rating_id == second.id))}
    star_row = session.scalars(select(CarerStar).where(CarerStar.carer_id == other.id)).one()
    star_id, star_score = star_row.id, str(star_row.score)
    _moved_out_of_july(session, other)
    _run(session)
    assert session.scalars(select(CarerStar).where(CarerStar.carer_id == other.id)).all() == []
    assert session.scalars(select(ProviderRating).where(ProviderRating.provider_id == world.provider2.id)).all() == []
    assert session.scalars(select(RatingComponent).where(RatingComponent.id.in_(second_components))).all() == []
    assert _rating(session, world.provider).star is not None
    assert _stale_events(session, "remove_stale") == [("carer_star", str(star_id)),
                                                      ("provider_rating", str(second_id))]
    removed = session.scalars(select(AuditEntry).where(AuditEntry.entity == "carer_star")).one()
    assert removed.before["score"] == star_score and "输入数据已变化" in removed.detail
    rating_event = session.scalars(select(AuditEntry).where(AuditEntry.entity == "provider_rating")).one()
    assert len(rating_event.before["components"]) == len(second_components)
    before = _stale_events(session, "remove_stale")
    _run(session)                                                  # nothing more to remove
    assert _stale_events(session, "remove_stale") == before


def _appealed_then_moved(session, world, reason: str):
    """July rated, the second provider appeals its rating, then its only July visit moves to August."""
    from ltc.ratings.run.appeals import file_appeal

    placed(session, world)
    _built, other = city(session, world)
    _run(session)
    second = _rating(session, world.provider2)
    appeal = file_appeal(session, second, reason=reason, actor=actor(world, "pr2_op"), now=DUE)
    _moved_out_of_july(session, other)
    return second, appeal


def test_a_rating_an_appeal_refers_to_is_superseded_not_removed(session, world):
    second, appeal = _appealed_then_moved(session, world, "回访样本过少")
    _run(session)
    kept = _rating(session, world.provider2)
    assert kept.id == second.id == appeal.rating_id
    assert (kept.score, kept.star) == (None, None) and "输入数据已变化" in kept.reason
    assert _stale_events(session, "supersede_stale") == [("provider_rating", str(second.id))]
    assert _stale_events(session, "remove_stale") == [("carer_star", str(session.scalars(
        select(AuditEntry.entity_id).where(AuditEntry.entity == "carer_star")).one()))]


def test_a_won_appeal_of_a_rating_the_data_no_longer_produces_supersedes_it(session, world):
    second, appeal = _appealed_then_moved(session, world, "该护理员 7 月实际未上门")
    _decide(session, world, appeal, "ins_rev", "approve", DUE)
    _decide(session, world, appeal, "mia_rev", "approve", DUE)
    assert appeal.outcome == "won" and (appeal.star_before, appeal.star_after) == (3, None)
    assert (second.score, second.star) == (None, None) and "输入数据已变化" in second.reason
    assert _stale_events(session, "supersede_stale") == [("provider_rating", str(second.id))]
