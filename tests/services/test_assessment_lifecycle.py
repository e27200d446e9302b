"""The whole lifecycle end to end (SPEC §3.1): one event and one audit entry per transition."""
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ltc.assessment.applications.services import acceptance
from ltc.assessment.applications.services import dispatch
from ltc.assessment.applications.services import evaluation
from ltc.assessment.applications import jobs
from ltc.assessment.applications.services import scheduling
from ltc.assessment.applications.models import Application, ApplicationEvent, ImmutableRecord
from ltc.assessment.applications.deadlines import sla_state
from ltc.auth.services import actor_of
from ltc.core.audit import AuditEntry
from ltc.notices.models import Notice
from tests.assessment_builders import ITEMS_BY_LEVEL, at, declare, file, on_site, past_conclusion
from tests.conftest import NOW

D = date


@pytest.fixture
def c(shared_cast):
    return shared_cast


def walk_to_confirmation(session, c, level: int) -> Application:
    """Every step through the services, as the users of SPEC §1 would."""
    app = file(session, c, by="pr_op", care_type="home", provider_id=c.world.provider.id)
    assert sla_state(app, D(2026, 3, 16)) == "ok" and sla_state(app, D(2026, 3, 24)) == "overdue"
    acceptance.accept(session, app.id, actor=c.ins, now=NOW)
    dispatch.dispatch(session, app.id, actor=c.ins, now=NOW, seed=7)
    a = next(x for x in c.agencies if x.org.id == app.agency_id)
    scheduling.schedule(session, app.id, actor=actor_of(a.admin), now=at(D(2026, 3, 17)), visit_on=D(2026, 3, 19),
                        assessors=on_site(a.experts[0], a.assessor))
    scheduling.reschedule(session, app.id, actor=actor_of(a.admin), now=at(D(2026, 3, 18)), visit_on=D(2026, 3, 20),
                          assessors=on_site(a.experts[0], a.assessor), reason="家属要求改期")
    declare(session, app, a.experts[0], a.assessor, now=at(D(2026, 3, 19)))
    evaluation.enter_assessment(session, app.id, ITEMS_BY_LEVEL[level], actor=actor_of(a.assessor),
                                now=at(D(2026, 3, 20), 15))
    evaluation.cosign(session, app.id, actor=actor_of(a.experts[0]), now=at(D(2026, 3, 20), 16))
    evaluation.confirm(session, app.id, actor=actor_of(a.experts[0]), now=at(D(2026, 3, 23)))
    evaluation.confirm(session, app.id, actor=actor_of(a.experts[1]), now=at(D(2026, 3, 23), 11))
    return app


def transitions(app) -> list[tuple]:
    return [(e.from_status, e.to_status) for e in app.events if e.from_status != e.to_status]


def audited_transitions(session, app) -> list[tuple]:
    rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "application",
                                                    AuditEntry.entity_id == str(app.id)).order_by(AuditEntry.id))
    return [((r.before or {}).get("status"), r.after["status"]) for r in rows
            if (r.before or {}).get("status") != r.after["status"]]


def test_above_the_threshold_through_publicity_to_conclusion(session, c):
    app = walk_to_confirmation(session, c, level=5)
    assert (app.status, app.publicity_start, app.publicity_end) == ("publicized", D(2026, 3, 24), D(2026, 3, 30))
    assert (app.concluded_on, app.valid_to, app.final_on) == (D(2026, 3, 23), D(2028, 3, 23), None)
    assert jobs.daily(session, now=at(D(2026, 3, 31), 0), due_at=at(D(2026, 3, 31), 0)) == {
        "final": 1, "opened_expiry": 0, "opened_inpatient_stay": 0}
    assert (app.status, app.level, app.concluded_on, app.final_on) == ("concluded", 5, D(2026, 3, 23), D(2026, 3, 31))
    expected = [(None, "submitted"), ("submitted", "accepted"), ("accepted", "dispatched"),
                ("dispatched", "scheduled"), ("scheduled", "rescheduled"), ("rescheduled", "assessed"),
                ("assessed", "confirmed"), ("confirmed", "publicized"), ("publicized", "concluded")]
    assert transitions(app) == expected
    assert audited_transitions(session, app) == expected
    kinds = session.scalars(select(Notice.kind).where(Notice.subject_id == app.id).order_by(Notice.id)).all()
    assert kinds == ["acceptance", "conclusion"]
    assert app.concluded_on <= app.conclusion_due_on and sla_state(app, D(2026, 6, 1)) == "ok"


def test_below_the_threshold_straight_to_conclusion(session, c):
    app = walk_to_confirmation(session, c, level=2)
    assert (app.status, app.concluded_on) == ("concluded", D(2026, 3, 23))
    assert transitions(app)[-2:] == [("assessed", "confirmed"), ("confirmed", "concluded")]
    assert len(audited_transitions(session, app)) == 8


def test_events_are_immutable(session, c):
    app = file(session, c)
    session.commit()
    event = app.events[0]
    event.reason = "改写历史"
    with pytest.raises(ImmutableRecord):
        session.flush()
    session.rollback()
    with pytest.raises(ImmutableRecord):
        session.delete(session.get(ApplicationEvent, event.id))
        session.flush()


def test_the_schema_allows_one_application_in_process_per_person(session, c):
    first = past_conclusion(session, c.persons[0].id, D(2025, 1, 1))
    first.status = "dispatched"
    session.flush()
    second = past_conclusion(session, c.persons[0].id, D(2025, 2, 1))
    second.status = "accepted"
    with pytest.raises(IntegrityError):
        session.flush()
