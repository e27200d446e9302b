"""Scheduled job of the review engine (SPEC §9, daily 06:00), with the scheduler's signature
``fn(session, *, now, due_at) -> dict`` of counts. Idempotent: a stage is marked once. The
business date is the due time's, not the clock's (a late catch-up marks what was due then)."""
from datetime import datetime

from sqlalchemy.orm import Session

from ltc.core.clock import local_today
from ltc.reviews import engine


def mark_overdue(session: Session, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """Mark the open stages past their due date on the due time's business date."""
    return {"marked": engine.mark_overdue(session, today=local_today(due_at))}
