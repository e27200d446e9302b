"""Complaints (issue 12 point 2, SPEC §8): the register by insurer and MIA operators, the insurer's
outcome within 10 working days, the follow-up every complaint lists, the overdue marks of the daily
06:00 job, and the upheld counts per provider and month the scoring reads."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from ltc.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from ltc.ratings.complaints import jobs, queries, services
from ltc.ratings.complaints.models import ComplaintEvent
from ltc.ratings.complaints.services import ComplaintInput
from ltc.ratings.followups.models import FollowUp
from tests.compliance_db_builders import carer
from tests.ratings_builders import actor, beneficiary, other_insurer

MONDAY = datetime(2026, 6, 8, 2, 0, tzinfo=timezone.utc)         # Monday 8 June 2026, 10:00 in Shanghai


def _input(someone, world, **kw) -> ComplaintInput:
    values = {"id_number": someone.id_number, "provider_id": world.provider.id, "complainant": "family",
              "complainant_name": "李四", "channel": "phone", "what": "护理员未按时上门",
              "happened_on": date(2026, 6, 5), **kw}
    return ComplaintInput(**values)


def _register(session, world, someone, username="ins_op", now=MONDAY, **kw):
    return services.register_complaint(session, _input(someone, world, **kw), actor=actor(world, username), now=now)


def _events(session, complaint):
    return session.scalars(select(ComplaintEvent.kind).where(ComplaintEvent.complaint_id == complaint.id)
                           .order_by(ComplaintEvent.id)).all()


def test_a_complaint_is_due_in_10_working_days_and_lists_a_follow_up(session, world):
    someone = beneficiary(session, world, 1)
    complaint = _register(session, world, someone)
    assert (complaint.status, complaint.received_on, complaint.insurer_id) == ("open", date(2026, 6, 8),
                                                                              world.insurer.id)
    assert services.due_on(session, complaint) == date(2026, 6, 23)   # 19 June is the Dragon Boat holiday
    (follow_up,) = session.scalars(select(FollowUp).where(FollowUp.person_id == someone.id)).all()
    assert (follow_up.origin, follow_up.complaint_id, follow_up.due_on) == ("complaint", complaint.id,
                                                                           date(2026, 6, 23))
    assert _events(session, complaint) == ["registered"]


def test_the_mia_operator_registers_too_and_a_provider_cannot(session, world):
    someone = beneficiary(session, world, 1)
    assert _register(session, world, someone, "mia_op").registered_org == world.mia.id
    with pytest.raises(Forbidden):
        _register(session, world, someone, "pr_op")


@pytest.mark.parametrize("bad, field", [({"happened_on": date(2026, 6, 9)}, "happened_on"),
                                        ({"complainant_name": " "}, "complainant_name"),
                                        ({"what": ""}, "what"), ({"channel": "mail"}, "channel"),
                                        ({"id_number": "110101195001011234"}, "id_number")])
def test_a_bad_complaint_is_refused_naming_the_field(session, world, bad, field):
    someone = beneficiary(session, world, 1)
    with pytest.raises(ValidationFailed) as refused:
        _register(session, world, someone, **bad)
    assert field in refused.value.fields


def test_the_carer_must_be_the_providers(session, world):
    someone = beneficiary(session, world, 1)
    stranger = carer(session, world.provider2, 7)
    with pytest.raises(ValidationFailed) as refused:
        _register(session, world, someone, carer_id=stranger.id)
    assert "carer_id" in refused.value.fields
    assert _register(session, world, someone, carer_id=carer(session, world.provider, 8).id).carer_id is not None


def test_the_insurer_closes_it_with_outcome_and_reply_once(session, world):
    complaint = _register(session, world, beneficiary(session, world, 1))
    services.decide_complaint(session, complaint.id, outcome="upheld", reply="已责令机构整改并致歉",
                              actor=actor(world, "ins_rev"), now=MONDAY)
    assert (complaint.status, complaint.outcome, complaint.closed_on) == ("closed", "upheld", date(2026, 6, 8))
    assert _events(session, complaint) == ["registered", "decided"]
    with pytest.raises(InvalidTransition):
        services.decide_complaint(session, complaint.id, outcome="not_upheld", reply="x",
                                  actor=actor(world, "ins_rev"), now=MONDAY)


def test_closing_needs_an_outcome_and_a_reply(session, world):
    complaint = _register(session, world, beneficiary(session, world, 1))
    with pytest.raises(ValidationFailed):
        services.decide_complaint(session, complaint.id, outcome="maybe", reply="x", actor=actor(world, "ins_op"),
                                  now=MONDAY)
    with pytest.raises(ValidationFailed):
        services.decide_complaint(session, complaint.id, outcome="upheld", reply=" ", actor=actor(world, "ins_op"),
                                  now=MONDAY)


def test_another_insurers_complaint_is_not_found_and_the_mia_cannot_close(session, world):
    other_insurer(session, world)
    complaint = _register(session, world, beneficiary(session, world, 1))
    with pytest.raises(NotFound):
        services.decide_complaint(session, complaint.id, outcome="upheld", reply="x", actor=actor(world, "ins9_op"),
                                  now=MONDAY)
    with pytest.raises(Forbidden):
        services.decide_complaint(session, complaint.id, outcome="upheld", reply="x", actor=actor(world, "mia_op"),
                                  now=MONDAY)


def test_the_daily_job_marks_an_open_complaint_overdue_from_the_day_after_its_due_date_once(session, world):
    complaint = _register(session, world, beneficiary(session, world, 1))
    on_due = datetime(2026, 6, 22, 22, 0, tzinfo=timezone.utc)      # 06:00 on 23 June (the due date)
    after = datetime(2026, 6, 23, 22, 0, tzinfo=timezone.utc)       # 06:00 on 24 June
    assert jobs.mark_overdue(session, now=on_due, due_at=on_due) == {"marked": 0}
    assert jobs.mark_overdue(session, now=after, due_at=after) == {"marked": 1}
    assert jobs.mark_overdue(session, now=after, due_at=after) == {"marked": 0}
    assert complaint.overdue_marked_on == date(2026, 6, 24)
    assert _events(session, complaint) == ["registered", "overdue"]


def test_upheld_complaints_count_per_provider_and_month_of_the_service(session, world):
    someone = beneficiary(session, world, 1)
    for happened, outcome in ((date(2026, 5, 30), "upheld"), (date(2026, 6, 2), "upheld"),
                              (date(2026, 6, 3), "upheld"), (date(2026, 6, 4), "not_upheld")):
        complaint = _register(session, world, someone, happened_on=happened)
        services.decide_complaint(session, complaint.id, outcome=outcome, reply="已答复",
                                  actor=actor(world, "ins_op"), now=MONDAY)
    _register(session, world, someone, happened_on=date(2026, 6, 6))            # still open
    assert queries.upheld_per_provider_month(session, date(2026, 5, 1), date(2026, 7, 1)) == {
        (world.provider.id, date(2026, 5, 1)): 1, (world.provider.id, date(2026, 6, 1)): 2}
