"""Adjustments (SPEC §7.3): ± corrections of an earlier month booked into a provider's next regular
settlement as adjustment lines — re-evaluation here; won appeals, recoveries and deposit releases
raise theirs through ``raise_adjustment`` too.
Re-evaluation (``reevaluation``) raises its adjustments here too.
"""
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ltc.billing.kinds import LineKind, Unit
from ltc.billing.lines import LinePlan, RecordUnits
from ltc.billing.models import SettlementAdjustment
from ltc.core import audit
from ltc.core.audit import Actor
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
