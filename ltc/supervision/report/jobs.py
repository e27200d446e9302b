"""The job "supervision report for the previous month" (SPEC §9, day 3 04:00), a per-unit job: one unit per
report month ``YYYY-MM`` — the due date's previous month unless its report is issued, plus every report still
pending (asked for with "run now", or whose render failed: the next run retries it).

A unit refreshes the facts of the months the report reads, builds the report's plain values from the figure
registry and stores them, commits, then renders the PDF with no transaction open and stores it in a short one.
Idempotent: an issued report is never built again; a pending one whose values are stored is rendered from them.
"""
from datetime import date, datetime

from sqlalchemy.orm import Session

from ltc.supervision.facts import refresh_month
from ltc.supervision.report import content, pdf, services


def unit_key(month: date) -> str:
    return f"{month:%Y-%m}"


def parse_unit(unit: str) -> date:
    year, month = unit.split("-")
    return date(int(year), int(month), 1)


def reports_to_build(session: Session, *, due_at: datetime) -> list[str]:
    """The due time's report month unless issued, and every pending report's month, oldest first."""
    months = set(services.pending_months(session))
    month = content.report_month(due_at)
    if not services.is_issued(session, month):
        months.add(month)
    return [unit_key(m) for m in sorted(months)]


def build_report(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """Build (unless its values are stored) and render the report of one month; nothing for an issued one."""
    month = parse_unit(unit)
    report = services.ensure_report(session, month, now=now)
    if report.is_issued:
        return {"already_issued": 1}
    if report.data is None:
        for read in content.months_read(month):
            refresh_month(session, read, now=now)
        values = content.report_values(session, month, number=report.number, now=now)
        services.store_values(session, report, values, run_id=services.running_run_id(session), now=now)
    report_id, values = report.id, report.data
    session.commit()  # the facts and values are committed: nothing is locked while the PDF renders
    rendered = pdf.render_report(values)
    stored = services.store_pdf(session, report_id, rendered, now=now)
    return {"issued": 1} if stored else {"already_issued": 1}
