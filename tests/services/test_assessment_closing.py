"""Withdrawal, cancellation and cancellation on death (SPEC §2, §3.1)."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications.services import closing
from ltc.assessment.applications.services import objections
from ltc.assessment.applications.services import reassessment  # noqa: F401  (registers the death hook)
from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.reassessment import cancel_open_for_death
from ltc.core.audit import SYSTEM
from ltc.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from ltc.notices.models import Notice
from ltc.people import services as people
from tests.assessment_builders import accepted, at, cast, confirmed, file, scheduled
from tests.conftest import NOW

D = date


@pytest.fixture
def c(session, world):
    return cast(session, world)


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


def test_withdrawing_the_objection_lets_a_publicized_parent_conclude_on_its_own_level(session, c):
    parent = confirmed(session, c, level=3)
    child = objections.object_to(session, parent.id, actor=c.ins, now=at(D(2026, 3, 23)), reason="等级偏低")
    closing.withdraw(session, child.id, actor=c.ins, now=at(D(2026, 3, 24)), reason="撤回异议")
    assert child.status == "withdrawn"
    assert (parent.status, parent.level, parent.concluded_on, parent.paused_since) == (
        "concluded", 3, D(2026, 3, 24), None)
    assert parent.paused_days == 1
    assert session.scalar(select(Notice.id).where(Notice.subject_id == parent.id, Notice.kind == "conclusion"))


def test_withdrawing_the_objection_keeps_an_earlier_conclusion(session, c):
    parent = confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))
    child = objections.object_to(session, parent.id, actor=c.ins, now=at(D(2026, 3, 20)), reason="等级偏低")
    closing.withdraw(session, child.id, actor=c.ins, now=at(D(2026, 3, 24)))
    assert (parent.status, parent.concluded_on, parent.valid_to) == ("concluded", D(2026, 3, 19), D(2028, 3, 19))


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
