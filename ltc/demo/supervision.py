"""The demo's supervision facts: the nightly refresh's months, computed now, so `make run` opens filled
dashboards (issue 13)."""
from datetime import datetime

from sqlalchemy.orm import Session

from ltc.supervision.jobs import months_to_refresh, refresh_unit


def load_supervision(session: Session, *, now: datetime) -> int:
    """Refresh the facts of every month the nightly job would (the scheme's months up to now's); the rows
    written."""
    rows = 0
    for unit in months_to_refresh(session, due_at=now):
        rows += refresh_unit(session, unit, now=now, due_at=now)["rows"]
    session.flush()
    return rows
