"""What was billed in one person's name for one service month (SPEC §7.3, issue 11 point 7), read
from the paid settlements: the month's regular lines, and the late (补记) and adjustment lines that
later paid settlements booked for that month, across providers.

``statement_values`` is the plain dict the PDF template receives; ``month_sources`` reads, for a
whole month at once, the digest of every person's lines (``source_key``): a changed digest means a
later payment changed the person's month and the stored file is rendered again.
"""
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from ltc.billing.documents import text
from ltc.billing.kinds import LINE_KIND_LABELS, LineKind, SettlementStatus
from ltc.billing.models import Settlement, SettlementLine, SettlementLineRecord
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id
from ltc.people.models import InsuredPerson

TITLE = "长期护理保险参保人月度结算单"
ZERO = Decimal("0.00")
#: a statement shows what was paid: settlements in this status only
STATEMENT_STATUSES = (SettlementStatus.PAID.value,)


def _lines(month: date) -> Select:
    """The current lines of paid settlements that belong to service month ``month``."""
    of_month = or_(and_(SettlementLine.kind == LineKind.REGULAR.value, Settlement.month == month),
                   and_(SettlementLine.kind != LineKind.REGULAR.value, SettlementLine.service_month == month))
    return (select(SettlementLine).join(Settlement, and_(Settlement.id == SettlementLine.settlement_id,
                                                         Settlement.revision == SettlementLine.revision))
            .where(Settlement.status.in_(STATEMENT_STATUSES), SettlementLine.person_id.is_not(None), of_month))


def source_key(line_keys: list[tuple[int, Decimal]]) -> str:
    """The digest of the lines a statement shows (ids and fund amounts, in id order)."""
    joined = ";".join(f"{line_id}:{fund}" for line_id, fund in sorted(line_keys))
    return hashlib.sha256(joined.encode()).hexdigest()


def month_sources(session: Session, month: date) -> dict[int, str]:
    """person id → the digest of their statement lines, for everyone billed in ``month``."""
    lines = _lines(month).with_only_columns(SettlementLine.person_id, SettlementLine.id, SettlementLine.fund)
    keys: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for person_id, line_id, fund in session.execute(lines):
        keys[person_id].append((line_id, fund))
    return {person_id: source_key(found) for person_id, found in keys.items()}


def person_months(session: Session, since: date) -> list[date]:
    """The service months from ``since`` on that some paid settlement line belongs to."""
    paid = Settlement.status.in_(STATEMENT_STATUSES)
    regular = select(Settlement.month).where(paid, Settlement.month >= since)
    later = (select(SettlementLine.service_month).join(Settlement, and_(
        Settlement.id == SettlementLine.settlement_id, Settlement.revision == SettlementLine.revision))
        .where(paid, SettlementLine.service_month >= since))
    return sorted({m for m in session.scalars(regular.union(later)) if m is not None})


@dataclass(frozen=True)
class StatementSource:
    """The lines of one person-month and their digest; empty when nothing was paid."""

    lines: list[SettlementLine]
    key: str

    @property
    def empty(self) -> bool:
        return not self.lines


def read_source(session: Session, person_id: int, month: date) -> StatementSource:
    lines = list(session.scalars(_lines(month).where(SettlementLine.person_id == person_id)
                                 .order_by(SettlementLine.date_from, SettlementLine.id)))
    return StatementSource(lines, source_key([(line.id, line.fund) for line in lines]))


def statement_values(session: Session, person: InsuredPerson, month: date, source: StatementSource, *,
                     code: str, issued_on: date) -> dict:
    """The plain values of the beneficiary statement template."""
    providers = _provider_names(session, source.lines)
    runs = _record_runs(session, [line.id for line in source.lines])
    rows = [_row(line, providers, runs.get(line.id, [])) for line in source.lines]
    return {
        "title": TITLE, "month": text.cn_month(month), "person_name": person.name,
        "id_number_masked": mask_id(person.id_number), "code": code, "issued_on": issued_on,
        "rows": rows, "totals": _totals(source.lines),
    }


def _row(line: SettlementLine, providers: dict[int, str], runs: list) -> dict:
    return {
        "provider": providers[line.settlement_id],
        "care_type": CARE_TYPE_LABELS.get(line.care_type, line.care_type or ""),
        "kind": LINE_KIND_LABELS[LineKind(line.kind)],
        "period": text.period_text(line.date_from, line.date_to),
        "service": text.units_text(line.unit, line.payable_units),
        "dates": text.dates_text(runs),
        "note": text.explained(line.note, line.params),
        "billable": text.money_text(line.billable), "fund": text.money_text(line.fund),
        "copay": text.money_text(line.copay),
    }


def _totals(lines: list[SettlementLine]) -> dict:
    return {name: text.money_text(sum((getattr(line, name) for line in lines), ZERO))
            for name in ("billable", "fund", "copay")}


def _provider_names(session: Session, lines: list[SettlementLine]) -> dict[int, str]:
    """settlement id → provider name."""
    ids = {line.settlement_id for line in lines}
    if not ids:
        return {}
    rows = session.execute(select(Settlement.id, Organisation.name).join(
        Organisation, Organisation.id == Settlement.provider_id).where(Settlement.id.in_(ids)))
    return {settlement_id: name for settlement_id, name in rows}


def _record_runs(session: Session, line_ids: list[int]) -> dict[int, list]:
    """line id → the (service date, service to) of its records."""
    runs: dict[int, list] = defaultdict(list)
    if line_ids:
        for line_id, start, end in session.execute(select(
                SettlementLineRecord.line_id, SettlementLineRecord.service_date, SettlementLineRecord.service_to)
                .where(SettlementLineRecord.line_id.in_(line_ids))):
            runs[line_id].append((start, end))
    return runs
