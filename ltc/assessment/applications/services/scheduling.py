"""Booking the on-site visit (SPEC §3.1), by the admin of the agency the case was dispatched to.

The visit date lies between today and ``schedule_within_working_days`` working days after
dispatch; a reschedule may go beyond that window with a coded reason (``RescheduleReason``;
``other`` needs a text), kept on the application and shown beside the overdue mark — the SLA
does not pause. The admin names two distinct assessors of the agency to go on site, at least one
an expert on the visit date; each of them then declares personally that they have no tie with
the person (回避声明, ``recusal``) — the admin never declares for them. A 复评 may not use any
assessor or confirming expert of the application it reviews. Rescheduling books a new visit
(an assessor who stays on site keeps their declaration) and discards a joint record not yet
signed by both.
"""
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import (Application, Assessment, AssessmentAssessor, AssessmentVisit,
                                               Confirmation)
from ltc.assessment.experts.services import expert_ids
from ltc.assessment.applications.states import RESCHEDULE_LABELS, RescheduleReason, Status, check_transition
from ltc.assessment.applications.services.transitions import agency_staff, assessment_policy, move
from ltc.auth.models import User
from ltc.auth.permissions import Action
from ltc.core.audit import Actor
from ltc.core.calendar import add_working_days
from ltc.core.clock import local_today
from ltc.core.errors import ValidationFailed

ASSESSORS_ON_SITE = 2


def current_visit(session: Session, app: Application) -> AssessmentVisit | None:
    return session.scalars(select(AssessmentVisit).where(AssessmentVisit.application_id == app.id,
                                                         AssessmentVisit.superseded_at.is_(None))
                           .order_by(AssessmentVisit.id.desc()).limit(1)).first()


def on_site_ids(session: Session, app: Application) -> list[int]:
    """The assessors of the current visit, in the order they were named."""
    visit = current_visit(session, app)
    return [] if visit is None else [a.user_id for a in visit.assessors]


def excluded_assessors(session: Session, app: Application) -> set[int]:
    """For a 复评: everyone who assessed or confirmed the application it reviews."""
    if app.parent_id is None:
        return set()
    visited = select(AssessmentAssessor.user_id).join(AssessmentVisit).where(
        AssessmentVisit.application_id == app.parent_id)
    confirmed = select(Confirmation.user_id).where(Confirmation.application_id == app.parent_id)
    return set(session.scalars(visited)) | set(session.scalars(confirmed))


def _check_admin(session: Session, actor: Actor, application_id: int, expected_version: int | None) -> Application:
    return agency_staff(session, actor, application_id, expected_version, action=Action.SCHEDULE_ASSESSMENT,
                        messages=("只有评估机构管理员可以安排上门评估", "只有受派评估机构的管理员可以安排上门评估"))[1]


def scheduling_window_end(session: Session, app: Application) -> date:
    """The last day of the scheduling window: ``schedule_within_working_days`` after dispatch."""
    return add_working_days(session, app.dispatched_on,
                            assessment_policy(session, app.dispatched_on).schedule_within_working_days)


def _check_visit_date(session: Session, app: Application, visit_on: date, today: date, *,
                      beyond_allowed: bool = False) -> None:
    latest = scheduling_window_end(session, app)
    if visit_on < today or (visit_on > latest and not beyond_allowed):
        raise ValidationFailed("上门评估日期须在 %(first)s 至 %(last)s 之间（改约超出该期限须选择原因）",
                               {"visit_on": f"between {today.isoformat()} and {latest.isoformat()}"},
                               params={"first": today.isoformat(), "last": latest.isoformat()})


def _check_assessors(session: Session, app: Application, ids: Sequence[int], visit_on: date) -> set[int]:
    """The experts among the assessors. Raises ValidationFailed naming the problem."""
    if len(ids) != ASSESSORS_ON_SITE or len(set(ids)) != ASSESSORS_ON_SITE:
        raise ValidationFailed("须指派两名不同的评估人员上门", {"assessors": "two distinct assessors"})
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
    for user_id in ids:
        person = users.get(user_id)
        if person is None or person.org_id != app.agency_id or not person.active or "assessor" not in person.roles:
            raise ValidationFailed("评估人员须为本机构在岗的评估员", {"assessors": f"user {user_id}"})
    if excluded := set(ids) & excluded_assessors(session, app):
        raise ValidationFailed("复评须回避原评估人员：%(names)s", {"assessors": "took part in the first assessment"},
                               params={"names": [users[i].full_name for i in sorted(excluded)]})
    experts = expert_ids(session, ids, visit_on)
    if not experts:
        raise ValidationFailed("上门评估人员中至少一人须为 %(visit_on)s 持有有效证书的评估专家",
                               {"assessors": "no expert"}, params={"visit_on": visit_on.isoformat()})
    return experts


def _book(session: Session, app: Application, *, visit_on: date, assessors: Sequence[int],
          experts: set[int], user_id: int | None, now: datetime, reason: str | None) -> AssessmentVisit:
    """A new visit; an assessor who was on the visit it supersedes keeps their declaration."""
    previous = current_visit(session, app)
    declared = {}
    if previous is not None:
        previous.superseded_at = now
        declared = {a.user_id: a for a in previous.assessors if a.declared_at is not None}
    rows = []
    for assessor_id in assessors:
        kept = declared.get(assessor_id)
        rows.append(AssessmentAssessor(user_id=assessor_id, is_expert=assessor_id in experts,
                                       recusal_text=kept.recusal_text if kept else None,
                                       declared_at=kept.declared_at if kept else None))
    visit = AssessmentVisit(application_id=app.id, visit_on=visit_on, scheduled_at=now, scheduled_by=user_id,
                            reason=reason, assessors=rows)
    session.add(visit)
    app.visit_on = visit_on
    return visit


def schedule(session: Session, application_id: int, *, actor: Actor, now: datetime, visit_on: date,
             assessors: Sequence[int], expected_version: int | None = None) -> Application:
    """Book the first visit of a dispatched application. Raises Forbidden (not the admin of
    that agency), NotFound, Conflict, InvalidTransition and ValidationFailed (date, assessors)."""
    app = _check_admin(session, actor, application_id, expected_version)
    check_transition(app.status, Status.SCHEDULED)
    return _schedule(session, app, Status.SCHEDULED, actor=actor, now=now, visit_on=visit_on,
                     assessors=assessors, reason=None)


def _reschedule_reason(code: str | None, text: str | None) -> tuple[RescheduleReason | None, str | None]:
    text = (text or "").strip() or None
    if text is not None and len(text) > 480:
        raise ValidationFailed("改约原因不能超过 480 个字符", {"reason": "at most 480"})
    try:
        reason = RescheduleReason(code) if code else None
    except ValueError:
        raise ValidationFailed("未知的改约原因", {"reason_code": "unknown"}) from None
    if reason is None and text is None:
        raise ValidationFailed("改约须选择或填写原因", {"reason": "required"})
    if reason is RescheduleReason.OTHER and text is None:
        raise ValidationFailed("改约原因为“其他”时须填写说明", {"reason": "required for other"})
    return reason, text


def reschedule(session: Session, application_id: int, *, actor: Actor, now: datetime, visit_on: date,
               assessors: Sequence[int], reason: str | None = None, reason_code: str | None = None,
               expected_version: int | None = None) -> Application:
    """Book another visit (another date and/or assessors), giving a reason: a text, or a code
    (``RescheduleReason``; ``other`` with a text). Beyond the scheduling window only with a
    code, which the application keeps for the queues; the SLA runs on. An entered joint record
    not yet co-signed is discarded. Raises as ``schedule``."""
    app = _check_admin(session, actor, application_id, expected_version)
    check_transition(app.status, Status.RESCHEDULED)
    code, text = _reschedule_reason(reason_code, reason)
    today = local_today(now)
    _check_visit_date(session, app, visit_on, today, beyond_allowed=code is not None)
    if code is not None:
        app.reschedule_code, app.reschedule_note = code.value, text
    label = RESCHEDULE_LABELS[code] if code is not None else None
    return _schedule(session, app, Status.RESCHEDULED, actor=actor, now=now, visit_on=visit_on,
                     assessors=assessors, reason="：".join(p for p in (label, text) if p))


def _schedule(session: Session, app: Application, target: Status, *, actor: Actor, now: datetime,
              visit_on: date, assessors: Sequence[int], reason: str | None) -> Application:
    if target is Status.SCHEDULED:
        _check_visit_date(session, app, visit_on, local_today(now))
    experts = _check_assessors(session, app, assessors, visit_on)
    discarded = session.scalar(select(Assessment).where(Assessment.application_id == app.id))
    if discarded is not None:
        session.delete(discarded)
    _book(session, app, visit_on=visit_on, assessors=assessors, experts=experts, user_id=actor.user_id, now=now,
          reason=reason)
    move(session, app, target, action="schedule" if target is Status.SCHEDULED else "reschedule", actor=actor,
         now=now, reason=reason, data={"visit_on": visit_on, "assessors": list(assessors),
                                       "reschedule_code": app.reschedule_code if target is Status.RESCHEDULED else None,
                                       "experts": sorted(experts), "discarded_record": discarded is not None})
    return app
