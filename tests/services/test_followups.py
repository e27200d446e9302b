"""Follow-up visits (issue 12 point 1, SPEC §8): the worklist feeds, the monthly sample with its stored
seed, workload and reassignment, the visit record, the hold a "not confirmed" record puts on the
person's records of the month, and the reassessment a "no longer fits the level" finding opens."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from ltc.assessment.applications.models import Application
from ltc.compliance.models import Finding
from ltc.core.audit import SYSTEM
from ltc.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from ltc.ratings.followups import feeding, jobs, recording, sampling
from ltc.ratings.followups.holds import held_persons
from ltc.ratings.followups.models import FollowUp, FollowUpDraw, FollowUpEvent
from tests.ratings_builders import JUNE_10, JUNE_20, actor, beneficiary, listed, other_insurer, visit_record

GRANTED = datetime(2026, 6, 10, 2, 0, tzinfo=timezone.utc)


def _follow_ups(session, person_id=None):
    stmt = select(FollowUp).order_by(FollowUp.id)
    if person_id is not None:
        stmt = stmt.where(FollowUp.person_id == person_id)
    return session.scalars(stmt).all()


def test_a_new_beneficiary_is_due_30_days_after_the_grant_not_the_retroactive_start(session, world):
    someone = beneficiary(session, world, 1, starts_on=date(2026, 5, 1), now=GRANTED)
    earlier = beneficiary(session, world, 2, starts_on=date(2026, 4, 1), now=GRANTED - timedelta(days=40))
    assert feeding.feed_new_grants(session, today=date(2026, 6, 12), actor=SYSTEM, now=JUNE_20) == 1
    (found,) = _follow_ups(session)
    assert (found.person_id, found.origin, found.due_on) == (someone.id, "new_grant", date(2026, 7, 10))
    assert found.insurer_id == world.insurer.id and found.provider_id == world.provider.id
    assert feeding.feed_new_grants(session, today=date(2026, 6, 13), actor=SYSTEM, now=JUNE_20) == 0
    assert not _follow_ups(session, earlier.id)


def test_the_daily_job_lists_new_beneficiaries_by_its_due_date(session, world):
    someone = beneficiary(session, world, 1, now=GRANTED)
    due_at = datetime(2026, 7, 9, 22, 0, tzinfo=timezone.utc)      # 06:00 on 10 July in Shanghai
    assert jobs.feed_new_grants(session, now=due_at, due_at=due_at) == {"listed": 1}
    assert _follow_ups(session, someone.id)[0].due_on == date(2026, 7, 10)


def test_the_monthly_sample_draws_at_least_ten_percent_with_a_stored_seed_once(session, world):
    persons = [beneficiary(session, world, n) for n in range(1, 26)]
    draw = sampling.draw_month(session, world.insurer.id, date(2026, 7, 1), actor=SYSTEM, now=JUNE_20, seed=7)
    assert (draw.active, draw.sampled, draw.seed) == (25, 3, 7)
    picked = sorted(f.person_id for f in _follow_ups(session))
    assert picked == sampling.sample([p.id for p in persons], draw_share(session), 7)
    assert all(f.origin == "monthly_sample" and f.due_on == date(2026, 7, 31) and f.draw_id == draw.id
               for f in _follow_ups(session))
    again = sampling.draw_month(session, world.insurer.id, date(2026, 7, 1), actor=SYSTEM, now=JUNE_20)
    assert again.id == draw.id and len(_follow_ups(session)) == 3


def draw_share(session):
    return feeding.followup_policy(session, date(2026, 7, 1)).sample_share


def test_the_same_seed_draws_the_same_sample():
    population = list(range(100, 200))
    assert sampling.sample(population, 0.1, 5) == sampling.sample(list(reversed(population)), 0.1, 5)
    assert len(sampling.sample(population, 0.1, 5)) == 10 and sampling.sample([], 0.1, 5) == []


def test_persons_with_flag_findings_last_month_are_sampled_too(session, world):
    persons = [beneficiary(session, world, n) for n in range(1, 6)]
    for p in persons:
        session.add(Finding(rule="V01", severity="FLAG", record_kind="visit", record_id=p.id,
                            provider_id=world.provider.id, person_id=p.id, service_date=date(2026, 6, 3),
                            month=date(2026, 6, 1), evidence={}, message="测试", params={}, status="open",
                            source="scan", found_at=JUNE_10))
    session.flush()
    draw = sampling.draw_month(session, world.insurer.id, date(2026, 7, 1), actor=SYSTEM, now=JUNE_20, seed=3)
    assert (draw.flagged, draw.flag_sampled) == (5, 1)
    assert [f.source_key for f in _follow_ups(session) if f.origin == "flag_sample"] == ["flag:2026-07"]


def test_the_day_1_job_draws_one_unit_per_insurer_for_the_due_months(session, world):
    other_insurer(session, world)
    beneficiary(session, world, 1)
    beneficiary(session, world, 2, district="朝阳区")
    due_at = datetime(2026, 6, 30, 19, 0, tzinfo=timezone.utc)     # 03:00 on 1 July in Shanghai
    units = jobs.insurers_to_draw(session, due_at=due_at)
    assert len(units) == 2
    counts = [jobs.draw_unit(session, unit, now=due_at, due_at=due_at) for unit in units]
    assert counts == [{"active": 1, "sampled": 1, "flag_sampled": 0}] * 2
    assert session.scalar(select(FollowUpDraw.month).limit(1)) == date(2026, 7, 1)


def test_a_new_follow_up_goes_to_the_least_loaded_staff_member(session, world):
    a, b, c = (beneficiary(session, world, n) for n in (1, 2, 3))
    first, second, third = listed(session, a), listed(session, b), listed(session, c)
    staff = {world.users["ins_op"].id, world.users["ins_rev"].id}
    assert {first.assigned_to, second.assigned_to} == staff and third.assigned_to in staff


def test_reassigning_records_who_when_and_why(session, world):
    f = listed(session, beneficiary(session, world, 1))
    target = ({world.users["ins_op"].id, world.users["ins_rev"].id} - {f.assigned_to}).pop()
    recording.reassign(session, f.id, to_user_id=target, reason="病假", actor=actor(world, "ins_admin"), now=JUNE_20)
    event = session.scalars(select(FollowUpEvent).where(FollowUpEvent.follow_up_id == f.id)
                            .order_by(FollowUpEvent.id.desc())).first()
    assert (f.assigned_to, event.kind, event.reason, event.to_user_id) == (target, "reassigned", "病假", target)
    assert event.actor_id == world.users["ins_admin"].id and event.at == JUNE_20


def test_reassigning_is_refused_outside_the_insurers_staff_and_to_non_admins(session, world):
    f = listed(session, beneficiary(session, world, 1))
    with pytest.raises(ValidationFailed):
        recording.reassign(session, f.id, to_user_id=world.users["pr_op"].id, reason="x",
                           actor=actor(world, "ins_admin"), now=JUNE_20)
    with pytest.raises(ValidationFailed):
        recording.reassign(session, f.id, to_user_id=world.users["ins_op"].id, reason=" ",
                           actor=actor(world, "ins_admin"), now=JUNE_20)
    with pytest.raises(Forbidden):
        recording.reassign(session, f.id, to_user_id=world.users["ins_op"].id, reason="x",
                           actor=actor(world, "ins_op"), now=JUNE_20)


def test_recording_a_follow_up_keeps_the_scores_and_an_event(session, world):
    f = listed(session, beneficiary(session, world, 1))
    recording.record_follow_up(session, f.id, visit_record(overall=2, findings="护理员迟到"),
                               actor=actor(world, "ins_op"), now=JUNE_20)
    assert (f.status, f.channel, f.overall, f.confirmed, f.held_month) == ("done", "phone", 2, True, None)
    assert f.recorded_by == world.users["ins_op"].id and f.findings == "护理员迟到"
    kinds = session.scalars(select(FollowUpEvent.kind).where(FollowUpEvent.follow_up_id == f.id)).all()
    assert kinds == ["created", "recorded"]
    with pytest.raises(InvalidTransition):
        recording.record_follow_up(session, f.id, visit_record(), actor=actor(world, "ins_op"), now=JUNE_20)


@pytest.mark.parametrize("bad, field", [({"overall": 0}, "overall"), ({"attitude": 6}, "attitude"),
                                        ({"channel": "fax"}, "channel"),
                                        ({"visited_on": date(2026, 6, 21)}, "visited_on"),
                                        ({"visited_on": date(2026, 6, 9)}, "visited_on"),
                                        ({"level_mismatch": True}, "findings")])
def test_a_bad_record_is_refused_naming_the_field(session, world, bad, field):
    f = listed(session, beneficiary(session, world, 1))
    with pytest.raises(ValidationFailed) as refused:
        recording.record_follow_up(session, f.id, visit_record(**bad), actor=actor(world, "ins_op"), now=JUNE_20)
    assert field in refused.value.fields and f.status == "open"


def test_another_insurers_follow_up_is_not_found_and_providers_cannot_record(session, world):
    other_insurer(session, world)
    f = listed(session, beneficiary(session, world, 1))
    with pytest.raises(NotFound):
        recording.record_follow_up(session, f.id, visit_record(), actor=actor(world, "ins9_op"), now=JUNE_20)
    with pytest.raises(NotFound):
        recording.reassign(session, f.id, to_user_id=world.users["ins9_op"].id, reason="x",
                           actor=actor(world, "ins9_admin"), now=JUNE_20)
    with pytest.raises(Forbidden):
        recording.record_follow_up(session, f.id, visit_record(), actor=actor(world, "pr_op"), now=JUNE_20)


def test_not_confirmed_holds_the_persons_records_of_the_visits_month(session, world):
    someone = beneficiary(session, world, 1)
    f = listed(session, someone)
    recording.record_follow_up(session, f.id, visit_record(confirmed=False, visited_on=date(2026, 6, 18)),
                               actor=actor(world, "ins_op"), now=JUNE_20)
    assert f.held_month == date(2026, 6, 1)
    assert held_persons(session, world.provider.id, date(2026, 6, 1)) == {someone.id}
    assert held_persons(session, world.provider.id, date(2026, 7, 1)) == set()


def test_a_level_that_no_longer_fits_opens_a_reassessment(session, world):
    someone = beneficiary(session, world, 1)
    f = listed(session, someone)
    recording.record_follow_up(session, f.id, visit_record(level_mismatch=True, findings="已能自行行走"),
                               actor=actor(world, "ins_op"), now=JUNE_20)
    app = session.get(Application, f.reassessment_id)
    assert (app.person_id, app.kind, app.reassessment_reason, app.status) == (
        someone.id, "reassessment", "follow_up", "submitted")
