"""The month's visit schedule (SPEC §5.3, §5.4): generated from the plan in force on each day,
idempotent, keeping what was done or edited by hand; single visits moved, reassigned, cancelled."""
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from ltc.core.audit import SYSTEM
from ltc.core.errors import InvalidTransition, NotFound
from ltc.providers.care_plans import services as plans
from ltc.providers.care_plans.services import VisitTypeInput
from ltc.providers.records import schedule, visits
from ltc.providers.records.models import RecordVersion, ScheduleRequest, Visit
from ltc.scheduler.queue import run_queued
from ltc.scheduler.registry import ON_DEMAND_JOBS
from tests.conftest import NOW
from tests.people_builders import person
from tests.visit_builders import home_care, home_plan, shanghai

MARCH = date(2026, 3, 1)


@pytest.fixture
def hc(session, world):
    return home_care(session, world)


def generate(session, hc, month=MARCH):
    return schedule.generate_person_month(session, provider_id=hc.plan.provider_id, person_id=hc.person.id,
                                          month=month, actor=hc.operator, now=NOW)


def scheduled(session, hc) -> list[Visit]:
    return list(session.scalars(select(Visit).where(Visit.person_id == hc.person.id)
                                .order_by(Visit.scheduled_start, Visit.id)))


def test_a_month_follows_the_plans_weekdays_start_times_and_spreads_monthly_visits(session, hc):
    counts = generate(session, hc)
    rows = scheduled(session, hc)
    weekly = [v for v in rows if v.visit_type_id == hc.plan.visit_types[0].id]
    monthly = [v for v in rows if v.visit_type_id == hc.plan.visit_types[1].id]
    # Mondays 2, 9, 16, 23, 30 and Thursdays 5, 12, 19, 26 March 2026, at 09:00 Shanghai
    assert [v.service_date.day for v in weekly] == [2, 5, 9, 12, 16, 19, 23, 26, 30]
    assert {v.scheduled_start for v in weekly[:1]} == {shanghai(date(2026, 3, 2), 9)}
    # twice a month over its 22 working days, at the default time (the type has none)
    assert [(v.service_date, v.scheduled_start) for v in monthly] == [
        (date(2026, 3, 9), shanghai(date(2026, 3, 9), 8)), (date(2026, 3, 24), shanghai(date(2026, 3, 24), 8))]
    assert counts.as_dict() == {"created": 11, "kept": 0, "removed": 0, "assigned": 0}
    first = weekly[0]
    assert (first.status, first.source, first.planned_minutes, first.carer_id) == ("scheduled", "schedule", 60, None)
    assert sorted(i.item.code for i in first.items) == ["SH01", "SH02"] and first.slot_start == first.scheduled_start
    assert hc.plan.visit_types[1].start_time is None        # the default is never stored on the plan


def test_regenerating_creates_nothing_twice_and_keeps_checked_in_moved_and_cancelled_visits(session, hc):
    generate(session, hc)
    rows = scheduled(session, hc)
    visits.check_in(session, actor=hc.operator, carer_id=hc.carer.id, person_id=hc.person.id,
                    at=rows[0].scheduled_start, visit_id=rows[0].id, source="web", uploaded_at=NOW, now=NOW)
    visits.move_visit(session, rows[1].id, actor=hc.operator, start=rows[1].scheduled_start + timedelta(days=1),
                      now=NOW)
    visits.cancel_visit(session, rows[2].id, actor=hc.operator, reason="家属外出", now=NOW)
    again = generate(session, hc)
    assert again.as_dict() == {"created": 0, "kept": 11, "removed": 0, "assigned": 0}
    assert sorted(v.id for v in scheduled(session, hc)) == sorted(v.id for v in rows)
    assert [rows[0].status, rows[2].status] == ["in_progress", "cancelled"]


def test_a_plan_changed_mid_month_removes_only_untouched_visits_of_the_old_version(session, hc, world):
    generate(session, hc)
    thursday = next(v for v in scheduled(session, hc) if v.service_date == date(2026, 3, 19))
    visits.assign_visit(session, thursday.id, actor=hc.operator, carer_id=hc.other_carer.id, now=NOW)
    newer = plans.save_plan(session, person_id=hc.person.id, provider_id=world.provider.id, care_type="home", level=4,
                            visit_types=[VisitTypeInput("周一照护", 1, "week", 90, ("SH01",), weekdays=(1,),
                                                        start_time=time(15, 0))],
                            actor=hc.operator, now=NOW)
    plans.finalize_plan(session, newer, actor=SYSTEM, now=NOW, entitlement_id=hc.plan.entitlement_id,
                        effective_from=date(2026, 3, 16))
    counts = generate(session, hc)
    rows = scheduled(session, hc)
    after = [(v.service_date.day, v.scheduled_start.astimezone(shanghai(MARCH, 0).tzinfo).hour) for v in rows
             if v.service_date >= date(2026, 3, 16)]
    # the reassigned Thursday stays; the new version's Mondays at 15:00; the old 24 March monthly visit goes
    assert after == [(16, 15), (19, 9), (23, 15), (30, 15)]
    # removed: the old Mondays 16, 23, 30, Thursday 26 and the monthly 24th; the monthly visit of the
    # first half (in force on 10 of 22 working days: once, on 9 March) stays
    assert (counts.created, counts.removed) == (3, 5)
    assert [v.service_date.day for v in rows if v.visit_type_id == hc.plan.visit_types[1].id] == [9]


def test_the_beneficiarys_carer_gets_new_visits_and_untouched_ones_nobody_has(session, hc):
    generate(session, hc)
    schedule.set_default_carer(session, provider_id=hc.plan.provider_id, person_id=hc.person.id,
                               carer_id=hc.carer.id, actor=hc.operator, now=NOW)
    counts = generate(session, hc)
    assert counts.assigned == 11 and {v.carer_id for v in scheduled(session, hc)} == {hc.carer.id}
    april = generate(session, hc, date(2026, 4, 1))
    assert april.created > 0
    assert {v.carer_id for v in scheduled(session, hc) if v.service_date.month == 4} == {hc.carer.id}


def test_moving_reassigning_and_cancelling_keep_versions_and_refuse_a_visit_checked_in(session, hc):
    generate(session, hc)
    first, second = scheduled(session, hc)[:2]
    visits.move_visit(session, first.id, actor=hc.operator, start=shanghai(date(2026, 3, 3), 14), reason="家属要求",
                      now=NOW)
    assert (first.service_date, first.version, first.slot_start) == (date(2026, 3, 3), 2, shanghai(date(2026, 3, 2), 9))
    visits.assign_visit(session, first.id, actor=hc.operator, carer_id=hc.other_carer.id, now=NOW)
    kept = session.scalars(select(RecordVersion).where(RecordVersion.record_id == first.id)
                           .order_by(RecordVersion.version)).all()
    assert [(k.version, k.reason) for k in kept] == [(1, "家属要求"), (2, "改派护理人员")]
    visits.check_in(session, actor=hc.operator, carer_id=hc.carer.id, person_id=hc.person.id,
                    at=second.scheduled_start, visit_id=second.id, source="web", uploaded_at=NOW, now=NOW)
    with pytest.raises(InvalidTransition):
        visits.cancel_visit(session, second.id, actor=hc.operator, reason="x", now=NOW)


def test_a_large_month_is_queued_and_generated_per_beneficiary_by_the_scheduler(session, hc, world, monkeypatch):
    other = person(session, 2, district="东城区")
    home_plan(session, world, other)
    monkeypatch.setattr(schedule, "IN_REQUEST_MAX", 1)
    outcome = schedule.schedule_month(session, provider_id=world.provider.id, month=MARCH, actor=hc.operator, now=NOW)
    assert (outcome.beneficiaries, outcome.counts) == (2, None)
    assert session.scalar(select(func.count()).select_from(Visit)) == 0
    assert session.scalar(select(ScheduleRequest.run_id)) == outcome.run_id
    [run] = run_queued(session, ON_DEMAND_JOBS)
    assert run.status == "success" and run.counts["created"] == 22
    monkeypatch.setattr(schedule, "IN_REQUEST_MAX", 30)
    again = schedule.schedule_month(session, provider_id=world.provider.id, month=MARCH, actor=hc.operator, now=NOW)
    assert again.counts.as_dict() == {"created": 0, "kept": 22, "removed": 0, "assigned": 0}


def test_one_beneficiary_who_is_not_the_providers_is_not_found(session, hc, world):
    stranger = person(session, 3, district="东城区")
    with pytest.raises(NotFound):
        schedule.schedule_month(session, provider_id=world.provider.id, month=MARCH, actor=hc.operator, now=NOW,
                                person_id=stranger.id)


def test_a_carer_is_chosen_only_for_the_providers_beneficiaries_and_from_its_carers(session, hc, world):
    stranger = person(session, 4, district="东城区")
    with pytest.raises(NotFound):
        schedule.set_default_carer(session, provider_id=world.provider.id, person_id=stranger.id,
                                   carer_id=hc.carer.id, actor=hc.operator, now=NOW)
    from tests.visit_builders import carer
    theirs = carer(session, world.provider2, 3)
    with pytest.raises(NotFound):
        schedule.set_default_carer(session, provider_id=world.provider.id, person_id=hc.person.id,
                                   carer_id=theirs.id, actor=hc.operator, now=NOW)
    schedule.set_default_carer(session, provider_id=world.provider.id, person_id=hc.person.id, carer_id=None,
                               actor=hc.operator, now=NOW)
    assert schedule.default_carer_id(session, world.provider.id, hc.person.id) is None
