"""Making a follow-up and moving it between staff (SPEC §8, §1).

``record_follow_up``: an insurer operator or reviewer records the visit (date, channel, satisfaction
1–5 on attitude, punctuality, skill and overall, services confirmed yes / no, findings). "Not confirmed"
holds the person's records of the visit's month for the insurer's review in the provider's settlement
(``holds``; a draft of that month is regenerated at once). "No longer fits the level" opens a
reassessment through the assessment domain (SPEC §3.1). ``reassign``: an insurer admin moves an open
follow-up to another of the insurer's staff, with the reason. Every change writes an event and an
audit row. Flushes, never commits."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Forbidden, ValidationFailed
from ltc.core.months import first_of_month
from ltc.ratings.followups.feeding import staff_of, write_event
from ltc.ratings.followups.kinds import LIFECYCLE, SCORES, Channel, EventKind, Status
from ltc.ratings.followups.models import FINDINGS_MAX, REASON_MAX, FollowUp


@dataclass(frozen=True)
class FollowUpRecord:
    visited_on: date
    channel: str
    attitude: int
    punctuality: int
    skill: int
    overall: int
    confirmed: bool
    findings: str = ""
    level_mismatch: bool = False


def _user(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.active:
        raise Forbidden("账号不存在或已停用")
    return user


def _check(data: FollowUpRecord, follow_up: FollowUp, today: date) -> None:
    errors = {name: "must be 1..5" for name in SCORES if getattr(data, name) not in range(1, 6)}
    if data.channel not in {c.value for c in Channel}:
        errors["channel"] = "unknown"
    if data.visited_on > today:
        errors["visited_on"] = "in the future"
    elif data.visited_on < follow_up.listed_on:
        errors["visited_on"] = "before it was listed"
    if len(data.findings or "") > FINDINGS_MAX:
        errors["findings"] = "too long"
    if data.level_mismatch and not (data.findings or "").strip():
        errors["findings"] = "required"
    if errors:
        raise ValidationFailed(_message(errors), errors)


def _message(errors: dict[str, str]) -> str:
    if "visited_on" in errors:
        return "回访日期不能晚于今天，也不能早于列入回访任务的日期"
    if errors.get("findings") == "required":
        return "认为不再符合失能等级时须写明发现的情况"
    return "请填写完整的回访结果（满意度为 1–5 分）"


def load(session: Session, follow_up_id: int, user: User) -> FollowUp:
    """The follow-up through the user's scope. Raises NotFound (404)."""
    return get_scoped(session, user, FollowUp, follow_up_id)


def record_follow_up(session: Session, follow_up_id: int, data: FollowUpRecord, *, actor: Actor,
                     now: datetime) -> FollowUp:
    """Record an open follow-up's visit (see the module docstring). Raises NotFound, Forbidden (not an
    insurer operator / reviewer), InvalidTransition (already recorded) and ValidationFailed."""
    user = _user(session, actor)
    if not can(user, Action.INSURER_OPERATIONS):
        raise Forbidden("无权登记回访结果")
    follow_up = load(session, follow_up_id, user)
    LIFECYCLE.check(follow_up.status, Status.DONE)
    _check(data, follow_up, local_today(now))
    for name in ("visited_on", "channel", *SCORES, "confirmed", "level_mismatch"):
        setattr(follow_up, name, getattr(data, name))
    follow_up.findings = (data.findings or "").strip() or None
    follow_up.held_month = None if data.confirmed else first_of_month(data.visited_on)
    follow_up.status, follow_up.recorded_by, follow_up.recorded_at = Status.DONE.value, user.id, now
    session.flush()
    if data.level_mismatch:
        follow_up.reassessment_id = _reassess(session, follow_up, actor=actor, now=now)
    write_event(session, follow_up, EventKind.RECORDED, actor=actor, now=now,
                data={"confirmed": data.confirmed, "overall": data.overall, "level_mismatch": data.level_mismatch,
                      "reassessment_id": follow_up.reassessment_id})
    audit.record(session, actor, "record", "follow_up", follow_up.id, now=now,
                 after={"status": Status.DONE.value, "confirmed": data.confirmed, "overall": data.overall})
    if not data.confirmed:
        _regenerate_held_draft(session, follow_up, now=now)
    return follow_up


def _reassess(session: Session, follow_up: FollowUp, *, actor: Actor, now: datetime) -> int | None:
    from ltc.assessment.applications.services.reassessment import open_for_follow_up

    app = open_for_follow_up(session, follow_up.person_id, today=local_today(now), actor=actor, now=now)
    return app.id if app is not None else None


def _regenerate_held_draft(session: Session, follow_up: FollowUp, *, now: datetime) -> None:
    """A draft settlement of the held month already generated is regenerated now, so its lines show the hold."""
    from ltc.billing.generation import regular_settlement, generate_settlement
    from ltc.billing.kinds import RevisionSource, SettlementStatus
    from ltc.core.audit import SYSTEM

    if follow_up.provider_id is None:
        return
    settlement = regular_settlement(session, follow_up.provider_id, follow_up.held_month)
    if settlement is not None and settlement.status == SettlementStatus.DRAFT.value:
        generate_settlement(session, follow_up.provider_id, follow_up.held_month, actor=SYSTEM, now=now, as_of=now,
                            source=RevisionSource.NIGHTLY)


def reassign(session: Session, follow_up_id: int, *, to_user_id: int, reason: str, actor: Actor,
             now: datetime) -> FollowUp:
    """Move an open follow-up to another staff member of its insurer (an insurer admin), with the reason.
    Raises NotFound, Forbidden, InvalidTransition (already recorded) and ValidationFailed."""
    user = _user(session, actor)
    if not can(user, Action.REASSIGN_FOLLOW_UPS):
        raise Forbidden("无权改派回访任务")
    follow_up = load(session, follow_up_id, user)
    if follow_up.status != Status.OPEN.value:
        LIFECYCLE.check(follow_up.status, Status.OPEN)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationFailed("请填写改派原因", {"reason": "required"})
    if to_user_id not in {u.id for u in staff_of(session, follow_up.insurer_id)}:
        raise ValidationFailed("只能改派给本机构的回访人员", {"to_user_id": "not staff"})
    if to_user_id == follow_up.assigned_to:
        raise ValidationFailed("已分派给该人员", {"to_user_id": "unchanged"})
    before = follow_up.assigned_to
    follow_up.assigned_to = to_user_id
    session.flush()
    write_event(session, follow_up, EventKind.REASSIGNED, actor=actor, now=now, reason=reason, from_user_id=before,
                to_user_id=to_user_id)
    audit.record(session, actor, "reassign", "follow_up", follow_up.id, now=now, before={"assigned_to": before},
                 after={"assigned_to": to_user_id}, detail=reason)
    return follow_up
