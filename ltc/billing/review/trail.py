"""The settlement review's trail and guards: one write-once event per decision (who, when, why), the
audit row that goes with it, and the rule that a paid settlement never changes (SPEC §7.3)."""
from datetime import datetime

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ltc.billing.kinds import SettlementStatus
from ltc.billing.models import Settlement, SettlementLine
from ltc.billing.review.kinds import ReviewAction
from ltc.billing.review.models import SettlementReviewEvent
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.db import ImmutableRecord
from ltc.core.errors import InvalidTransition


def write_event(session: Session, settlement: Settlement, action: ReviewAction, *, actor: Actor, now: datetime,
                record: tuple[str, int] | None = None, code: str | None = None, text: str | None = None,
                data: dict | None = None, appeal_id: int | None = None) -> SettlementReviewEvent:
    """Append one entry to the settlement's trail and the audit log."""
    row = SettlementReviewEvent(settlement_id=settlement.id, appeal_id=appeal_id, action=action.value,
                                record_kind=record[0] if record else None, record_id=record[1] if record else None,
                                reason_code=code, reason_text=text or None, data=audit.jsonable(data or {}),
                                user_id=actor.user_id, org_id=actor.org_id, actor_label=actor.label, at=now)
    session.add(row)
    audit.record(session, actor, action.value, "settlement", settlement.id, now=now,
                 after={"record": f"{record[0]}:{record[1]}" if record else None, "reason": code, **(data or {})},
                 detail=text)
    return row


def ensure_not_paid(settlement: Settlement) -> None:
    """Raises InvalidTransition when the settlement is paid: later corrections are adjustment lines."""
    if settlement.status == SettlementStatus.PAID.value:
        raise InvalidTransition("已支付的结算不可修改，后续更正以调整行计入下期结算", {"settlement": "paid"})


def _was_paid(obj: Settlement) -> bool:
    history = inspect(obj).attrs.status.history
    before = history.deleted[0] if history.deleted else obj.status
    return before == SettlementStatus.PAID.value


def refuse_paid_changes(session: Session, _context, _instances) -> None:
    """Before every flush: a paid settlement and its lines are never updated or deleted, and no line is
    added to it (the services refuse first; this catches any other writer)."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Settlement) and _was_paid(obj) and (obj in session.deleted or session.is_modified(obj)):
            raise ImmutableRecord(f"settlement {obj.id} is paid")
        if isinstance(obj, SettlementLine) and (obj in session.deleted or session.is_modified(obj)):
            _refuse_line(session, obj)
    for obj in session.new:
        if isinstance(obj, SettlementLine):
            _refuse_line(session, obj)


def _refuse_line(session: Session, line: SettlementLine) -> None:
    settlement = session.get(Settlement, line.settlement_id) if line.settlement_id else None
    if settlement is not None and _was_paid(settlement):
        raise ImmutableRecord(f"settlement {settlement.id} is paid: its lines are immutable")


def install_guard() -> None:
    """Listen on every Session (idempotent)."""
    if not event.contains(Session, "before_flush", refuse_paid_changes):
        event.listen(Session, "before_flush", refuse_paid_changes)
