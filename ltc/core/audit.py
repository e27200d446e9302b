"""Audit log (SPEC §10): written explicitly by service functions, never by ORM hooks.

Every write records who, which organisation, when, what (entity + id), and before/after
values; every full view of personal data is recorded with ``action="view"``.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        Index("ix_audit_log_org_at", "org_id", "at"),
        Index("ix_audit_log_user_at", "user_id", "at"),  # the audit log page's user filter
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    detail: Mapped[str | None] = mapped_column(String(500))


@dataclass(frozen=True)
class Actor:
    """Who acts: a user of an organisation, or the system (both ids None)."""

    user_id: int | None
    org_id: int | None
    label: str = "system"


SYSTEM = Actor(None, None, "system")


def jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    return value


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: Any = None, *,
           before: dict | None = None, after: dict | None = None, detail: str | None = None,
           now: datetime | None = None) -> AuditEntry:
    entry = AuditEntry(
        at=now or utcnow(), user_id=actor.user_id, org_id=actor.org_id, action=action,
        entity=entity, entity_id=None if entity_id is None else str(entity_id),
        before=jsonable(before), after=jsonable(after), detail=detail,
    )
    session.add(entry)
    return entry


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
