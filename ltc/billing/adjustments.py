"""Adjustments (SPEC §7.3): ± corrections of an earlier month booked into a provider's next regular
settlement as adjustment lines — re-evaluation here; won appeals, recoveries and deposit releases
raise theirs through ``raise_adjustment`` too.

**Re-evaluation**: when a dated fact changes after a month was submitted (a retroactive grant, a late
death or hospital stay, a suspension …), the month is priced again as it would be now and every record
whose payable units changed becomes an adjustment (the difference against what its month's settlement,
the late lines and the adjustments raised before paid for it), with the reason. A record is compared
over the whole month (a stay: all its bed-days of the month).
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from ltc.billing import reader
from ltc.billing.kinds import AdjustmentReason, LineKind, SettlementStatus, Unit
from ltc.billing.lines import LinePlan, RecordUnits
from ltc.billing.models import Settlement, SettlementAdjustment, SettlementLine, SettlementLineRecord
from ltc.billing.pricing import price_month
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.money import to_money
from ltc.core.months import first_of_next_month

ZERO = Decimal("0.00")
#: care types with a monthly fund cap (SPEC §7.1: outreach)
FUND_CAPPED = frozenset({"outreach"})
REEVALUATION_NOTE = "重新核定：%(month)s 的服务记录按现行事实重新审核，可支付单位数由 %(before)s 变为 %(after)s"


def pending(session: Session, provider_id: int, month: date, settlement_id: int | None) -> list[SettlementAdjustment]:
    """The adjustments for the provider's settlement of ``month``: those booked into it, and those not
    booked yet of earlier months."""
    booked = SettlementAdjustment.settlement_id == settlement_id if settlement_id is not None else None
    waiting = SettlementAdjustment.settlement_id.is_(None) & (SettlementAdjustment.service_month < month)
    return list(session.scalars(select(SettlementAdjustment).where(
        SettlementAdjustment.provider_id == provider_id, waiting if booked is None else or_(booked, waiting))
        .order_by(SettlementAdjustment.id)))


def adjustment_lines(session: Session, provider_id: int, month: date, settlement_id: int | None) -> list[LinePlan]:
    return [line_of(a) for a in pending(session, provider_id, month, settlement_id)]


def line_of(a: SettlementAdjustment) -> LinePlan:
    start = a.service_date or a.service_month
    records = () if a.record_kind is None else (
        RecordUnits(a.record_kind, a.record_id, start, a.service_to, a.units),)
    return LinePlan(kind=LineKind.ADJUSTMENT.value, person_id=a.person_id, care_type=a.care_type, level=None,
                    date_from=start, date_to=a.service_to or first_of_next_month(a.service_month), rate=a.rate,
                    unit=a.unit or Unit.PACKAGE.value, payable_units=a.units, held_units=0, rejected={},
                    billable=a.billable, ratio=a.ratio, fund=a.fund, copay=a.copay, service_month=a.service_month,
                    reason=a.reason, adjustment_id=a.id, note=a.note, params=dict(a.params or {}), records=records)


def book(session: Session, ids: Iterable[int], settlement_id: int) -> None:
    ids = sorted(set(ids))
    if ids:
        session.execute(update(SettlementAdjustment).where(SettlementAdjustment.id.in_(ids),
                                                           SettlementAdjustment.settlement_id.is_(None))
                        .values(settlement_id=settlement_id))


def raise_adjustment(session: Session, *, actor: Actor, now: datetime, **values) -> SettlementAdjustment:
    """Record an adjustment for the provider's next regular settlement (audited)."""
    adjustment = SettlementAdjustment(created_at=now, created_by=actor.user_id, **values)
    session.add(adjustment)
    session.flush()
    audit.record(session, actor, "raise", "settlement_adjustment", adjustment.id,
                 after={k: v for k, v in values.items() if k != "params"}, now=now)
    return adjustment


# --- re-evaluation ------------------------------------------------------------------------------

@dataclass
class Paid:
    """What was paid for one record of a month so far, at which rate and ratio."""

    person_id: int
    care_type: str
    unit: str
    units: int = 0
    rate: Decimal = ZERO
    ratio: Decimal = ZERO
    first: date | None = None
    last: date | None = None


def _submitted_lines_of_month(settlement: Settlement) -> list:
    """The current regular and late lines of submitted settlements for the settlement's month (joined
    with their settlement)."""
    return [Settlement.provider_id == settlement.provider_id, SettlementLine.revision == Settlement.revision,
            SettlementLine.kind != LineKind.ADJUSTMENT.value, Settlement.status != SettlementStatus.DRAFT.value,
            or_(Settlement.id == settlement.id, SettlementLine.service_month == settlement.month)]


def paid_so_far(session: Session, settlement: Settlement) -> dict[tuple[str, int], Paid]:
    """(record kind, id) → what the month's settlement, the late lines of later submitted settlements
    and the adjustments raised since paid for it. Records no submitted settlement names are not here:
    a record entered late is a late line, one in a draft's late line is repriced by its regeneration."""
    found: dict[tuple[str, int], Paid] = {}
    rows = session.execute(select(SettlementLineRecord.record_kind, SettlementLineRecord.record_id,
                                  SettlementLineRecord.units,
                                  SettlementLine.person_id, SettlementLine.care_type, SettlementLine.unit,
                                  SettlementLine.rate, SettlementLine.ratio)
                           .join(SettlementLine, SettlementLine.id == SettlementLineRecord.line_id)
                           .join(Settlement, Settlement.id == SettlementLine.settlement_id)
                           .where(*_submitted_lines_of_month(settlement)))
    for kind, rid, units, person, care_type, unit, rate, ratio in rows:
        paid = found.setdefault((kind, rid), Paid(person, care_type, unit))
        paid.units += units
        if units and rate:
            paid.rate, paid.ratio = rate, ratio
    raised = session.execute(select(SettlementAdjustment.record_kind, SettlementAdjustment.record_id,
                                    func.sum(SettlementAdjustment.units))
                             .where(SettlementAdjustment.provider_id == settlement.provider_id,
                                    SettlementAdjustment.service_month == settlement.month,
                                    SettlementAdjustment.record_kind.is_not(None))
                             .group_by(SettlementAdjustment.record_kind, SettlementAdjustment.record_id))
    for kind, rid, units in raised:
        if (kind, rid) in found:
            found[(kind, rid)].units += int(units or 0)
    return found


def payable_now(session: Session, settlement: Settlement, *,
                as_of: datetime) -> tuple[dict[tuple[str, int], Paid], dict[tuple, Decimal]]:
    """(record kind, id) → what the month would pay for it now (its payable units, rate and ratio);
    and (person, care type) → the fund the month would pay now (monthly fund caps applied)."""
    data = reader.provider_month_input(session, settlement.provider_id, settlement.month, as_of=as_of)
    found: dict[tuple[str, int], Paid] = {}
    funds: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for row in price_month(data.pricing).rows:
        if row.provider_id != settlement.provider_id:
            continue
        funds[(row.beneficiary_id, row.care_type)] += row.fund
        for s in row.sources:
            now = found.setdefault((s.kind, s.id), Paid(row.beneficiary_id, row.care_type, str(row.unit)))
            now.units += s.payable
            now.first = min(now.first or s.service_date, s.service_date)
            now.last = max(now.last or s.service_date, s.service_date)
            if s.payable and row.rate:
                now.rate, now.ratio = row.rate, row.ratio
    return found, funds


def fund_paid(session: Session, settlement: Settlement) -> dict[tuple, Decimal]:
    """(person, care type) → the fund paid for the month so far: its submitted lines (regular and late)
    and the adjustments raised for it."""
    lines = session.execute(select(SettlementLine.person_id, SettlementLine.care_type, func.sum(SettlementLine.fund))
                            .join(Settlement, Settlement.id == SettlementLine.settlement_id)
                            .where(*_submitted_lines_of_month(settlement))
                            .group_by(SettlementLine.person_id, SettlementLine.care_type))
    raised = session.execute(select(SettlementAdjustment.person_id, SettlementAdjustment.care_type,
                                    func.sum(SettlementAdjustment.fund))
                             .where(SettlementAdjustment.provider_id == settlement.provider_id,
                                    SettlementAdjustment.service_month == settlement.month)
                             .group_by(SettlementAdjustment.person_id, SettlementAdjustment.care_type))
    found: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for person, care_type, fund in [*lines, *raised]:
        found[(person, care_type)] += Decimal(fund or 0)
    return found


@dataclass
class Change:
    key: tuple[str, int]
    basis: Paid
    before: int
    after: int
    first: date | None
    billable: Decimal = ZERO
    fund: Decimal = ZERO


def _changes(before: dict, after: dict) -> list[Change]:
    """Each record paid so far whose payable units differ now, priced at its rate and ratio."""
    found = []
    for key in sorted(before):
        old, new = before[key], after.get(key)
        units = new.units if new else 0
        if units == old.units:
            continue
        basis = new if new is not None and new.rate else old
        change = Change(key, basis, old.units, units, new.first if new else None)
        delta = units - old.units
        change.billable = to_money(basis.rate * delta / 60 if basis.unit == Unit.MINUTE else basis.rate * delta)
        change.fund = to_money(change.billable * basis.ratio)
        found.append(change)
    return found


def _within_fund_caps(changes: list[Change], now_funds: dict, paid_funds: dict) -> None:
    """Where a monthly fund cap applies (outreach), the group's adjustments together move its fund to
    what the month pays now: the last record of the group takes the difference."""
    groups: dict[tuple, list[Change]] = defaultdict(list)
    for change in changes:
        groups[(change.basis.person_id, change.basis.care_type)].append(change)
    for group, members in groups.items():
        if group[1] not in FUND_CAPPED:
            continue
        target = now_funds.get(group, ZERO) - paid_funds.get(group, ZERO)
        members[-1].fund += target - sum((c.fund for c in members), ZERO)


def reevaluate_month(session: Session, settlement: Settlement, *, actor: Actor, now: datetime,
                     as_of: datetime) -> int:
    """Raise an adjustment for every record a submitted settlement of the month paid (``paid_so_far``)
    whose payable units differ now from what was paid for it; returns how many."""
    after, now_funds = payable_now(session, settlement, as_of=as_of)
    changes = _changes(paid_so_far(session, settlement), after)
    _within_fund_caps(changes, now_funds, fund_paid(session, settlement))
    for c in changes:
        raise_adjustment(
            session, actor=actor, now=now, provider_id=settlement.provider_id, person_id=c.basis.person_id,
            care_type=c.basis.care_type, reason=AdjustmentReason.REEVALUATION.value, service_month=settlement.month,
            corrects_settlement_id=settlement.id, record_kind=c.key[0], record_id=c.key[1], service_date=c.first,
            unit=c.basis.unit, units=c.after - c.before, rate=c.basis.rate, billable=c.billable, ratio=c.basis.ratio,
            fund=c.fund, copay=c.billable - c.fund, note=REEVALUATION_NOTE,
            params={"month": f"{settlement.month:%Y-%m}", "unit": c.basis.unit, "before": c.before, "after": c.after})
    return len(changes)
