"""Late lines (补记, SPEC §7.3): records of an earlier month entered after the provider submitted that
month go into the provider's next regular settlement, priced on the cap left in their service month
after the records already settled (they never displace a settled record); records entered more than
``late_record_months`` after their service date are refused with the reason (a line paying nothing).

A record is late for a submitted month when it was entered after the submission and no line of that
month's settlement, nor a late line of a later settlement still current, names it.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ltc.billing import reader
from ltc.billing.kinds import LineKind, SettlementKind, SettlementStatus, Unit
from ltc.billing.lines import LinePlan, RecordUnits, record_units
from ltc.billing.models import Settlement, SettlementLine, SettlementLineRecord
from ltc.billing.pricing import RateRow, UnitSource, price_month, segments
from ltc.core.clock import to_local
from ltc.core.money import to_money
from ltc.core.months import add_months, first_of_next_month
from ltc.providers.kinds import RecordKind
from ltc.providers.records.models import Stay, Visit

ZERO = Decimal("0.00")
LATE_LIMIT = "late_limit"
LATE_NOTE = "补记：%(month)s 已提交后录入的服务记录"
REFUSED_NOTE = "补记超过时限：服务日起 %(months)s 个月内可补记，%(month)s 的记录已不能结算"


@dataclass(frozen=True)
class LateRecord:
    kind: str
    id: int
    entered_on: date


def _settled_ids(session: Session, settlement: Settlement, generating: date) -> set[tuple[str, int]]:
    """Records named by the settlement's current lines or by a current late line of another settlement
    than the one of ``generating`` (a regeneration of that draft takes its late records again)."""
    own = select(SettlementLineRecord.record_kind, SettlementLineRecord.record_id).join(
        SettlementLine, SettlementLine.id == SettlementLineRecord.line_id).where(
        SettlementLine.settlement_id == settlement.id, SettlementLine.revision == settlement.revision)
    elsewhere = select(SettlementLineRecord.record_kind, SettlementLineRecord.record_id).join(
        SettlementLine, SettlementLine.id == SettlementLineRecord.line_id).join(
        Settlement, Settlement.id == SettlementLine.settlement_id).where(
        Settlement.provider_id == settlement.provider_id, SettlementLine.revision == Settlement.revision,
        SettlementLine.kind == LineKind.LATE.value, SettlementLine.service_month == settlement.month,
        Settlement.month != generating)
    return {(k, i) for k, i in session.execute(own.union(elsewhere))}


def late_records(session: Session, settlement: Settlement, *, before: datetime,
                 generating: date) -> list[LateRecord]:
    """The provider's records of the settlement's month entered (or last changed: a scheduled visit
    checked in later) after its submission and before ``before``, that no current line names."""
    month, end = settlement.month, first_of_next_month(settlement.month)
    after = settlement.submitted_at
    visits = session.execute(select(Visit.id, Visit.updated_at).where(
        Visit.provider_id == settlement.provider_id, Visit.service_date >= month, Visit.service_date < end,
        Visit.check_in_at.is_not(None), Visit.updated_at > after, Visit.updated_at <= before)).all()
    stays = session.execute(select(Stay.id, Stay.updated_at).where(
        Stay.provider_id == settlement.provider_id, Stay.admitted_on < end,
        or_(Stay.discharged_on.is_(None), Stay.discharged_on > month),
        Stay.updated_at > after, Stay.updated_at <= before)).all()
    settled = _settled_ids(session, settlement, generating)
    found = [LateRecord(RecordKind.VISIT.value, i, to_local(at).date()) for i, at in visits]
    found += [LateRecord(RecordKind.STAY.value, i, to_local(at).date()) for i, at in stays]
    return [r for r in found if (r.kind, r.id) not in settled]


def submitted_months(session: Session, provider_id: int, month: date, earliest: date) -> list[Settlement]:
    """The provider's regular settlements of months in ``[earliest, month)`` submitted or later."""
    return list(session.scalars(select(Settlement).where(
        Settlement.provider_id == provider_id, Settlement.kind == SettlementKind.REGULAR.value,
        Settlement.month >= earliest, Settlement.month < month, Settlement.submitted_at.is_not(None),
        Settlement.status != SettlementStatus.DRAFT.value).order_by(Settlement.month)))


def late_lines(session: Session, provider_id: int, month: date, *, as_of: datetime) -> list[LinePlan]:
    """The late lines for ``provider_id``'s settlement of ``month``: one per rate row of an earlier
    submitted month with late records in it, and one refusing the records beyond the limit."""
    months = reader.billing_timeline(session, month, first_of_next_month(month)).on(month).late_record_months
    plans: list[LinePlan] = []
    for settlement in submitted_months(session, provider_id, month, add_months(month, -months - 1)):
        records = late_records(session, settlement, before=as_of, generating=month)
        if records:
            plans += _month_lines(session, settlement, records, months, as_of=as_of, generating=month)
    return plans


def _month_lines(session: Session, settlement: Settlement, records: list[LateRecord], months: int, *,
                 as_of: datetime, generating: date) -> list[LinePlan]:
    data = reader.provider_month_input(session, settlement.provider_id, settlement.month, as_of=as_of)
    priced = price_month(data.pricing)
    wanted = {(r.kind, r.id): r for r in records}
    used = _settled_use(session, settlement, generating)
    plans = []
    for row in priced.rows:
        if row.provider_id != settlement.provider_id:
            continue
        mine = [s for s in row.sources if (s.kind, s.id) in wanted]
        if not mine:
            continue
        in_time = [s for s in mine if wanted[(s.kind, s.id)].entered_on < add_months(s.service_date, months)]
        too_late = [s for s in mine if s not in in_time]
        if in_time:
            plans.append(_line(row, in_time, settlement, data, used))
        if too_late:
            plans.append(_refused(row, too_late, settlement, months))
    return plans


def _settled_use(session: Session, settlement: Settlement, generating: date) -> dict[tuple[int, str], list]:
    """(person, care type) → [payable units, fund] already settled for the month (its lines and the
    late lines for it of settlements other than the one of ``generating``): what the caps have left."""
    rows = session.execute(select(SettlementLine.person_id, SettlementLine.care_type,
                                  func.sum(SettlementLine.payable_units), func.sum(SettlementLine.fund))
                           .join(Settlement, Settlement.id == SettlementLine.settlement_id)
                           .where(Settlement.provider_id == settlement.provider_id,
                                  SettlementLine.revision == Settlement.revision,
                                  or_(Settlement.id == settlement.id,
                                      (SettlementLine.kind == LineKind.LATE.value)
                                      & (SettlementLine.service_month == settlement.month)
                                      & (Settlement.month != generating)))
                           .group_by(SettlementLine.person_id, SettlementLine.care_type)).all()
    return defaultdict(lambda: [0, ZERO], {(p, c): [int(u or 0), Decimal(f or 0)] for p, c, u, f in rows})


def _payable_without_cap(source: UnitSource) -> int:
    """A source's units payable by every rule but the cap (V07 is re-applied on the cap left)."""
    return source.payable + source.rejected.get("V07", 0)


def _amount(rate: Decimal, unit: str, units: int) -> Decimal:
    return to_money(rate * units / 60 if unit == Unit.MINUTE else rate * units)


def _line(row: RateRow, sources: list[UnitSource], settlement: Settlement, data, used: dict) -> LinePlan:
    segment = next((s for s in segments(data.facts.persons[row.beneficiary_id], row.care_type, settlement.month,
                                        data.pricing.timeline) if s.start <= row.start < s.end), None)
    spent = used[(row.beneficiary_id, row.care_type)]
    left = None if segment is None or segment.minutes is None else max(0, segment.minutes - spent[0])
    payable, kept = 0, []
    for s in sorted(sources, key=lambda s: (s.service_date, s.id)):
        units = _payable_without_cap(s) if left is None else min(_payable_without_cap(s), left - payable)
        payable += units
        kept.append(RecordUnits(s.kind, s.id, s.service_date, None, units, min(s.held, units)))
    billable = _amount(row.rate, str(row.unit), payable)
    fund = to_money(billable * row.ratio)
    if segment is not None and segment.fund_cap is not None:
        fund = max(ZERO, min(fund, segment.fund_cap - spent[1]))
    spent[0], spent[1] = spent[0] + payable, spent[1] + fund
    rejected = {}
    for s in sources:
        for rule, units in s.rejected.items():
            if rule != "V07":
                rejected[rule] = rejected.get(rule, 0) + units
    over = sum(_payable_without_cap(s) for s in sources) - payable
    if over:
        rejected["V07"] = over
    return LinePlan(kind=LineKind.LATE.value, person_id=row.beneficiary_id, care_type=row.care_type, level=row.level,
                    date_from=row.start, date_to=row.end, rate=row.rate, unit=str(row.unit), payable_units=payable,
                    held_units=sum(r.held for r in kept), rejected=dict(sorted(rejected.items())), billable=billable,
                    ratio=row.ratio, fund=fund, copay=billable - fund, service_month=settlement.month,
                    note=LATE_NOTE, params={"month": f"{settlement.month:%Y-%m}"}, records=_merged(kept))


def _refused(row: RateRow, sources: list[UnitSource], settlement: Settlement, months: int) -> LinePlan:
    units = sum(s.units for s in sources)
    return LinePlan(kind=LineKind.LATE.value, person_id=row.beneficiary_id, care_type=row.care_type, level=row.level,
                    date_from=row.start, date_to=row.end, rate=row.rate, unit=str(row.unit), payable_units=0,
                    held_units=0, rejected={LATE_LIMIT: units}, billable=ZERO, ratio=row.ratio, fund=ZERO,
                    copay=ZERO, service_month=settlement.month, note=REFUSED_NOTE,
                    params={"month": f"{settlement.month:%Y-%m}", "months": months},
                    records=_merged([RecordUnits(s.kind, s.id, s.service_date, None, 0) for s in sources]))


def _merged(units: list[RecordUnits]) -> tuple[RecordUnits, ...]:
    """Bed-days of one stay as one run per record (late stays are whole records)."""
    return record_units(UnitSource(u.record_kind, u.record_id, u.service_date, u.units, u.units, u.held)
                        for u in units)
