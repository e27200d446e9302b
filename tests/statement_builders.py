"""Builders for settlements as the billing documents read them: a settlement of a provider-month in
a given status with its current lines (and the records each line's units came from), written
directly (the generation has its own tests)."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ltc.billing.models import Settlement, SettlementLine, SettlementLineRecord, SettlementRevision
from ltc.core.money import to_money
from tests.conftest import NOW


@dataclass
class Line:
    person_id: int | None
    care_type: str = "institution"
    date_from: date = date(2026, 3, 1)
    date_to: date = date(2026, 4, 1)
    rate: str = "55.00"
    unit: str = "day"
    units: int = 31
    ratio: str = "0.75"
    kind: str = "regular"
    service_month: date | None = None
    reason: str | None = None
    note: str | None = None
    rejected: dict = field(default_factory=dict)
    #: (service date, service to) of the line's records; default: one run over the line's dates
    records: list | None = None
    billable: str | None = None

    def amounts(self) -> tuple[Decimal, Decimal, Decimal]:
        billable = Decimal(self.billable) if self.billable else to_money(Decimal(self.rate) * self.units)
        fund = to_money(billable * Decimal(self.ratio))
        return billable, fund, billable - fund


def settlement(session, provider, month: date = date(2026, 3, 1), lines: list[Line] = (), *,
               status: str = "paid", deposit: str | None = None) -> Settlement:
    """A settlement with one revision holding ``lines``; totals are the lines' sums, the deposit
    (when approved or paid) 10 % of the fund unless given."""
    paid = status == "paid"   # lines are never added to a paid settlement: paid once they are in
    row = Settlement(provider_id=provider.id, month=month, status="approved" if paid else status, revision=1,
                     as_of=month, generated_at=NOW)
    session.add(row)
    session.flush()
    session.add(SettlementRevision(settlement_id=row.id, number=1, source="schedule", as_of=month, created_at=NOW))
    for line in lines:
        add_line(session, row, line)
    session.flush()
    row = recompute(session, row, deposit=deposit)
    if paid:
        row.status = "paid"
        session.flush()
    return row


def add_line(session, row: Settlement, line: Line) -> SettlementLine:
    billable, fund, copay = line.amounts()
    stored = SettlementLine(
        settlement_id=row.id, revision=row.revision, kind=line.kind, person_id=line.person_id,
        care_type=line.care_type, level=4, date_from=line.date_from, date_to=line.date_to, rate=Decimal(line.rate),
        unit=line.unit, payable_units=line.units, rejected=line.rejected, billable=billable, ratio=Decimal(line.ratio),
        fund=fund, copay=copay, service_month=line.service_month, reason=line.reason, note=line.note)
    session.add(stored)
    session.flush()
    runs = line.records if line.records is not None else [(line.date_from, line.date_to)]
    for start, end in runs:
        units = (end - start).days if end else 1
        session.add(SettlementLineRecord(line_id=stored.id, record_kind="stay" if end else "visit", record_id=1,
                                         service_date=start, service_to=end, units=units))
    session.flush()
    return stored


def recompute(session, row: Settlement, *, deposit: str | None = None) -> Settlement:
    lines = [line for line in row_lines(session, row)]
    regular = [line for line in lines if line.kind != "adjustment"]
    row.billable = sum((line.billable for line in regular), Decimal("0.00"))
    row.fund = sum((line.fund for line in regular), Decimal("0.00"))
    row.copay = sum((line.copay for line in regular), Decimal("0.00"))
    row.adjustments = sum((line.fund for line in lines if line.kind == "adjustment"), Decimal("0.00"))
    if row.status in ("approved", "paid"):
        row.deposit = Decimal(deposit) if deposit is not None else to_money(row.fund * Decimal("0.10"))
    row.net = row.fund - row.deposit + row.adjustments
    row.beneficiaries = len({line.person_id for line in regular if line.person_id})
    session.flush()
    return row


def row_lines(session, row: Settlement) -> list[SettlementLine]:
    from sqlalchemy import select

    return list(session.scalars(select(SettlementLine).where(
        SettlementLine.settlement_id == row.id, SettlementLine.revision == row.revision)))


def home_visits(first: date, count: int) -> list:
    """``count`` visit dates from ``first``, one a day (records of a visit line)."""
    return [(first + timedelta(days=i), None) for i in range(count)]
