"""Re-evaluation (SPEC §7.3): when a dated fact changes after a month was submitted (a retroactive
grant, a late death or hospital stay, an enrolment or suspension, a dated category, tag or daily price),
the month is priced again as it would be now and compared, per record and **service date**, with what
was paid for it so far: the month's settlement, the late lines of later submitted settlements and the
adjustments raised before. Each run of consecutive days of a record whose payable units, unit amount
or ratio changed the same way becomes one ± adjustment line for the provider's next regular
settlement, its reason naming the fact and the service dates. A bed-day stay is compared day by day,
so a late death or hospital stay adjusts exactly the days it changed.

An adjustment keeps the state it pays each day to (``params["after"]``), so a re-run compares with it
and raises nothing twice.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from ltc.billing import reader
from ltc.billing.adjustments import raise_adjustment
from ltc.billing.kinds import AdjustmentReason, Unit
from ltc.billing.models import Settlement, SettlementAdjustment
from ltc.billing.pricing import REJECT_ORDER, price_month
from ltc.billing.reevaluation_paid import ZERO, Basis, DayKey, State, excluded_keys, fund_paid, paid_states
from ltc.compliance.kinds import RULE_LABELS
from ltc.core.audit import Actor
from ltc.core.money import to_money

ONE_DAY = timedelta(days=1)
#: care types with a monthly fund cap (SPEC §7.1: outreach)
FUND_CAPPED = frozenset({"outreach"})
REEVALUATION_NOTE = "重新核定：%(month)s 服务日 %(dates)s，%(fact)s；可支付单位数由 %(before)s 变为 %(after)s"
NO_LONGER = "不再支付：%s"
NOW_PAYABLE = "改为支付：原“%s”已不成立"
RATE_CHANGED = "单价变更（类别、护理等级或机构日价格）"
RATIO_CHANGED = "支付比例变更（人员类别或标签）"
FACT_CHANGED = "服务记录变更"
#: the key of ``payable_now``'s rules holding person → date of death (days after it are no units at all)
DEATHS = "deaths"


def payable_now(session: Session, settlement: Settlement, *,
                as_of: datetime) -> tuple[dict[DayKey, State], dict[DayKey, tuple], dict, dict]:
    """(record kind, id, day) → what the month would pay now, the rules rejecting it now; the record's
    basis; (person, care type) → the fund the month would pay now (monthly fund caps applied)."""
    data = reader.provider_month_input(session, settlement.provider_id, settlement.month, as_of=as_of)
    states: dict[DayKey, State] = {}
    rules: dict[DayKey, tuple] = {}
    bases: dict[tuple[str, int], Basis] = {}
    funds: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    rules[DEATHS] = {p.id: p.death_date for p in data.facts.persons.values() if p.death_date is not None}
    for row in price_month(data.pricing).rows:
        if row.provider_id != settlement.provider_id:
            continue
        funds[(row.beneficiary_id, row.care_type)] += row.fund
        for s in row.sources:
            key = (s.kind, s.id, s.service_date)
            bases.setdefault((s.kind, s.id), Basis(row.beneficiary_id, row.care_type, str(row.unit)))
            old = states.get(key, State())
            states[key] = old.plus(State(s.payable, row.rate, row.ratio))
            rules[key] = tuple(rules.get(key, ())) + tuple(s.rejected)
    return states, rules, bases, funds


@dataclass
class Change:
    """A run of consecutive days of one record changed the same way."""

    kind: str
    record_id: int
    basis: Basis
    before: State
    after: State
    fact: str
    days: list[date] = field(default_factory=list)
    rule: str | None = None
    billable: Decimal = ZERO
    fund: Decimal = ZERO

    @property
    def units(self) -> int:
        return (self.after.units - self.before.units) * len(self.days)

    def price(self) -> None:
        before = _amount(self.before, self.basis.unit, len(self.days))
        after = _amount(self.after, self.basis.unit, len(self.days))
        self.billable = after - before
        self.fund = to_money(after * self.after.ratio) - to_money(before * self.before.ratio)


def _amount(state: State, unit: str, days: int) -> Decimal:
    units = state.units * days
    return to_money(state.rate * units / 60 if unit == Unit.MINUTE else state.rate * units)


def _first_rule(rules) -> str | None:
    return next((r for r in REJECT_ORDER if r in rules), next(iter(sorted(rules)), None))


def fact_of(before: State, after: State, rules_before, rules_now) -> tuple[str, str | None]:
    """The fact a change is due to (and the rule naming it): the rule now rejecting the day, the rule
    that rejected it and no longer does, or a changed unit amount or ratio."""
    if after.units == before.units:
        return (RATE_CHANGED if after.rate != before.rate else RATIO_CHANGED), None
    rule = _first_rule(rules_now if after.units < before.units else rules_before)
    if rule is None:
        return FACT_CHANGED, None
    return (NO_LONGER if after.units < before.units else NOW_PAYABLE) % RULE_LABELS.get(rule, rule), rule


def changes(paid: dict, paid_rules: dict, now: dict, now_rules: dict, bases: dict) -> list[Change]:
    """The changed days of every record paid so far, as runs (days in a row, changed the same way)."""
    records = sorted({(k, i) for k, i, _ in paid})
    days_of: dict[tuple, set] = defaultdict(set)
    for k, i, day in [*paid, *now]:
        if (k, i) in bases:
            days_of[(k, i)].add(day)
    found: list[Change] = []
    for record in records:
        last = None
        for day in sorted(days_of[record]):
            before, after = paid.get((*record, day), State()).normal(), now.get((*record, day), State()).normal()
            if before == after:
                last = None
                continue
            fact, rule = fact_of(before, after, paid_rules.get((*record, day), ()), now_rules.get((*record, day), ()))
            if last is not None and (last.before, last.after, last.fact) == (before, after, fact) \
                    and last.days[-1] + ONE_DAY == day:
                last.days.append(day)
                continue
            last = Change(record[0], record[1], bases[record], before, after, fact, [day], rule=rule)
            found.append(last)
    for change in found:
        change.price()
    return found


def _within_fund_caps(found: list[Change], now_funds: dict, paid_funds: dict) -> None:
    """Where a monthly fund cap applies (outreach), the group's adjustments together move its fund to
    what the month pays now: the last change of the group takes the difference."""
    groups: dict[tuple, list[Change]] = defaultdict(list)
    for change in found:
        groups[(change.basis.person_id, change.basis.care_type)].append(change)
    for group, members in groups.items():
        if group[1] not in FUND_CAPPED:
            continue
        target = now_funds.get(group, ZERO) - paid_funds.get(group, ZERO)
        members[-1].fund += target - sum((c.fund for c in members), ZERO)


def reevaluate_month(session: Session, settlement: Settlement, *, actor: Actor, now: datetime,
                     as_of: datetime) -> list[SettlementAdjustment]:
    """Raise an adjustment for every run of days of a record a submitted settlement of the month paid
    whose payable units, unit amount or ratio differ now from what was paid for it; returns them."""
    now_states, now_rules, bases, now_funds = payable_now(session, settlement, as_of=as_of)
    paid, paid_rules, paid_bases = paid_states(session, settlement)
    skip = excluded_keys(session, settlement, paid)
    _after_death(paid, now_rules, {**paid_bases, **bases})
    paid = {k: v for k, v in paid.items() if k[:2] not in skip}
    found = changes(paid, paid_rules, now_states, now_rules, {**paid_bases, **bases})
    _within_fund_caps(found, now_funds, fund_paid(session, settlement))
    return [_raise(session, settlement, c, actor=actor, now=now) for c in found]


def _after_death(paid: dict, now_rules: dict, bases: dict) -> None:
    """Paid days after the person's death are no units now: E07 is their fact."""
    deaths = now_rules.pop(DEATHS)
    for kind, rid, day in paid:
        died = deaths.get(bases[(kind, rid)].person_id)
        if died is not None and day > died and (kind, rid, day) not in now_rules:
            now_rules[(kind, rid, day)] = ("E07",)


def _dates(days: list[date]) -> str:
    first, last = days[0], days[-1]
    return f"{first:%m-%d}" if first == last else f"{first:%m-%d}—{last:%m-%d}"


def _raise(session: Session, settlement: Settlement, c: Change, *, actor: Actor, now: datetime) -> SettlementAdjustment:
    basis = c.after if c.after.units else c.before
    stay = c.kind == "stay"
    return raise_adjustment(
        session, actor=actor, now=now, provider_id=settlement.provider_id, person_id=c.basis.person_id,
        care_type=c.basis.care_type, reason=AdjustmentReason.REEVALUATION.value, service_month=settlement.month,
        corrects_settlement_id=settlement.id, record_kind=c.kind, record_id=c.record_id, service_date=c.days[0],
        service_to=c.days[-1] + ONE_DAY if stay else None, unit=c.basis.unit, units=c.units, rate=basis.rate,
        billable=c.billable, ratio=basis.ratio, fund=c.fund, copay=c.billable - c.fund, note=REEVALUATION_NOTE,
        params={"month": f"{settlement.month:%Y-%m}", "dates": _dates(c.days), "fact": c.fact,
                "unit": c.basis.unit, "before": c.before.units * len(c.days), "after": c.after.units * len(c.days),
                "after_day": c.after.as_json(), "rule": c.rule})
