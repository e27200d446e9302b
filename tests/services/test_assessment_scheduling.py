"""Booking the on-site visit (SPEC §3.1): date limit, two assessors, an expert, recusal."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.experts import services as experts
from ltc.assessment.applications.services import scheduling
from ltc.assessment.applications.models import AssessmentVisit
from ltc.auth.services import actor_of
from ltc.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from tests.assessment_builders import RECUSAL, at, on_site, dispatched, file, scheduled
from tests.builders import user
from tests.conftest import NOW


@pytest.fixture
def c(shared_cast):
    return shared_cast


def book(session, c, app, *assessors, visit_on=date(2026, 3, 18), who=None, now=NOW):
    a = c.agencies[0]
    return scheduling.schedule(session, app.id, actor=actor_of(who or a.admin), now=now, visit_on=visit_on,
                               assessors=on_site(*(assessors or (a.experts[0], a.assessor))))


def test_the_agency_admin_books_two_assessors_who_then_declare_themselves(session, c):
    app = scheduled(session, c)
    a = c.agencies[0]
    assert (app.status, app.visit_on) == ("scheduled", date(2026, 3, 18))
    [visit] = session.scalars(select(AssessmentVisit).where(AssessmentVisit.application_id == app.id)).all()
    assert [(x.user_id, x.is_expert, x.recusal_text) for x in visit.assessors] == [
        (a.experts[0].id, True, RECUSAL), (a.assessor.id, False, RECUSAL)]
    assert visit.assessors[0].declared_at == NOW
    schedule_event = next(e for e in app.events if e.action == "schedule")
    assert schedule_event.data["experts"] == [a.experts[0].id]
    assert [e.action for e in app.events][-2:] == ["declare_recusal", "declare_recusal"]


def test_two_experts_may_go_on_site(session, c):
    a = c.agencies[0]
    app = book(session, c, dispatched(session, c), a.experts[0], a.experts[1])
    assert app.status == "scheduled"


@pytest.mark.parametrize("visit_on,ok", [
    (date(2026, 3, 16), True),     # today
    (date(2026, 3, 30), True),     # the 10th working day after dispatch on 16 March
    (date(2026, 3, 31), False),
    (date(2026, 3, 13), False),    # in the past
])
def test_the_visit_is_within_ten_working_days_of_dispatch(session, c, visit_on, ok):
    app = dispatched(session, c)
    if ok:
        assert book(session, c, app, visit_on=visit_on).visit_on == visit_on
    else:
        with pytest.raises(ValidationFailed) as caught:
            book(session, c, app, visit_on=visit_on)
        assert "2026-03-30" in caught.value.message and app.status == "dispatched"


def test_assessors_must_be_two_distinct_assessors_of_the_agency(session, c):
    app = dispatched(session, c)
    a, b = c.agencies[0], c.agencies[1]
    for assessors in ((a.experts[0],), (a.experts[0], a.experts[0]), (a.experts[0], a.assessor, a.experts[1]),
                      (a.experts[0], b.experts[0]), (a.experts[0], a.admin)):
        with pytest.raises(ValidationFailed):
            book(session, c, app, *assessors)
    assert app.status == "dispatched"


def test_at_least_one_assessor_is_an_expert_on_the_visit_date(session, c):
    a = c.agencies[0]
    second = user(session, a.org, "ag1_a2", "assessor")
    app = dispatched(session, c)
    with pytest.raises(ValidationFailed) as caught:
        book(session, c, app, a.assessor, second)
    assert "评估专家" in caught.value.message
    # a certificate ending before the visit does not count
    cert = experts.add_certificate(session, user=second, certificate_no="ZJ-X", valid_from=date(2025, 1, 1),
                                   valid_to=date(2026, 3, 18), actor=c.ins, now=NOW)
    with pytest.raises(ValidationFailed):
        book(session, c, app, a.assessor, second)
    assert book(session, c, app, a.assessor, second, visit_on=date(2026, 3, 17)).status == "scheduled"
    assert cert.valid_to == date(2026, 3, 18)


def test_only_the_admin_of_the_dispatched_agency_schedules(session, c):
    app = dispatched(session, c)
    with pytest.raises(NotFound):          # another agency does not even see the case
        book(session, c, app, who=c.agencies[1].admin)
    with pytest.raises(Forbidden):         # an assessor of the agency may not book
        book(session, c, app, who=c.agencies[0].experts[0])
    with pytest.raises(Forbidden):
        book(session, c, app, who=c.world.users["ins_op"])


def test_an_undispatched_application_cannot_be_scheduled(session, c):
    app = file(session, c)
    app.agency_id = c.agencies[0].org.id     # even if it somehow named the agency
    with pytest.raises(InvalidTransition):
        book(session, c, app)


def test_rescheduling_needs_a_reason_and_supersedes_the_visit(session, c):
    app = scheduled(session, c)
    a = c.agencies[0]
    with pytest.raises(ValidationFailed):
        scheduling.reschedule(session, app.id, actor=actor_of(a.admin), now=NOW, visit_on=date(2026, 3, 20),
                              assessors=on_site(a.experts[1], a.assessor), reason="")
    for day in (date(2026, 3, 20), date(2026, 3, 23)):
        scheduling.reschedule(session, app.id, actor=actor_of(a.admin), now=at(date(2026, 3, 17)), visit_on=day,
                              assessors=on_site(a.experts[1], a.assessor), reason="老人住院，改期")
    assert (app.status, app.visit_on) == ("rescheduled", date(2026, 3, 23))
    visits = session.scalars(select(AssessmentVisit).where(AssessmentVisit.application_id == app.id)
                             .order_by(AssessmentVisit.id)).all()
    assert [v.superseded_at is None for v in visits] == [False, False, True]
    assert scheduling.on_site_ids(session, app) == [a.experts[1].id, a.assessor.id]
    assert [e.to_status for e in app.events][-3:] == ["scheduled", "rescheduled", "rescheduled"]


def test_a_dispatched_application_cannot_be_rescheduled(session, c):
    a = c.agencies[0]
    app = dispatched(session, c)
    with pytest.raises(InvalidTransition):
        scheduling.reschedule(session, app.id, actor=actor_of(a.admin), now=NOW, visit_on=date(2026, 3, 20),
                              assessors=on_site(a.experts[1], a.assessor), reason="改期")


def test_rescheduling_beyond_the_window_needs_a_coded_reason_and_the_sla_runs_on(session, c):
    app = scheduled(session, c)                      # dispatched 16 March: the window ends 30 March
    a = c.agencies[0]
    due = app.conclusion_due_on
    later = date(2026, 4, 8)

    def move_to(**reason):
        return scheduling.reschedule(session, app.id, actor=actor_of(a.admin), now=at(date(2026, 3, 17)),
                                     visit_on=later, assessors=on_site(a.experts[0], a.assessor), **reason)
    with pytest.raises(ValidationFailed) as caught:
        move_to(reason="本人住院")                     # a text alone keeps the window
    assert "2026-03-30" in caught.value.message
    with pytest.raises(ValidationFailed):
        move_to(reason_code="other")                 # "other" needs its text
    with pytest.raises(ValidationFailed):
        move_to(reason_code="asleep", reason="x")    # unknown code
    move_to(reason_code="hospitalised", reason="住院至 4 月初")
    assert (app.status, app.visit_on, app.reschedule_code, app.reschedule_note) == (
        "rescheduled", later, "hospitalised", "住院至 4 月初")
    assert app.conclusion_due_on == due and app.paused_since is None          # the SLA does not pause
    assert app.events[-1].reason == "住院：住院至 4 月初" and app.events[-1].data["reschedule_code"] == "hospitalised"
