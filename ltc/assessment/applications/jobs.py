"""Scheduled jobs of the assessment workflow (SPEC §9, daily 00:30), with the scheduler's
signature ``fn(session, *, now, due_at) -> dict`` of counts. Each is idempotent. The business
date is the due time's (a catch-up after midnight still works on the day that was due);
``now`` only stamps what they write."""
from datetime import datetime

from sqlalchemy.orm import Session

from ltc.assessment.applications.services.conclusion import record_finality
from ltc.assessment.applications.services.reassessment import open_reassessments
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today


def finality(session: Session, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """Record the conclusions whose publicity or objection window ended before the due date as
    final, on their computed final dates (a late run changes no date)."""
    return {"final": record_finality(session, today=local_today(due_at), actor=SYSTEM, now=now)}


def reassessments(session: Session, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """Open the reassessments due on the due date (expiring conclusions, long inpatient stays)."""
    counts = open_reassessments(session, today=local_today(due_at), actor=SYSTEM, now=now)
    return {f"opened_{reason}": count for reason, count in counts.items()}


def daily(session: Session, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """The 00:30 job of SPEC §9: record finality, then open reassessments.
    (Conclusions expire by their stored ``valid_to``; no status change is needed.)"""
    return finality(session, now=now, due_at=due_at) | reassessments(session, now=now, due_at=due_at)
