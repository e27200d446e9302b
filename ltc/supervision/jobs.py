"""The nightly refresh of the monthly facts (issue 13 point 5): a per-unit job, one unit per month.

Each night refreshes the due date's month and the ``RECENT_MONTHS`` before it (late records, reviews,
approvals and payments still change them), and any month since the scheme's first published policy
that was never refreshed for every registered metric (the first run back-fills the history; a metric
added later is back-filled the same way). A unit is a month ``YYYY-MM``, refreshed in its own
transaction, so an interrupted run resumes with the months left. Idempotent: a month is replaced whole.
Each unit also purges the cached charts over its month (and any older than a week).
"""
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.core.clock import to_local
from ltc.core.months import add_months, first_of_month
from ltc.policy.models import PolicyVersion
from ltc.supervision.cache import purge
from ltc.supervision.facts import fact_sources, refresh_month
from ltc.supervision.models import FactRefresh

RECENT_MONTHS = 3


def months_to_refresh(session: Session, *, due_at: datetime) -> list[str]:
    current = first_of_month(to_local(due_at).date())
    recent = {add_months(current, -k) for k in range(RECENT_MONTHS + 1)}
    start = session.scalar(select(func.min(PolicyVersion.effective_from)))
    months = set(recent)
    if start is not None:
        metrics = len(fact_sources())
        complete = set(session.scalars(select(FactRefresh.month).group_by(FactRefresh.month)
                                       .having(func.count(FactRefresh.id) >= metrics)))
        month = first_of_month(start)
        while month < current:
            if month not in complete:
                months.add(month)
            month = add_months(month, 1)
    return [m.strftime("%Y-%m") for m in sorted(months)]


def refresh_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    year, month = unit.split("-")
    first = date(int(year), int(month), 1)
    rows = refresh_month(session, first, now=now)
    # the charts over this month are stale now (their key's stamp changed): drop them, and old ones
    return {"rows": rows, "charts_purged": purge(session, now=now, month=first)}
