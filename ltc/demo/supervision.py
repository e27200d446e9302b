"""The demo's supervision facts: the months the dashboards and the monthly report show by default, computed
now, so `make run` opens filled dashboards (issue 13). Older months (the scheme's history since its first
policy version) are back-filled by the scheduler's daily ``supervision_facts`` job, which `make run` catches
up at start-up — not here, where every demo load would pay for years without records."""
from datetime import datetime

from sqlalchemy.orm import Session

from ltc.core.clock import to_local
from ltc.core.months import add_months, first_of_month
from ltc.supervision.jobs import months_to_refresh, refresh_unit

#: the dashboards' default 12 months and the report's 13 (its settlement themes end a month earlier)
DEMO_MONTHS = 13


def load_supervision(session: Session, *, now: datetime) -> int:
    """Refresh the facts of the nightly job's months within the last ``DEMO_MONTHS``; the rows written."""
    first = add_months(first_of_month(to_local(now).date()), -(DEMO_MONTHS - 1)).strftime("%Y-%m")
    rows = 0
    for unit in months_to_refresh(session, due_at=now):
        if unit >= first:
            rows += refresh_unit(session, unit, now=now, due_at=now)["rows"]
    session.flush()
    return rows
