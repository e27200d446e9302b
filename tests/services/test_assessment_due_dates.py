"""The SLA due dates stored on applications follow the working-day calendar (SPEC §0.1, §3.1).

Today is December 2026 and the official calendar knows no 2027: until the admins enter its
holidays, 2027 counts Monday to Friday. Entering them moves the open applications' running due
dates; the conclusion due date printed on an acceptance notice never moves earlier.
"""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications.services import acceptance
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.calendar import OverrideInput, add_working_days, set_overrides
from ltc.notices.models import Notice
from tests.assessment_builders import accepted, at, file
from tests.people_builders import person

D = date
MONDAY = at(D(2026, 12, 28))
NEW_YEAR = [OverrideInput(D(2027, 1, 1), False, "元旦")]
SPRING_FESTIVAL = [OverrideInput(D(2027, 2, day), False, "春节") for day in range(8, 13)]  # Mon 8 – Fri 12


@pytest.fixture
def c(shared_cast):
    return shared_cast


def enter(session, rows, *, on=MONDAY):
    return set_overrides(session, rows, actor=SYSTEM, now=on)


def printed_due(session, app) -> date:
    notice = session.scalars(select(Notice).where(Notice.subject_type == "application", Notice.subject_id == app.id,
                                                  Notice.kind == "acceptance")).one()
    return date.fromisoformat(notice.data["conclusion_due_on"])


def test_entering_2027_holidays_moves_the_open_acceptance_and_conclusion_due_dates(session, c):
    submitted = file(session, c, now=MONDAY)
    assert submitted.acceptance_due_on == D(2027, 1, 4)          # Dec 29, 30, 31, Fri 1 Jan, Mon 4 Jan
    app = accepted(session, c, now=MONDAY, person_id=_second_person(session, c))
    assert app.conclusion_due_on == printed_due(session, app) == D(2027, 2, 8)   # 30 weekdays
    enter(session, NEW_YEAR + SPRING_FESTIVAL)
    session.expire_all()
    assert submitted.acceptance_due_on == D(2027, 1, 5)
    assert app.conclusion_due_on == D(2027, 2, 16)               # one day for New Year, five for the festival
    assert app.conclusion_due_on == add_working_days(session, app.accepted_on, 30)
    moved = session.scalars(select(AuditEntry).where(AuditEntry.entity == "application",
                                                     AuditEntry.action == "recompute_due")
                            .order_by(AuditEntry.id)).all()
    assert [(e.entity_id, e.before, e.after) for e in moved] == [
        (str(submitted.id), {"acceptance_due_on": "2027-01-04"}, {"acceptance_due_on": "2027-01-05"}),
        (str(app.id), {"conclusion_due_on": "2027-02-08"}, {"conclusion_due_on": "2027-02-16"})]


def test_a_printed_conclusion_due_date_never_moves_earlier_but_an_unprinted_one_does(session, c):
    submitted = file(session, c, now=MONDAY)
    app = accepted(session, c, now=MONDAY, person_id=_second_person(session, c))
    saturday = [OverrideInput(D(2027, 1, 2), True, "调休")]
    enter(session, saturday)
    session.expire_all()
    assert submitted.acceptance_due_on == D(2027, 1, 2)          # nothing printed: one working day earlier
    assert add_working_days(session, app.accepted_on, 30) == D(2027, 2, 5)
    assert app.conclusion_due_on == printed_due(session, app) == D(2027, 2, 8)   # the acceptance notice's date
    enter(session, [OverrideInput(D(2027, 2, day), False, "停工") for day in range(1, 6)])
    session.expire_all()
    assert app.conclusion_due_on == D(2027, 2, 12)               # later than printed: the later date applies


def test_the_working_days_a_review_paused_the_clock_are_kept(session, c):
    app = accepted(session, c, now=MONDAY)
    app.paused_days = 3
    app.conclusion_due_on = add_working_days(session, app.accepted_on, 33)
    assert app.conclusion_due_on == D(2027, 2, 11)
    enter(session, SPRING_FESTIVAL)
    session.expire_all()
    assert app.conclusion_due_on == D(2027, 2, 18)


def test_closed_applications_keep_their_due_dates(session, c):
    refused = file(session, c, now=MONDAY)
    acceptance.refuse(session, refused.id, actor=c.ins, now=MONDAY, code="other", text="测试")
    enter(session, NEW_YEAR)
    session.expire_all()
    assert refused.acceptance_due_on == D(2027, 1, 4)


def _second_person(session, c) -> int:
    """One application per person: the second application is another person's."""
    return person(session, 2, name="王五").id
