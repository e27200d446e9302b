"""Housekeeping of the API edge, registered in ``ltc.scheduler.registry``."""
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ltc.api.models import IdempotencyKey

#: a device retries within hours (an offline phone within days, V12 flags uploads after 72 h)
KEYS_KEPT = timedelta(days=30)


def purge_idempotency_keys(session: Session, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """Delete idempotency keys claimed more than 30 days before the due time: a retry after that
    is a new request."""
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < due_at - KEYS_KEPT))
    return {"deleted": result.rowcount or 0}
