"""Objections and the 复评 (review assessment) they create (SPEC §3.1).

An objection is possible during publicity, or within ``objection_working_days`` working days
of the conclusion notice of a conclusion below the threshold; never against a 复评 or a
conclusion a 复评 already replaced. It moves the application to ``objected``, stops its SLA
clock and creates a child ``review`` application, accepted at once and dispatched by the
usual rule to another agency; its SLA is ``review_visit_working_days`` working days to its
visit. The child's conclusion is final on confirmation and replaces the parent's
(``ltc.assessment.applications.services.conclusion.conclude_parent``).
"""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application, ApplicationDocument, SelfAssessment
from ltc.assessment.applications.services.conclusion import last_objection_day
from ltc.assessment.applications.services.dispatch import agency_loads, assign_agency
from ltc.assessment.applications.services.intake import new_application
from ltc.assessment.applications.services.lookups import open_applications
from ltc.assessment.applications.states import IN_PROCESS, Kind, Status
from ltc.assessment.applications.services.transitions import (acting_user, assessment_policy, check_version, load,
                                                              move, record_event, require)
from ltc.auth.models import User
from ltc.auth.permissions import Action
from ltc.core.audit import Actor
from ltc.core.calendar import add_working_days
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, ValidationFailed

COPIED = ("applicant_name", "applicant_relation", "applicant_phone", "applicant_id_number", "declared_disability_6m",
          "preferred_care_type", "preferred_provider_id", "bank_account_holder", "bank_name", "bank_account_no")
SELF_ASSESSMENT = ("feeding", "bowel_bladder", "bathing", "dressing", "toileting", "transfer", "a_count", "b_count",
                   "grade", "recorded_at", "recorded_by")


def has_review(session: Session, app: Application) -> bool:
    return session.scalar(select(Application.id).where(Application.parent_id == app.id).limit(1)) is not None


def objection_deadline(session: Session, app: Application) -> date | None:
    """The last day an objection to ``app`` is possible, or None when it never is (a 复评, a
    conclusion already objected to, a final conclusion)."""
    if app.kind == Kind.REVIEW or has_review(session, app):
        return None
    if app.status == Status.PUBLICIZED or (app.status == Status.CONCLUDED and app.final_on is None):
        return last_objection_day(session, app)
    return None


def _check_objector(user: User, app: Application) -> None:
    """The insurer operator of the district, or an operator of the organisation that filed."""
    if app.filed_by_org_id is not None and app.filed_by_org_id == user.org_id:
        require(user, Action.FILE_APPLICATION, "无权为该申请提出异议")
    else:
        require(user, Action.HANDLE_APPLICATION, "无权为该申请提出异议")


def object_to(session: Session, application_id: int, *, actor: Actor, now: datetime, reason: str,
              expected_version: int | None = None) -> Application:
    """Record an objection and start the 复评. Returns the child application (dispatched).

    Raises Forbidden, NotFound, ValidationFailed (no reason), Conflict (out of time, no other
    agency, stale page) and InvalidTransition."""
    user = acting_user(session, actor)
    app = load(session, application_id, user)
    _check_objector(user, app)
    check_version(session, app, expected_version)
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ValidationFailed("请填写异议理由（500 字以内）", {"reason": "required, at most 500"})
    today = local_today(now)
    deadline = objection_deadline(session, app)
    if deadline is None:
        raise Conflict("该结论不接受异议", {"status": "objection not possible"})
    if today > deadline:
        raise Conflict("已超过异议期限（截止 %(deadline)s）", {"status": "objection not possible"},
                       params={"deadline": deadline.isoformat()})
    if not agency_loads(session, today, exclude={app.agency_id}):
        raise Conflict("没有其他可承担复评的评估机构", {"agency_id": "no other agency"})
    if busy := [a.number for a in open_applications(session, app.person_id, other_than=app.id)
                if a.status in IN_PROCESS and a.kind != Kind.REVIEW]:
        raise Conflict("该参保人的申请 %(busy)s 正在办理中，请先办结或撤回", {"status": "in_progress"},
                       params={"busy": busy[0]})
    app.paused_since = today
    move(session, app, Status.OBJECTED, action="object", actor=actor, now=now, reason=reason)
    child = _open_review(session, app, user=user, actor=actor, now=now, reason=reason)
    return assign_agency(session, child, actor=actor, now=now)


def _open_review(session: Session, parent: Application, *, user: User, actor: Actor, now: datetime,
                 reason: str) -> Application:
    today = local_today(now)
    child = new_application(session, person_id=parent.person_id, kind=Kind.REVIEW, today=today, now=now,
                            parent_id=parent.id, filed_by_user_id=user.id, filed_by_org_id=user.org_id,
                            **{name: getattr(parent, name) for name in COPIED})
    if parent.self_assessment is not None:
        child.self_assessment = SelfAssessment(**{n: getattr(parent.self_assessment, n) for n in SELF_ASSESSMENT})
    for doc in session.scalars(select(ApplicationDocument).where(ApplicationDocument.application_id == parent.id)):
        session.add(ApplicationDocument(application_id=child.id, file_name=doc.file_name, content_type=doc.content_type,
                                        size=doc.size, sha256=doc.sha256, storage_path=doc.storage_path,
                                        uploaded_at=doc.uploaded_at, uploaded_by=doc.uploaded_by))
    session.flush()
    record_event(session, child, from_status=None, action="open_review", actor=actor, now=now, reason=reason,
                 data={"parent_id": parent.id})
    policy = assessment_policy(session, today)
    child.accepted_on = today
    child.conclusion_due_on = add_working_days(session, today, policy.review_visit_working_days)
    move(session, child, Status.ACCEPTED, action="accept_review", actor=actor, now=now,
         data={"conclusion_due_on": child.conclusion_due_on})
    return child
