"""Visits (SPEC §5.4, §6): check-in and check-out, a whole visit at once, exact duplicates,
corrections that keep the previous version, settled visits, the Shanghai service date."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ltc.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from ltc.providers.catalogue.services import items_by_code
from ltc.providers.records import checks
from ltc.providers.records import visits
from ltc.providers.records.models import RecordVersion, Visit
from ltc.providers.records.visits import DuplicateVisit
from tests.conftest import NOW
from tests.visit_builders import home_care, shanghai, stand_in_rules

DAY = date(2026, 3, 16)   # a Monday


@pytest.fixture
def found(monkeypatch):
    return stand_in_rules(monkeypatch)


@pytest.fixture
def hc(session, world):
    return home_care(session, world)


def item_ids(session, *codes):
    return [i.id for i in items_by_code(session, codes).values()]


def check_in(session, hc, at, **extra):
    values = dict(actor=hc.operator, carer_id=hc.carer.id, person_id=hc.person.id, at=at, source="web",
                  uploaded_at=at, now=at)
    values.update(extra)
    return visits.check_in(session, **values)


def record(session, hc, start, **extra):
    values = dict(actor=hc.operator, carer_id=hc.carer.id, person_id=hc.person.id, check_in_at=start,
                  check_out_at=start + timedelta(minutes=60), item_ids=item_ids(session, "SH01"), source="offline",
                  uploaded_at=NOW, now=NOW)
    values.update(extra)
    return visits.record_visit(session, **values)


def test_check_in_creates_an_unscheduled_visit_of_the_plans_visit_type_and_stores_its_findings(session, hc, found):
    at = shanghai(DAY, 9, 5)
    outcome = check_in(session, hc, at, device_id=" pad-1 ", photo_hash="abc")
    visit = outcome.visit
    assert (visit.status, visit.carer_id, visit.person_id, visit.care_type) == ("in_progress", hc.carer.id,
                                                                               hc.person.id, "home")
    assert (visit.visit_type_id, visit.planned_minutes, visit.plan_id) == (hc.plan.visit_types[0].id, 60, hc.plan.id)
    assert (visit.device_id, visit.photo_hash, visit.service_date) == ("pad-1", "abc", DAY)
    assert [f.rule for f in outcome.findings] == ["V01"] and found[visit.id] == outcome.findings
    assert outcome.duplicate_of is None


def test_check_out_stores_items_and_minutes_between_check_in_and_out(session, hc, found):
    visit = check_in(session, hc, shanghai(DAY, 9, 0), lat=Decimal("39.9"), lon="116.4").visit
    outcome = visits.check_out(session, visit.id, actor=hc.operator, at=shanghai(DAY, 9, 55),
                               item_ids=item_ids(session, "SH01", "SH02"), notes=" 顺利 ", now=NOW)
    assert (outcome.visit.status, outcome.visit.actual_minutes, outcome.visit.notes) == ("done", 55, "顺利")
    assert sorted(i.item.code for i in outcome.visit.items) == ["SH01", "SH02"]
    assert outcome.visit.check_in_lat == Decimal("39.900000") and outcome.findings == []
    with pytest.raises(InvalidTransition):
        visits.check_out(session, visit.id, actor=hc.operator, at=shanghai(DAY, 10, 0),
                         item_ids=item_ids(session, "SH01"), now=NOW)


def test_a_check_in_at_23_50_shanghai_belongs_to_that_day_and_the_check_out_after_midnight_too(session, hc):
    at = shanghai(DAY, 23, 50)            # 15:50 UTC the same day
    visit = check_in(session, hc, at).visit
    assert visit.service_date == DAY
    visits.check_out(session, visit.id, actor=hc.operator, at=shanghai(DAY + timedelta(days=1), 0, 40),
                     item_ids=item_ids(session, "SH01"), now=NOW)
    assert (visit.service_date, visit.actual_minutes) == (DAY, 50)
    early = check_in(session, hc, shanghai(DAY, 0, 10)).visit   # 16:10 UTC the day before
    assert early.service_date == DAY


def test_check_in_goes_into_the_days_scheduled_visit(session, hc):
    scheduled = Visit(provider_id=hc.plan.provider_id, person_id=hc.person.id, care_type="home", plan_id=hc.plan.id,
                      visit_type_id=hc.plan.visit_types[0].id, scheduled_start=shanghai(DAY, 9), service_date=DAY,
                      planned_minutes=60, source="schedule")
    session.add(scheduled)
    session.flush()
    outcome = check_in(session, hc, shanghai(DAY, 9, 10))
    assert outcome.visit.id == scheduled.id and scheduled.status == "in_progress"
    assert scheduled.carer_id == hc.carer.id and scheduled.source == "web"


def test_an_exact_duplicate_is_refused_with_the_stored_visits_id(session, hc):
    first = record(session, hc, shanghai(DAY, 14)).visit
    with pytest.raises(DuplicateVisit) as refused:
        record(session, hc, shanghai(DAY, 14))
    assert refused.value.visit_id == first.id and refused.value.status == 409
    assert session.scalar(select(func.count()).select_from(Visit)) == 1


def test_the_same_start_with_other_differences_is_stored_and_names_the_earlier_visit(session, hc):
    first = record(session, hc, shanghai(DAY, 14)).visit
    second = record(session, hc, shanghai(DAY, 14), notes="补录")
    assert second.visit.id != first.id and second.duplicate_of == first.id


def test_a_whole_visit_is_checked_as_if_entered_at_its_check_in(session, hc, monkeypatch):
    seen = []
    monkeypatch.setattr(checks, "_checkers", [lambda s, kind, rec, *, now: seen.append(now) or []])
    start = shanghai(DAY, 8)
    outcome = record(session, hc, start)
    assert seen == [start] and outcome.visit.status == "done" and outcome.visit.uploaded_at == NOW


def test_a_correction_keeps_the_previous_version_with_who_when_and_why(session, hc, world):
    visit = record(session, hc, shanghai(DAY, 14)).visit
    later = NOW + timedelta(hours=2)
    outcome = visits.correct_visit(session, visit.id, actor=hc.operator, reason="签退时间录错",
                                   changes={"check_out_at": shanghai(DAY, 15, 30), "actual_minutes": 90}, now=later)
    assert (outcome.visit.version, outcome.visit.actual_minutes) == (2, 90)
    kept = session.scalars(select(RecordVersion)).one()
    assert (kept.record_kind, kept.record_id, kept.version, kept.reason) == ("visit", visit.id, 1, "签退时间录错")
    assert (kept.changed_by, kept.changed_at, kept.data["actual_minutes"]) == (world.users["pr_op"].id, later, 60)
    assert visits.versions_of(session, visit) == [kept]


def test_a_correction_needs_a_reason_and_a_change(session, hc):
    visit = record(session, hc, shanghai(DAY, 14)).visit
    with pytest.raises(ValidationFailed, match="请填写更正原因"):
        visits.correct_visit(session, visit.id, actor=hc.operator, changes={"notes": "x"}, reason=" ", now=NOW)
    with pytest.raises(ValidationFailed, match="没有需要更正的内容"):
        visits.correct_visit(session, visit.id, actor=hc.operator, changes={"actual_minutes": 60}, reason="r",
                             now=NOW)
    with pytest.raises(ValidationFailed, match="不可更正"):
        visits.correct_visit(session, visit.id, actor=hc.operator, changes={"settled_at": NOW}, reason="r", now=NOW)


def test_a_correction_moving_the_check_in_moves_the_service_date(session, hc):
    visit = record(session, hc, shanghai(DAY, 14)).visit
    visits.correct_visit(session, visit.id, actor=hc.operator, reason="日期录错", now=NOW, changes={
        "check_in_at": shanghai(DAY - timedelta(days=1), 23, 55), "check_out_at": shanghai(DAY, 0, 55)})
    assert visit.service_date == DAY - timedelta(days=1)


def test_a_settled_visit_refuses_corrections(session, hc):
    visit = record(session, hc, shanghai(DAY, 14)).visit
    visit.settled_at = NOW
    with pytest.raises(Conflict, match="已结算"):
        visits.correct_visit(session, visit.id, actor=hc.operator, changes={"notes": "x"}, reason="r", now=NOW)
    assert visit.version == 1 and session.scalar(select(func.count()).select_from(RecordVersion)) == 0


def test_another_providers_carer_or_visit_is_not_found(session, hc, world):
    from ltc.auth.services import actor_of
    stranger = actor_of(world.users["pr2_op"])
    with pytest.raises(NotFound):
        check_in(session, hc, shanghai(DAY, 9), actor=stranger)
    visit = record(session, hc, shanghai(DAY, 14)).visit
    with pytest.raises(NotFound):
        visits.correct_visit(session, visit.id, actor=stranger, changes={"notes": "x"}, reason="r", now=NOW)


def test_shape_errors_store_nothing(session, hc):
    from datetime import datetime
    with pytest.raises(ValidationFailed, match="时区"):
        check_in(session, hc, datetime(2026, 3, 16, 9))
    with pytest.raises(ValidationFailed, match="同时填写"):
        check_in(session, hc, shanghai(DAY, 9), lat="39.9")
    with pytest.raises(ValidationFailed, match="至少选择一个服务项目"):
        record(session, hc, shanghai(DAY, 9), item_ids=[])
    with pytest.raises(ValidationFailed, match="签退时间不能早于签到时间"):
        record(session, hc, shanghai(DAY, 9), check_out_at=shanghai(DAY, 8))
    assert session.scalar(select(func.count()).select_from(Visit)) == 0
