"""Withdrawal, cancellation and cancellation on death (SPEC §2, §3.1)."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications.services import closing
from ltc.assessment.applications.services import objections
from ltc.assessment.applications.services import reassessment  # noqa: F401  (registers the death hook)
from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.reassessment import cancel_open_for_death
from ltc.assessment.applications.events import ConclusionFinal
from ltc.assessment.applications.services.conclusion import record_finality
from ltc.core import events
from ltc.core.audit import SYSTEM
from ltc.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from ltc.notices.models import Notice
from ltc.people import services as people
from tests.assessment_builders import accepted, at, confirmed, file, scheduled
from tests.conftest import NOW

D = date


@pytest.fixture
def c(shared_cast):
    return shared_cast


def test_the_filing_provider_withdraws_its_application(session, c):
    app = file(session, c, by="pr_op")
    closing.withdraw(session, app.id, actor=c.actor("pr_op"), now=NOW, reason="家属决定暂不申请")
    assert (app.status, app.close_reason) == ("withdrawn", "家属决定暂不申请")
    assert (app.events[-1].from_status, app.events[-1].to_status, app.events[-1].action) == (
        "submitted", "withdrawn", "withdraw")


def test_the_insurer_withdraws_on_the_applicants_request_at_any_open_stage(session, c):
    app = scheduled(session, c)
    closing.withdraw(session, app.id, actor=c.ins, now=NOW)
    assert app.status == "withdrawn"


def test_others_cannot_withdraw(session, c):
    app = file(session, c, by="pr_op")
    with pytest.raises(NotFound):
        closing.withdraw(session, app.id, actor=c.actor("pr2_op"), now=NOW)
    with pytest.raises(Forbidden):
        closing.withdraw(session, app.id, actor=c.actor("pr_carer"), now=NOW)
    with pytest.raises(Forbidden):
        closing.withdraw(session, app.id, actor=c.actor("ins_rev"), now=NOW)
    assert app.status == "submitted"


def test_cancelling_needs_an_insurer_operator_and_a_reason(session, c):
    app = accepted(session, c)
    with pytest.raises(ValidationFailed):
        closing.cancel(session, app.id, actor=c.ins, now=NOW, reason="")
    with pytest.raises(Forbidden):
        closing.cancel(session, app.id, actor=c.actor("pr_op"), now=NOW, reason="重复申请")
    closing.cancel(session, app.id, actor=c.ins, now=NOW, reason="重复申请")
    assert (app.status, app.close_reason) == ("cancelled", "重复申请")


def test_closed_applications_stay_closed(session, c):
    app = confirmed(session, c, level=2)
    with pytest.raises(InvalidTransition):
        closing.withdraw(session, app.id, actor=c.ins, now=NOW)
    with pytest.raises(InvalidTransition):
        closing.cancel(session, app.id, actor=c.ins, now=NOW, reason="x")


def withdraw_objection(session, c, parent, objected_on: D, withdrawn_on: D):
    child = objections.object_to(session, parent.id, actor=c.ins, now=at(objected_on), reason="等级偏低")
    closing.withdraw(session, child.id, actor=c.ins, now=at(withdrawn_on), reason="撤回异议")
    assert child.status == "withdrawn"
    return child


def test_withdrawing_the_objection_during_publicity_returns_the_parent_to_publicity(session, c):
    parent = confirmed(session, c, level=3)                       # publicity 20–26 March
    withdraw_objection(session, c, parent, D(2026, 3, 23), D(2026, 3, 24))
    assert (parent.status, parent.level, parent.concluded_on, parent.final_on, parent.paused_since) == (
        "publicized", 3, D(2026, 3, 19), None, None)
    assert parent.paused_days == 1
    assert record_finality(session, today=D(2026, 3, 27), actor=SYSTEM, now=at(D(2026, 3, 27), 0)) == 1
    assert (parent.status, parent.final_on) == ("concluded", D(2026, 3, 27))
    assert len(session.scalars(select(Notice.id).where(Notice.subject_id == parent.id,
                                                       Notice.kind == "conclusion")).all()) == 1


def test_withdrawing_the_objection_after_publicity_makes_the_parent_final_that_day(session, c, monkeypatch):
    heard = []
    monkeypatch.setattr(events.hub, "_handlers", {ConclusionFinal: [lambda s, e: heard.append(e.application.id)]})
    parent = confirmed(session, c, level=3)
    withdraw_objection(session, c, parent, D(2026, 3, 23), D(2026, 3, 31))
    assert (parent.status, parent.concluded_on, parent.final_on) == ("concluded", D(2026, 3, 19), D(2026, 3, 31))
    assert heard == [parent.id]


def test_withdrawing_the_objection_within_the_window_below_the_threshold_waits_for_its_end(session, c):
    parent = confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))   # window until 26 March
    withdraw_objection(session, c, parent, D(2026, 3, 20), D(2026, 3, 24))
    assert (parent.status, parent.concluded_on, parent.valid_to, parent.final_on) == (
        "concluded", D(2026, 3, 19), D(2028, 3, 19), None)
    record_finality(session, today=D(2026, 3, 30), actor=SYSTEM, now=at(D(2026, 3, 30), 0))
    assert parent.final_on == D(2026, 3, 27)


def test_withdrawing_the_objection_after_the_window_below_the_threshold_is_final_that_day(session, c):
    parent = confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))
    withdraw_objection(session, c, parent, D(2026, 3, 20), D(2026, 3, 30))
    assert (parent.status, parent.concluded_on, parent.final_on) == ("concluded", D(2026, 3, 19), D(2026, 3, 30))


def test_an_objected_parent_cannot_be_withdrawn(session, c):
    parent = confirmed(session, c, level=3)
    child = objections.object_to(session, parent.id, actor=c.ins, now=at(D(2026, 3, 23)), reason="等级偏低")
    with pytest.raises(InvalidTransition):
        closing.withdraw(session, parent.id, actor=c.ins, now=at(D(2026, 3, 24)))
    assert (parent.status, child.status) == ("objected", "dispatched")


def test_cancelling_an_objected_parent_cancels_its_review(session, c):
    parent = confirmed(session, c, level=3)
    child = objections.object_to(session, parent.id, actor=c.ins, now=at(D(2026, 3, 23)), reason="等级偏低")
    closing.cancel(session, parent.id, actor=c.ins, now=at(D(2026, 3, 24)), reason="重复申请")
    assert (parent.status, child.status) == ("cancelled", "cancelled")
    assert child.events[-1].action == "cancel_with_parent"


def test_death_cancels_every_open_application_with_the_reason(session, c):
    parent = confirmed(session, c, level=3)
    child = objections.object_to(session, parent.id, actor=c.ins, now=at(D(2026, 3, 23)), reason="等级偏低")
    people.record_death(session, c.persons[0], death_date=D(2026, 3, 24), actor=c.actor("mia_op"),
                        now=at(D(2026, 3, 25)))
    assert (parent.status, child.status) == ("cancelled", "cancelled")
    assert parent.close_reason == "参保人于 2026-03-24 死亡"
    assert parent.events[-1].action == "cancel_on_death"


def test_death_cancellation_leaves_closed_applications_and_other_people_alone(session, c):
    from tests.people_builders import person

    done = confirmed(session, c, level=2)
    other = file(session, c, person_id=person(session, 9, name="钱七").id)
    cancelled = cancel_open_for_death(session, c.persons[0].id, death_date=D(2026, 3, 20), actor=SYSTEM, now=NOW)
    assert cancelled == [] and done.status == "concluded" and other.status == "submitted"
    mine = file(session, c)
    assert [a.id for a in cancel_open_for_death(session, c.persons[0].id, death_date=D(2026, 3, 20), actor=SYSTEM,
                                                now=NOW)] == [mine.id]
    assert session.scalar(select(Application.status).where(Application.id == mine.id)) == "cancelled"
