"""Housekeeping jobs owned by the scheduler itself (registered in ``registry.JOBS``)."""
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ltc.api.jobs import purge_idempotency_keys
from ltc.auth.models import LoginAttempt
from ltc.core.calendar import calendar_gap_banner
from ltc.core.clock import local_today

log = logging.getLogger(__name__)

LOGIN_ATTEMPTS_KEPT = timedelta(days=30)


def purge_login_attempts(session: Session, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """Delete login attempts older than 30 days before the due time (throttling only looks at
    the last minutes), and the API's idempotency keys as old (``ltc.api.jobs``)."""
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < due_at - LOGIN_ATTEMPTS_KEPT))
    keys = purge_idempotency_keys(session, now=now, due_at=due_at)
    return {"deleted": result.rowcount or 0, "idempotency_keys": keys["deleted"]}


def calendar_check(session: Session, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """Log a warning line every day (SPEC §0.1: a log line, never a Python warning) while the
    working-day calendar of a year that matters (from 1 November: next year) is not loaded:
    neither known to the official calendar nor marked loaded by an admin."""

    banner = calendar_gap_banner(local_today(due_at), session)
    if banner:
        log.warning("%s", banner)
    return {"warnings": 1 if banner else 0}
