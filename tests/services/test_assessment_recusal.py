"""Recusal (SPEC §3.1, issue 8 point 13): each on-site assessor declares personally, in their own
session, that they have no tie with the person; the admin cannot declare for them; the joint
record cannot be entered until both have declared."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications.models import AssessmentVisit
from ltc.assessment.applications.services import evaluation, recusal, scheduling
from ltc.auth.services import actor_of
from ltc.core.audit import AuditEntry
from ltc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from tests.assessment_builders import ITEMS_BY_LEVEL, RECUSAL, at, declare, dispatched, on_site
from tests.builders import user
from tests.conftest import NOW

VISIT = date(2026, 3, 18)


@pytest.fixture
def c(shared_cast):
    return shared_cast


def booked(session, c, *assessors):
    """Scheduled by the agency admin, nobody has declared yet."""
    a = c.agencies[0]
    app = dispatched(session, c)
    return scheduling.schedule(session, app.id, actor=actor_of(a.admin), now=NOW, visit_on=VISIT,
                               assessors=on_site(*(assessors or (a.experts[0], a.assessor))))


def rows(session, app):
    visit = scheduling.current_visit(session, app)
    return [(x.user_id, x.recusal_text, x.declared_at) for x in visit.assessors]


def test_scheduling_names_the_assessors_without_declaring_for_them(session, c):
    a = c.agencies[0]
    app = booked(session, c)
    assert app.status == "scheduled"
    assert rows(session, app) == [(a.experts[0].id, None, None), (a.assessor.id, None, None)]
    assert recusal.undeclared(session, app) == [a.experts[0].full_name, a.assessor.full_name]


def test_each_assessor_declares_personally_with_text_and_time_audited(session, c):
    a = c.agencies[0]
    app = booked(session, c)
    version = app.version
    when = at(date(2026, 3, 17), 9)
    recusal.declare(session, app.id, actor=actor_of(a.assessor), now=when, text=f"  {RECUSAL}  ")
    assert rows(session, app)[1] == (a.assessor.id, RECUSAL, when)
    assert rows(session, app)[0] == (a.experts[0].id, None, None)
    assert app.version > version and app.status == "scheduled"
    event = app.events[-1]
    assert (event.action, event.actor_user_id, event.at, event.data["text"]) == (
        "declare_recusal", a.assessor.id, when, RECUSAL)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "declare_recusal")).one()
    assert (entry.user_id, entry.entity_id, entry.after["text"]) == (a.assessor.id, str(app.id), RECUSAL)
    assert recusal.undeclared(session, app) == [a.experts[0].full_name]


def test_the_admin_cannot_declare_for_an_assessor(session, c):
    a = c.agencies[0]
    app = booked(session, c)
    with pytest.raises(Forbidden):
        recusal.declare(session, app.id, actor=actor_of(a.admin), now=NOW, text=RECUSAL)
    assert rows(session, app)[0][2] is None and rows(session, app)[1][2] is None


def test_an_admin_who_is_also_an_on_site_assessor_declares_only_for_themself(session, c):
    a = c.agencies[0]
    both = user(session, a.org, "ag1_both", "admin", "assessor")
    app = booked(session, c, a.experts[0], both)
    recusal.declare(session, app.id, actor=actor_of(both), now=NOW, text=RECUSAL)
    assert [r[2] is not None for r in rows(session, app)] == [False, True]


def test_an_assessor_not_on_site_cannot_declare(session, c):
    a = c.agencies[0]
    app = booked(session, c)
    with pytest.raises(Forbidden):
        recusal.declare(session, app.id, actor=actor_of(a.experts[1]), now=NOW, text=RECUSAL)


def test_a_declaration_needs_a_text_and_is_made_once(session, c):
    a = c.agencies[0]
    app = booked(session, c)
    for text in ("  ", "字" * 501):
        with pytest.raises(ValidationFailed) as caught:
            recusal.declare(session, app.id, actor=actor_of(a.assessor), now=NOW, text=text)
        assert "text" in caught.value.fields
    recusal.declare(session, app.id, actor=actor_of(a.assessor), now=NOW, text=RECUSAL)
    with pytest.raises(Conflict):
        recusal.declare(session, app.id, actor=actor_of(a.assessor), now=NOW, text=RECUSAL)


def test_no_declaration_before_the_visit_is_booked(session, c):
    a = c.agencies[0]
    app = dispatched(session, c)
    with pytest.raises(InvalidTransition):
        recusal.declare(session, app.id, actor=actor_of(a.assessor), now=NOW, text=RECUSAL)


def test_the_record_cannot_be_entered_until_both_declared(session, c):
    a = c.agencies[0]
    app = booked(session, c)
    declare(session, app, a.experts[0])
    with pytest.raises(ValidationFailed) as caught:
        evaluation.enter_assessment(session, app.id, ITEMS_BY_LEVEL[3], actor=actor_of(a.experts[0]), now=at(VISIT))
    assert a.assessor.full_name in caught.value.message and "回避声明" in caught.value.message
    assert caught.value.fields == {"recusal": "not declared by every on-site assessor"}
    declare(session, app, a.assessor)
    evaluation.enter_assessment(session, app.id, ITEMS_BY_LEVEL[3], actor=actor_of(a.experts[0]), now=at(VISIT))
    assert evaluation.cosign(session, app.id, actor=actor_of(a.assessor), now=at(VISIT)).status == "assessed"


def test_rescheduling_keeps_the_declarations_of_assessors_who_stay(session, c):
    a = c.agencies[0]
    app = booked(session, c)
    declare(session, app, a.experts[0], a.assessor)
    scheduling.reschedule(session, app.id, actor=actor_of(a.admin), now=NOW, visit_on=date(2026, 3, 19),
                          assessors=on_site(a.experts[0], a.experts[1]), reason="评估人员请假")
    [(first, text, declared_at), (second, none, never)] = rows(session, app)
    assert (first, text, declared_at) == (a.experts[0].id, RECUSAL, NOW)
    assert (second, none, never) == (a.experts[1].id, None, None)
    assert recusal.undeclared(session, app) == [a.experts[1].full_name]
    visits = session.scalars(select(AssessmentVisit).where(AssessmentVisit.application_id == app.id)).all()
    assert len(visits) == 2
