"""Shared steps of the application services: who acts, loading in scope, and moving the
application with its event row and audit entry.

Every service resolves the acting user (``acting_user``), loads the application through the
scope rule (out of scope is a 404), checks the role (``require``, 403) and then calls
``move`` — which checks the transition table, writes one ``ApplicationEvent`` and one audit
entry, and turns a concurrent change into a Conflict naming who changed it and when.
"""
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ltc.assessment.applications.models import Application, ApplicationEvent
from ltc.assessment.applications.policy import AssessmentPolicy
from ltc.assessment.applications.states import Status, check_transition
from ltc.auth.models import User
from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped
from ltc.core import audit
from ltc.core.audit import Actor, jsonable
from ltc.core.clock import to_local
from ltc.core.errors import Conflict, Forbidden, NotFound
from ltc.policy.services import policy_on

ENTITY = "application"


def acting_user(session: Session, actor: Actor) -> User | None:
    """The active user behind ``actor``; None for the system. Raises Forbidden for an
    unknown or deactivated account."""
    if actor.user_id is None:
        return None
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise Forbidden("账号不存在或已停用")
    return user


def require(user: User | None, action: Action, message: str, *, system: bool = False) -> None:
    """Raise Forbidden unless ``user`` may perform ``action`` (SPEC §1); the system only
    where ``system`` is true."""
    if user is None:
        if not system:
            raise Forbidden(message)
        return
    if not can(user, action):
        raise Forbidden(message)


def load(session: Session, application_id: int, user: User | None) -> Application:
    """The application, through the user's scope (the system sees all). Raises NotFound."""
    if user is None:
        app = session.get(Application, application_id)
        if app is None:
            raise NotFound("申请不存在")
        return app
    return get_scoped(session, user, Application, application_id)


def agency_staff(session: Session, actor: Actor, application_id: int, expected_version: int | None, *,
                 action: Action, messages: tuple[str, str]) -> tuple[User, Application]:
    """The acting user of the agency the application was dispatched to, allowed ``action``, and
    the application as of ``expected_version``. Raises Forbidden (``messages``: without the role,
    of another agency), NotFound and Conflict."""
    user = acting_user(session, actor)
    require(user, action, messages[0])
    app = load(session, application_id, user)
    if app.agency_id != user.org_id:
        raise Forbidden(messages[1])
    check_version(session, app, expected_version)
    return user, app


def last_change(session: Session, app: Application) -> tuple[str, str]:
    """Who changed the application last (a name, or 系统 as a msgid) and when."""
    row = session.execute(
        select(ApplicationEvent.at, User.full_name).outerjoin(User, User.id == ApplicationEvent.actor_user_id)
        .where(ApplicationEvent.application_id == app.id)
        .order_by(ApplicationEvent.id.desc()).limit(1)).first()
    if row is None:
        return "", ""
    return row.full_name or "系统", f"{to_local(row.at):%Y-%m-%d %H:%M}"


def check_version(session: Session, app: Application, expected: int | None) -> None:
    """Raise Conflict when the page that asked for the change showed an older version."""
    if expected is not None and expected != app.version:
        who, at = last_change(session, app)
        raise Conflict("该申请已被%(who)s于 %(at)s 修改，请刷新后重试", {"version": "stale"},
                       params={"who": who, "at": at})


def record_event(session: Session, app: Application, *, from_status: str | None, action: str, actor: Actor,
                 now: datetime, reason: str | None = None, data: dict[str, Any] | None = None) -> ApplicationEvent:
    """Append the event row and the audit entry of one step (a move or a step within a state)."""
    row = ApplicationEvent(application_id=app.id, from_status=from_status, to_status=app.status, action=action,
                           actor_user_id=actor.user_id, actor_org_id=actor.org_id, at=now, reason=reason,
                           data=jsonable(data) if data else None)
    session.add(row)
    audit.record(session, actor, action, ENTITY, app.id, now=now, detail=reason,
                 before=None if from_status is None else {"status": from_status},
                 after={"status": app.status, **(data or {})})
    return row


def touch(app: Application) -> None:
    """Make the next flush update the application row (and so its version) although no
    column of it changed, e.g. when its self-assessment is replaced."""
    flag_modified(app, "status")


def flush(session: Session, app: Application) -> None:
    """Flush; a concurrent change of the same application becomes a Conflict."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("该申请已被他人同时修改，请刷新后重试", {"version": "stale"}) from None


def move(session: Session, app: Application, target: Status, *, action: str, actor: Actor, now: datetime,
         reason: str | None = None, data: dict[str, Any] | None = None) -> ApplicationEvent:
    """``app.status = target`` when the lifecycle allows it, with its event and audit entry.
    Raises InvalidTransition (nothing changed) or Conflict (changed concurrently)."""
    source = app.status
    check_transition(source, target)
    app.status = target.value
    flush(session, app)
    row = record_event(session, app, from_status=source, action=action, actor=actor, now=now,
                       reason=reason, data=data)
    session.flush()
    return row


def assessment_policy(session: Session, day: date) -> AssessmentPolicy:
    """The ``assessment`` policy section in force on ``day``. Raises NoPolicyInForce."""
    return policy_on(session, day).section(AssessmentPolicy)

