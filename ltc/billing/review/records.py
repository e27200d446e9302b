"""What the audit reads of a settlement's current revision (SPEC §7.3): the flagged records (an open
FLAG finding the revision was generated with), the records of a person (for the sample's full
review), the beneficiaries the lines name, and the share of a line a record's units make (its
deduction when refused). Reads only; services flush elsewhere.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.kinds import LineKind, Unit
from ltc.billing.pricing.units import FOLLOW_UP
from ltc.billing.models import Settlement, SettlementFinding, SettlementLine, SettlementLineRecord
from ltc.compliance.kinds import FindingStatus, Severity
from ltc.compliance.models import Finding
from ltc.core.money import to_money

ZERO = Decimal("0.00")
BILLED = (LineKind.REGULAR.value, LineKind.LATE.value)


@dataclass
class FlaggedRecord:
    """One record carrying one or more open FLAG findings (decided once, whatever the number of flags)."""

    record_kind: str
    record_id: int
    person_id: int
    carer_id: int | None
    service_date: date
    rules: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, int]:
        return self.record_kind, self.record_id


@dataclass(frozen=True)
class Share:
    """A record's share of the settlement: its payable units and their billable and fund amounts."""

    units: int
    billable: Decimal
    fund: Decimal


def current_lines(settlement: Settlement):
    return select(SettlementLine).where(SettlementLine.settlement_id == settlement.id,
                                        SettlementLine.revision == settlement.revision)


def flagged_records(session: Session, settlement: Settlement) -> list[FlaggedRecord]:
    """The records of the current revision with an open FLAG finding, then those held because their
    person's follow-up did not confirm the services (rule ``follow_up``), by service date."""
    rows = session.scalars(select(Finding).join(SettlementFinding, SettlementFinding.finding_id == Finding.id).where(
        SettlementFinding.settlement_id == settlement.id, SettlementFinding.revision == settlement.revision,
        Finding.severity == Severity.FLAG.value, Finding.status == FindingStatus.OPEN.value)
        .order_by(Finding.service_date, Finding.record_kind, Finding.record_id, Finding.rule)).all()
    found: dict[tuple[str, int], FlaggedRecord] = {}
    for finding in rows:
        key = (finding.record_kind, finding.record_id)
        record = found.setdefault(key, FlaggedRecord(finding.record_kind, finding.record_id, finding.person_id,
                                                     finding.carer_id, finding.service_date))
        if finding.rule not in record.rules:
            record.rules.append(finding.rule)
        record.findings.append(finding)
    for link, person_id in held_by_follow_up(session, settlement):
        found.setdefault((link.record_kind, link.record_id), FlaggedRecord(
            link.record_kind, link.record_id, person_id, None, link.service_date, [FOLLOW_UP]))
    return sorted(found.values(), key=lambda r: (r.service_date, r.record_kind, r.record_id))


def held_by_follow_up(session: Session, settlement: Settlement) -> list[tuple[SettlementLineRecord, int]]:
    """The record links of the current lines with held units on lines held by a follow-up (SPEC §7.2)."""
    rows = session.execute(select(SettlementLineRecord, SettlementLine.person_id, SettlementLine.params)
                           .join(SettlementLine, SettlementLine.id == SettlementLineRecord.line_id)
                           .where(SettlementLine.settlement_id == settlement.id,
                                  SettlementLine.revision == settlement.revision,
                                  SettlementLine.kind.in_(BILLED), SettlementLineRecord.held > 0)
                           .order_by(SettlementLineRecord.service_date, SettlementLineRecord.id)).all()
    return [(link, person_id) for link, person_id, params in rows if FOLLOW_UP in (params or {}).get("held", {})]


def reject_findings(session: Session, settlement: Settlement) -> list[tuple[Finding, int | None]]:
    """The automatic REJECT findings of the current revision, with the line they concern (if any)."""
    return [(f, line_id) for f, line_id in session.execute(
        select(Finding, SettlementFinding.line_id).join(SettlementFinding, SettlementFinding.finding_id == Finding.id)
        .where(SettlementFinding.settlement_id == settlement.id, SettlementFinding.revision == settlement.revision,
               Finding.severity == Severity.REJECT.value, Finding.status == FindingStatus.OPEN.value)
        .order_by(Finding.service_date, Finding.id)).all()]


def beneficiaries(session: Session, settlement: Settlement) -> list[int]:
    """The persons the regular and late lines name, by id."""
    return sorted(set(session.scalars(current_lines(settlement).with_only_columns(SettlementLine.person_id)
                                      .where(SettlementLine.kind.in_(BILLED), SettlementLine.person_id.is_not(None)))))


@dataclass(frozen=True)
class RecordRow:
    record_kind: str
    record_id: int
    person_id: int
    service_date: date
    service_to: date | None
    care_type: str | None
    units: int
    unit: str


def records_of_persons(session: Session, settlement: Settlement, person_ids) -> list[RecordRow]:
    """Every record the current lines of these persons were priced from (one row per record)."""
    rows = session.execute(
        select(SettlementLineRecord, SettlementLine.person_id, SettlementLine.care_type, SettlementLine.unit)
        .join(SettlementLine, SettlementLine.id == SettlementLineRecord.line_id)
        .where(SettlementLine.settlement_id == settlement.id, SettlementLine.revision == settlement.revision,
               SettlementLine.kind.in_(BILLED), SettlementLine.person_id.in_(list(person_ids)))
        .order_by(SettlementLine.person_id, SettlementLineRecord.service_date, SettlementLineRecord.id)).all()
    merged: dict[tuple[str, int], RecordRow] = {}
    for link, person_id, care_type, unit in rows:
        key = (link.record_kind, link.record_id)
        known = merged.get(key)
        units = link.units + (known.units if known else 0)
        first = known.service_date if known else link.service_date
        merged[key] = RecordRow(link.record_kind, link.record_id, person_id, first, link.service_to, care_type,
                                units, unit)
    return list(merged.values())


def line_amount(line: SettlementLine, units: int) -> tuple[Decimal, Decimal]:
    """The billable and fund amounts of ``units`` of ``line`` (SPEC §7.2 unit amounts; the fund at the
    line's ratio, never more than the line's fund)."""
    if not units or not line.payable_units:
        return ZERO, ZERO
    per_unit = line.rate / 60 if line.unit == Unit.MINUTE.value else line.rate
    billable = min(to_money(per_unit * units), line.billable)
    return billable, min(to_money(billable * line.ratio), line.fund)


def record_share(session: Session, settlement: Settlement, record_kind: str, record_id: int) -> Share:
    """The units a record gave the current lines and their amounts (a refusal deducts them)."""
    rows = session.execute(select(SettlementLineRecord, SettlementLine)
                           .join(SettlementLine, SettlementLine.id == SettlementLineRecord.line_id)
                           .where(SettlementLine.settlement_id == settlement.id,
                                  SettlementLine.revision == settlement.revision,
                                  SettlementLineRecord.record_kind == record_kind,
                                  SettlementLineRecord.record_id == record_id)).all()
    per_line: dict[int, list] = defaultdict(lambda: [None, 0])
    for link, line in rows:
        per_line[line.id][0] = line
        per_line[line.id][1] += link.units
    units, billable, fund = 0, ZERO, ZERO
    for line, line_units in per_line.values():
        b, f = line_amount(line, line_units)
        units, billable, fund = units + line_units, billable + b, fund + f
    return Share(units, billable, fund)
