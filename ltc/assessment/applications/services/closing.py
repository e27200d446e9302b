"""Withdrawal and cancellation of open applications (SPEC §3.1).

The applicant withdraws (through the organisation that filed, or the insurer); the insurer
cancels with a reason (a duplicate, …); the system cancels on death. An objected application
cannot be withdrawn (the objection can); cancelling it also cancels its running 复评; closing a
复评 (withdrawing the objection) lets the parent stand on its own result
(``conclusion.restore_parent``).
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.conclusion import restore_parent
from ltc.assessment.applications.states import OPEN, Kind, Status, check_transition
from ltc.assessment.applications.services.transitions import acting_user, check_version, load, move, require
from ltc.auth.permissions import Action
from ltc.core.audit import Actor
from ltc.core.errors import InvalidTransition, ValidationFailed


def _reason(reason: str | None, *, required: bool) -> str | None:
    reason = (reason or "").strip() or None
    if reason is None and required:
        raise ValidationFailed("请填写取消原因", {"reason": "required"})
    if reason is not None and len(reason) > 500:
        raise ValidationFailed("原因不能超过 500 个字符", {"reason": "at most 500 characters"})
    return reason


def open_review_of(session: Session, app: Application) -> Application | None:
    return session.scalars(select(Application).where(Application.parent_id == app.id,
                                                     Application.status.in_([s.value for s in OPEN]))).first()


def close(session: Session, app: Application, target: Status, *, actor: Actor, now: datetime,
          reason: str | None, action: str, restore_parent_result: bool = True) -> Application:
    """Move an open application to ``withdrawn`` or ``cancelled`` (no role check), with the
    cascades described above. Raises InvalidTransition for a closed application."""
    check_transition(app.status, target)
    app.close_reason = reason
    child = open_review_of(session, app)
    if child is not None:
        close(session, child, Status.CANCELLED, actor=actor, now=now, reason=f"原申请 {app.number} 已撤回或取消",
              action="cancel_with_parent", restore_parent_result=False)
    paused, app.paused_since = app.paused_since, None
    move(session, app, target, action=action, actor=actor, now=now, reason=reason,
         data={"paused_since": paused} if paused else None)
    if app.kind == Kind.REVIEW and restore_parent_result:
        parent = session.get(Application, app.parent_id)
        if parent.status == Status.OBJECTED:
            restore_parent(session, parent, actor=actor, now=now, reason=f"复评申请 {app.number} 已撤回或取消")
    return app


def withdraw(session: Session, application_id: int, *, actor: Actor, now: datetime, reason: str | None = None,
             expected_version: int | None = None) -> Application:
    """The applicant withdraws, through an operator of the filing organisation or the insurer.
    Raises Forbidden, NotFound, Conflict, InvalidTransition and ValidationFailed (reason too long)."""
    user = acting_user(session, actor)
    app = load(session, application_id, user)
    if app.filed_by_org_id is not None and app.filed_by_org_id == user.org_id:
        require(user, Action.FILE_APPLICATION, "无权撤回该申请")
    else:
        require(user, Action.HANDLE_APPLICATION, "只有提交申请的机构或商保公司经办人员可以撤回申请")
    check_version(session, app, expected_version)
    if app.status == Status.OBJECTED:
        raise InvalidTransition("异议复评中的申请不能撤回；如不再异议，请撤回复评申请",
                                {"status": "objected: withdraw the objection (the 复评) instead"})
    return close(session, app, Status.WITHDRAWN, actor=actor, now=now,
                 reason=_reason(reason, required=False), action="withdraw")


def cancel(session: Session, application_id: int, *, actor: Actor, now: datetime, reason: str,
           expected_version: int | None = None) -> Application:
    """An insurer operator (or the system) cancels an open application, giving the reason.
    Raises Forbidden, NotFound, Conflict, InvalidTransition and ValidationFailed (no reason)."""
    user = acting_user(session, actor)
    require(user, Action.HANDLE_APPLICATION, "只有商保公司经办人员可以取消申请", system=True)
    app = load(session, application_id, user)
    check_version(session, app, expected_version)
    return close(session, app, Status.CANCELLED, actor=actor, now=now, reason=_reason(reason, required=True),
                 action="cancel")
