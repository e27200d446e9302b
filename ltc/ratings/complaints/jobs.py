"""The complaints' part of the daily 06:00 SLA run (SPEC §9): mark the open complaints past their due
date on the due time's business date (not the clock's). Idempotent: a complaint is marked once."""
from datetime import datetime

from sqlalchemy.orm import Session

from ltc.core.audit import SYSTEM
from ltc.core.clock import to_local
from ltc.ratings.complaints import services


def mark_overdue(session: Session, *, now: datetime, due_at: datetime) -> dict[str, int]:
    return {"marked": services.mark_overdue(session, today=to_local(due_at).date(), actor=SYSTEM, now=now)}
