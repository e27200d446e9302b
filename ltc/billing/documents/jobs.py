"""The job "render beneficiary statements of paid settlements" (SPEC §9, daily 03:30), a per-unit
job: one unit per person-month whose statement file is missing or no longer shows the person's
paid lines (a later paid settlement booked a late or adjustment line for that month).

Each unit reads the lines, ends its transaction, renders the PDF (WeasyPrint runs with no
transaction open), writes the file under the statements folder (``<month>/<person id>.pdf``,
atomically) and stores its SHA-256 in a short transaction. Idempotent: a unit whose file is current
does nothing, and a rerun lists only what is left; an interrupted run resumes with its unfinished
units (the scheduler's per-unit runs).
"""
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ltc.billing.documents import beneficiary, services
from ltc.billing.documents.files import statements_folder
from ltc.billing.documents.models import BeneficiaryStatement, StatementLookupAttempt
from ltc.core.clock import to_local
from ltc.core.months import add_months, first_of_month
from ltc.notices.pdf import notice_renderer

#: service months looked at before the due date's month: corrections reach 3 months back (SPEC
#: §7.3) and are paid with the next regular settlement, about two months later
WINDOW_MONTHS = 6
ATTEMPTS_KEPT = timedelta(days=30)


def unit_key(month: date, person_id: int) -> str:
    return f"{month:%Y-%m}:{person_id}"


def parse_unit(unit: str) -> tuple[date, int]:
    month, person_id = unit.split(":")
    year, number = month.split("-")
    return date(int(year), int(number), 1), int(person_id)


def statements_to_render(session: Session, *, due_at: datetime) -> list[str]:
    """The person-months of the window whose stored statement is missing or out of date. The daily
    listing also forgets the public look-up attempts older than 30 days (throttling reads minutes)."""
    session.execute(delete(StatementLookupAttempt).where(StatementLookupAttempt.at < due_at - ATTEMPTS_KEPT))
    since = add_months(first_of_month(to_local(due_at).date()), -WINDOW_MONTHS)
    keys = []
    for month in beneficiary.person_months(session, since):
        sources = beneficiary.month_sources(session, month)
        stored = {person_id: key for person_id, key in session.execute(
            select(BeneficiaryStatement.person_id, BeneficiaryStatement.source_key).where(
                BeneficiaryStatement.month == month, BeneficiaryStatement.path.is_not(None)))}
        keys += [unit_key(month, person_id) for person_id, key in sorted(sources.items())
                 if stored.get(person_id) != key]
    return keys


def render_beneficiary_statement(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """Render and store one person-month's statement unless its stored file is current."""
    month, person_id = parse_unit(unit)
    folder = statements_folder()
    source = beneficiary.read_source(session, person_id, month)
    if source.empty:
        return {"nothing_paid": 1}
    statement = services.ensure_statement(session, person_id, month, now=now)
    if services.stored_content(folder, statement, source) is not None:
        return {"current": 1}
    again = statement.path is not None
    values = services.template_values(session, statement, source, now=now)
    statement_id = statement.id
    session.commit()  # nothing is locked while the PDF renders
    rendered = services.Rendered.of(notice_renderer()(services.TEMPLATE, values), source)
    relative = services.statement_file(month, person_id)
    services.write_file(folder, relative, rendered.content)
    services.store_rendered(session, statement_id, relative, rendered, now=now)
    return {"rerendered" if again else "rendered": 1}
