"""The nightly scan (SPEC §6, §9: daily 01:00), a per-unit job by provider.

For each provider with records in the re-check window (the policy's ``recheck_months`` before
the due date's month, up to it) it first closes the visits not checked out by the end of their
day at their planned minutes (V13), then scans each month of the window that is new to the
scan (an earlier month only when a scan could find or clear something there:
``changes.nothing_to_scan``), not complete when last scanned, or changed since
(``ltc.compliance.changes``), and publishes
``MonthsRescanned`` for them (billing regenerates drafts, re-evaluates submitted months). The
business date is the due time's. Idempotent: a rerun finds nothing changed and writes nothing.
"""
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.compliance import changes, services
from ltc.compliance.closing import close_unfinished
from ltc.compliance.events import MonthsRescanned
from ltc.compliance.models import ScanMark
from ltc.core import events
from ltc.core.clock import to_local
from ltc.core.months import add_months, first_of_month, first_of_next_month
from ltc.providers.records.models import Stay, Visit


def _window(session: Session, today: date) -> tuple[date, date]:
    months = services.compliance_policy(session, today).recheck_months
    return add_months(first_of_month(today), -months), first_of_next_month(today)


def providers_to_scan(session: Session, *, due_at: datetime) -> list[str]:
    """Providers with a visit or a stay in the re-check window."""
    start, end = _window(session, to_local(due_at).date())
    visits = select(Visit.provider_id).where(Visit.service_date >= start, Visit.service_date < end)
    stays = select(Stay.provider_id).where(Stay.admitted_on < end,
                                           or_(Stay.discharged_on.is_(None), Stay.discharged_on >= start))
    return [str(i) for i in sorted(set(session.scalars(visits.union(stays))))]


def _due(session: Session, provider_id: int, month: date, today: date, mark: ScanMark | None) -> bool:
    if month == first_of_month(today):
        return True
    if mark is None:   # never scanned (nor settled): only when a scan could find or clear something
        return not changes.nothing_to_scan(session, provider_id, month)
    if mark.as_of < first_of_next_month(month):   # the month was not over yet (F01)
        return True
    return changes.month_changed(session, provider_id, month, mark.scanned_at)


def scan_provider(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """Close the provider's unfinished visits, then scan its months that need it."""
    provider_id, today = int(unit), to_local(due_at).date()
    closed = close_unfinished(session, provider_id, before=today, now=now)
    total, scanned = services.Stored(), []
    month, end = _window(session, today)
    marks = services.scan_marks(session, provider_id, month, end)   # the window's marks in one read
    while month < end:
        if _due(session, provider_id, month, today, marks.get(month)):
            total += services.scan_provider_month(session, provider_id, month, now=now, as_of=due_at, marks=marks)
            scanned.append(month)
        month = first_of_next_month(month)
    if scanned:
        events.publish(session, MonthsRescanned(provider_id, tuple(scanned), due_at=due_at, now=now))
    return {"visits_closed": closed, "months_scanned": len(scanned), **total.counts()}
