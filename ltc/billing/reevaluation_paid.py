"""What was paid so far for each record and service date of a submitted month (SPEC §7.3): the current
lines of its submitted settlement and of the late lines for it in later submitted settlements, then
the re-evaluation adjustments raised for it, in the order they were raised. The audit's refusals and
the won appeals paying them back are deductions and adjustments outside pricing: the lines keep those
records as priced, so neither counts here (counting a won appeal would recover it again)."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ltc.billing.kinds import AdjustmentReason, LineKind, SettlementStatus
from ltc.billing.models import Settlement, SettlementAdjustment, SettlementLine, SettlementLineRecord
from ltc.core.months import first_of_next_month
from ltc.providers.records.models import Visit

ZERO = Decimal("0.00")
ONE_DAY = timedelta(days=1)
PACKAGE = "package"
FAMILY = "family"
DayKey = tuple[str, int, date]
REEVALUATED = SettlementAdjustment.reason == AdjustmentReason.REEVALUATION.value


@dataclass(frozen=True)
class State:
    """What a record pays on one service date: payable units at one unit amount and ratio."""

    units: int = 0
    rate: Decimal = ZERO
    ratio: Decimal = ZERO

    def plus(self, other: "State") -> "State":
        rate, ratio = (other.rate, other.ratio) if other.units else (self.rate, self.ratio)
        return State(self.units + other.units, rate, ratio)

    def normal(self) -> "State":
        return self if self.units else State()

    def as_json(self) -> dict:
        return {"units": self.units, "rate": str(self.rate), "ratio": str(self.ratio)}

    @classmethod
    def of_json(cls, value: dict) -> "State":
        return cls(int(value["units"]), Decimal(value["rate"]), Decimal(value["ratio"]))


@dataclass(frozen=True)
class Basis:
    person_id: int
    care_type: str
    unit: str


def _days(start: date, stop: date | None) -> list[date]:
    if stop is None:
        return [start]
    return [start + timedelta(days=n) for n in range((stop - start).days)]


def submitted_lines_of_month(settlement: Settlement) -> list:
    """The current regular and late lines of submitted settlements for the settlement's month (joined
    with their settlement)."""
    return [Settlement.provider_id == settlement.provider_id, SettlementLine.revision == Settlement.revision,
            SettlementLine.kind != LineKind.ADJUSTMENT.value, Settlement.status != SettlementStatus.DRAFT.value,
            or_(Settlement.id == settlement.id, SettlementLine.service_month == settlement.month)]


def paid_states(session: Session, settlement: Settlement) -> tuple[dict[DayKey, State], dict, dict]:
    """(record kind, id, day) → what was paid for it so far; the rules its line rejected unpaid days
    by; (record kind, id) → its person, care type and unit. Records no submitted settlement names are
    not here: a record entered late is a late line's."""
    states: dict[DayKey, State] = {}
    rules: dict[DayKey, tuple] = {}
    bases: dict[tuple[str, int], Basis] = {}
    rows = session.execute(select(SettlementLineRecord.record_kind, SettlementLineRecord.record_id,
                                  SettlementLineRecord.service_date, SettlementLineRecord.service_to,
                                  SettlementLineRecord.units, SettlementLine.person_id, SettlementLine.care_type,
                                  SettlementLine.unit, SettlementLine.rate, SettlementLine.ratio,
                                  SettlementLine.rejected)
                           .join(SettlementLine, SettlementLine.id == SettlementLineRecord.line_id)
                           .join(Settlement, Settlement.id == SettlementLine.settlement_id)
                           .where(*submitted_lines_of_month(settlement)))
    for kind, rid, start, stop, units, person, care_type, unit, rate, ratio, rejected in rows:
        bases.setdefault((kind, rid), Basis(person, care_type, unit))
        days = _days(start, stop)
        for day in days:
            key = (kind, rid, day)
            states[key] = states.get(key, State()).plus(State(units // len(days), rate, ratio))
            if not units:
                rules[key] = tuple(rules.get(key, ())) + tuple(rejected or {})
    _apply_adjustments(session, settlement, states, rules, bases)
    return states, rules, bases


def _apply_adjustments(session: Session, settlement: Settlement, states: dict, rules: dict, bases: dict) -> None:
    """Each re-evaluation raised for the month's records moves its days: to the state it paid them to
    and the rule it stopped paying them for (one raised before per-day states: by its units)."""
    raised = session.scalars(select(SettlementAdjustment).where(
        SettlementAdjustment.provider_id == settlement.provider_id, REEVALUATED,
        SettlementAdjustment.service_month == settlement.month,
        SettlementAdjustment.record_kind.is_not(None)).order_by(SettlementAdjustment.id))
    for a in raised:
        if (a.record_kind, a.record_id) not in bases:
            continue
        days = _days(a.service_date or settlement.month, a.service_to)
        after, rule = (a.params or {}).get("after_day"), (a.params or {}).get("rule")
        for day in days:
            key = (a.record_kind, a.record_id, day)
            if rule:
                rules[key] = (rule,)
            states[key] = State.of_json(after) if after else states.get(key, State()).plus(
                State(a.units // len(days), a.rate, a.ratio))


def excluded_keys(session: Session, settlement: Settlement, paid: dict) -> set[tuple[str, int]]:
    """Family packages paid nothing so far whose person has family visits of the month entered after
    the submission: the package is a late line's (补记), not an adjustment."""
    month, end = settlement.month, first_of_next_month(settlement.month)
    persons = session.scalars(select(Visit.person_id).where(
        Visit.provider_id == settlement.provider_id, Visit.care_type == FAMILY, Visit.service_date >= month,
        Visit.service_date < end, Visit.check_in_at.is_not(None), Visit.updated_at > settlement.submitted_at))
    return {(PACKAGE, p) for p in set(persons) if not paid.get((PACKAGE, p, month), State()).units}


def fund_paid(session: Session, settlement: Settlement) -> dict[tuple, Decimal]:
    """(person, care type) → the fund paid for the month so far: its submitted lines (regular and late)
    and the adjustments raised for it."""
    lines = session.execute(select(SettlementLine.person_id, SettlementLine.care_type, func.sum(SettlementLine.fund))
                            .join(Settlement, Settlement.id == SettlementLine.settlement_id)
                            .where(*submitted_lines_of_month(settlement))
                            .group_by(SettlementLine.person_id, SettlementLine.care_type))
    raised = session.execute(select(SettlementAdjustment.person_id, SettlementAdjustment.care_type,
                                    func.sum(SettlementAdjustment.fund))
                             .where(SettlementAdjustment.provider_id == settlement.provider_id, REEVALUATED,
                                    SettlementAdjustment.service_month == settlement.month)
                             .group_by(SettlementAdjustment.person_id, SettlementAdjustment.care_type))
    found: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for person, care_type, fund in [*lines, *raised]:
        found[(person, care_type)] += Decimal(fund or 0)
    return found
