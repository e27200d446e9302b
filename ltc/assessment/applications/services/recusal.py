"""The recusal declaration (回避声明, SPEC §3.1): each on-site assessor declares personally, in
their own session, that they have no tie with the person.

The agency admin only names the two assessors when booking the visit; each of them then makes
the declaration (a text and the time, recorded on their row of the visit, with an event and an
audit entry). Nobody declares for another user — an admin who is not on site cannot declare at
all. The joint record cannot be entered until every on-site assessor of the current visit has
declared (``check_declared``). A reschedule keeps the declaration of an assessor who stays on site.
"""
from datetime import datetime

from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application, AssessmentAssessor
from ltc.assessment.applications.services.scheduling import current_visit
from ltc.assessment.applications.services.transitions import agency_staff, flush, record_event, touch
from ltc.assessment.applications.states import STATUS_LABELS, VISIT_BOOKED
from ltc.auth.models import User
from ltc.auth.permissions import Action
from ltc.core.audit import Actor
from ltc.core.clock import to_local
from ltc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed

MAX_TEXT = 500


def _own_row(session: Session, app: Application, user: User) -> AssessmentAssessor:
    if app.status not in VISIT_BOOKED:
        raise InvalidTransition("申请状态为%(status)s，尚未预约上门评估，不能作出回避声明", {"status": app.status},
                                params={"status": STATUS_LABELS.get(app.status, app.status)})
    visit = current_visit(session, app)
    row = next((a for a in visit.assessors if a.user_id == user.id), None) if visit is not None else None
    if row is None:
        raise Forbidden("只有本次上门的评估人员本人可以作出回避声明")
    return row


def declare(session: Session, application_id: int, *, actor: Actor, now: datetime, text: str | None,
            expected_version: int | None = None) -> AssessmentAssessor:
    """The acting assessor declares no tie with the person, for the current visit. Raises
    Forbidden (not an on-site assessor of the case: an admin cannot declare for them),
    NotFound, InvalidTransition (no visit booked), Conflict (already declared, stale page) and
    ValidationFailed (no text, or longer than 500 characters)."""
    user, app = agency_staff(
        session, actor, application_id, expected_version, action=Action.ENTER_ASSESSMENT,
        messages=("只有上门评估人员本人可以作出回避声明", "只有受派评估机构的评估员可以作出回避声明"))
    row = _own_row(session, app, user)
    if row.declared_at is not None:
        raise Conflict("您已于 %(at)s 作出回避声明", {"recusal": "declared"},
                       params={"at": f"{to_local(row.declared_at):%Y-%m-%d %H:%M}"})
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise ValidationFailed("回避声明须填写内容（%(n)s 字以内）", {"text": f"required, at most {MAX_TEXT}"},
                               params={"n": MAX_TEXT})
    row.recusal_text, row.declared_at = text, now
    touch(app)
    flush(session, app)
    record_event(session, app, from_status=app.status, action="declare_recusal", actor=actor, now=now,
                 data={"assessor": user.id, "visit_id": row.visit_id, "text": text})
    session.flush()
    return row


def undeclared(session: Session, app: Application) -> list[str]:
    """The names of the current visit's assessors who have not declared yet, in booking order."""
    visit = current_visit(session, app)
    if visit is None:
        return []
    missing = [a.user_id for a in visit.assessors if a.declared_at is None]
    names = {u.id: u.full_name for u in (session.get(User, i) for i in missing)}
    return [names[i] for i in missing]


def check_declared(session: Session, app: Application) -> None:
    """Raise ValidationFailed naming the on-site assessors who have not declared yet."""
    if missing := undeclared(session, app):
        raise ValidationFailed("上门评估人员本人作出回避声明后方可录入评估记录；尚未声明：%(names)s",
                               {"recusal": "not declared by every on-site assessor"}, params={"names": list(missing)})
