"""Care plan checks (SPEC §5.3), pure: plain visit data and the billing policy in, checks out.

- ``home``: Σ monthly visits × planned minutes / 60 ≤ the level's hours cap;
- ``outreach``: planned visits a month × price per visit × the person's fund ratio ≤ the fund cap;
- ``family``: at least the policy's minimum number of package visits a month;
- every care type: every item belongs to the care type (``special`` / ``institution`` have no cap);
- ``home``, a warning: the calendar months between the plan's start and end where the schedule's
  real dates (its weekdays in that month) exceed the hours cap — V07 caps each calendar month.

A weekly frequency f means f × 52 / 12 visits a month. Comparisons are exact: both sides are
multiplied by 12 so no repeating decimal is rounded; messages show figures to 0.01.
"""
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from ltc.billing.benefits import percent, yuan
from ltc.billing.policy import BillingPolicy
from ltc.core.months import days, days_in_month, month_bounds, months_touched
from ltc.core.words import filled, nested
from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType
from ltc.people.kinds import CATEGORY_LABELS, TAG_LABELS, Category, Tag

WEEKS_PER_YEAR, MONTHS_PER_YEAR = 52, 12
HUNDREDTH = Decimal("0.01")
UNIT_WORDS = {"week": "每周", "month": "每月"}
#: display label (msgid) of each check code
CHECK_LABELS = {"items_allowed": "服务项目适用", "home_hours_cap": "每月服务时长上限",
                "outreach_fund_cap": "每月基金支付上限", "family_min_visits": "服务包每月上门次数",
                "home_calendar_months": "各自然月服务时长"}


@dataclass(frozen=True)
class PlannedVisit:
    name: str
    frequency: int
    frequency_unit: str          # 'week' | 'month'
    planned_minutes: int
    item_codes: tuple[str, ...] = ()
    #: ISO weekdays (1 = Monday) of a weekly visit type; none: no fixed days
    weekdays: tuple[int, ...] = ()


@dataclass(frozen=True)
class Check:
    """One check's outcome; ``detail`` is a msgid filled in with ``params`` (``ltc.core.words``)."""

    code: str
    passed: bool
    detail: str
    evidence: dict = field(default_factory=dict)
    #: a warning informs and never blocks (a precondition ignores it)
    warning: bool = False
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The outcome in Chinese."""
        return filled(self.detail, self.params)


def visits_twelfths(visit: PlannedVisit) -> int:
    """Twelve times the visits a month (exact): weekly f → f × 52, monthly f → f × 12."""
    return visit.frequency * (WEEKS_PER_YEAR if visit.frequency_unit == "week" else MONTHS_PER_YEAR)


def monthly_visits(visit: PlannedVisit) -> Decimal:
    return Decimal(visits_twelfths(visit)) / MONTHS_PER_YEAR


def shown(value: Decimal) -> str:
    return str(value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP))


def _visit_line(visit: PlannedVisit, minutes: bool = True) -> dict:
    """One visit type's visits a month (and minutes), as a nested message."""
    weekly = visit.frequency_unit == "week"
    detail = ("%(name)s：每周 %(n)s 次 × 52 ÷ 12 = %(monthly)s 次" if weekly else "%(name)s：每月 %(n)s 次") + (
        " × %(minutes)s 分钟" if minutes else "")
    return nested(detail, name=visit.name, n=visit.frequency, monthly=shown(monthly_visits(visit)),
                  minutes=visit.planned_minutes)


def _no_level(code: str, what: str, level: int) -> Check:
    return Check(code, False, "政策未规定失能等级 %(level)s 级的%(what)s", {"level": level},
                 params={"level": level, "what": what})


def hours_cap_check(visits: Sequence[PlannedVisit], billing: BillingPolicy, level: int) -> Check:
    """home: planned hours a month within the level's hours cap (exactly at the cap passes)."""
    cap = billing.home.hours_cap_per_month.get(str(level))
    if cap is None:
        return _no_level("home_hours_cap", "居家护理每月时长上限", level)
    twelfth_minutes = sum(visits_twelfths(v) * v.planned_minutes for v in visits)
    minutes = Decimal(twelfth_minutes) / MONTHS_PER_YEAR
    passed = twelfth_minutes <= cap * 60 * MONTHS_PER_YEAR
    message = ("每月计划服务时长 = Σ 每月次数 × 计划分钟 ÷ 60 = %(minutes)s 分钟 ÷ 60 = %(hours)s 小时（%(visits)s）；"
               "%(level)s 级每月上限 %(cap)s 小时：%(outcome)s")
    params = {"minutes": shown(minutes), "hours": shown(minutes / 60), "visits": [_visit_line(v) for v in visits],
              "level": level, "cap": cap, "outcome": "未超过" if passed else "超过上限"}
    return Check("home_hours_cap", passed, message, params=params, evidence={
        "level": level, "cap_hours": cap, "monthly_minutes": shown(minutes), "monthly_hours": shown(minutes / 60),
        "visit_types": [{"name": v.name, "monthly_visits": shown(monthly_visits(v)), "minutes": v.planned_minutes}
                        for v in visits]})


def _month_minutes(visit: PlannedVisit, month: date, start: date, end: date) -> Fraction:
    """The visit type's planned minutes in ``month`` within ``[start, end)``: a weekly type with
    weekdays on each of those weekdays (frequency ÷ weekdays visits a day); any other type its
    monthly average (weekly f × 52 ÷ 12, monthly f) in proportion to the days covered."""
    first, after = month_bounds(month)
    covered = [d for d in days(max(first, start), min(after, end))]
    if visit.frequency_unit == "week" and visit.weekdays:
        per_day = Fraction(visit.frequency, len(visit.weekdays))
        return sum((d.isoweekday() in visit.weekdays for d in covered), 0) * per_day * visit.planned_minutes
    share = Fraction(len(covered), days_in_month(month))
    return Fraction(visits_twelfths(visit), MONTHS_PER_YEAR) * share * visit.planned_minutes


def _hours(minutes: Fraction) -> str:
    hours = minutes / 60
    return str(hours.numerator) if hours.denominator == 1 else shown(Decimal(hours.numerator) / hours.denominator)


def calendar_hours_check(visits: Sequence[PlannedVisit], billing: BillingPolicy, level: int, start: date,
                         end: date) -> Check | None:
    """home, a warning: each calendar month of ``[start, end)`` whose planned minutes on the
    schedule's real dates exceed the level's hours cap, named (e.g. "2027年3月 计划 33.33 小时，
    超过月上限 30 小时"). None without a cap for the level (the average check reports it)."""
    cap = billing.home.hours_cap_per_month.get(str(level))
    if cap is None:
        return None
    over = []
    for month in months_touched(start, end):
        minutes = sum((_month_minutes(v, month, start, end) for v in visits), Fraction(0))
        if minutes > cap * 60:
            over.append((month, minutes))
    if over:
        message = "%(months)s（按排班的实际日期计算，超出部分不予全额支付）"
        params = {"months": [nested("%(year)s年%(month)s月 计划 %(hours)s 小时，超过月上限 %(cap)s 小时",
                                    year=m.year, month=m.month, hours=_hours(minutes), cap=cap) for m, minutes in over]}
    else:
        message = "%(start)s 至 %(end)s（不含）各自然月按排班计划的时长均未超过 %(level)s 级每月上限 %(cap)s 小时"
        params = {"start": str(start), "end": str(end), "level": level, "cap": cap}
    return Check("home_calendar_months", not over, message, {
        "cap_hours": cap, "months": [{"month": m.isoformat()[:7], "hours": _hours(h)} for m, h in over]},
        warning=True, params=params)


def fund_cap_check(visits: Sequence[PlannedVisit], billing: BillingPolicy, level: int, category: str,
                   tags: Iterable[str] = ()) -> Check:
    """outreach: visits a month × price × the person's ratio (after uplift) within the fund cap."""
    cap = billing.outreach.fund_cap_per_month.get(str(level))
    if cap is None:
        return _no_level("outreach_fund_cap", "巡护每月基金支付上限", level)
    tags = tuple(tags)
    price, ratio = billing.outreach.price_per_visit, billing.ratio("outreach", category, tags)
    twelfths = sum(visits_twelfths(v) for v in visits)
    count = Decimal(twelfths) / MONTHS_PER_YEAR
    amount = count * price * ratio
    passed = twelfths * price * ratio <= cap * MONTHS_PER_YEAR
    uplift = [TAG_LABELS[Tag(t)] for t in tags if t in billing.uplift_tags]
    ratio_name = (nested("%(category)s基金支付比例（含%(tags)s提高）", category=CATEGORY_LABELS[Category(category)],
                         tags=uplift) if uplift else nested("%(category)s基金支付比例",
                                                            category=CATEGORY_LABELS[Category(category)]))
    message = ("每月计划巡护 %(count)s 次（%(visits)s） × 每次 %(price)s × %(ratio_name)s %(ratio)s = %(amount)s元；"
               "%(level)s 级每月基金支付上限 %(cap)s：%(outcome)s")
    params = {"count": shown(count), "visits": [_visit_line(v, minutes=False) for v in visits], "price": yuan(price),
              "ratio_name": ratio_name, "ratio": percent(ratio), "amount": shown(amount), "level": level,
              "cap": yuan(cap), "outcome": "未超过" if passed else "超过上限"}
    return Check("outreach_fund_cap", passed, message, params=params, evidence={
        "level": level, "category": category, "ratio": str(ratio), "price": str(price),
        "monthly_visits": shown(count), "monthly_fund": shown(amount), "cap": str(cap)})


def min_visits_check(visits: Sequence[PlannedVisit], billing: BillingPolicy) -> Check:
    """family: at least the minimum number of package visits a month (exactly the minimum passes)."""
    minimum = billing.family.min_package_visits_per_month
    twelfths = sum(visits_twelfths(v) for v in visits)
    count = Decimal(twelfths) / MONTHS_PER_YEAR
    passed = twelfths >= minimum * MONTHS_PER_YEAR
    message = "服务包每月计划上门 %(count)s 次（%(visits)s），每月至少 %(minimum)s 次：%(outcome)s"
    params = {"count": shown(count), "visits": [_visit_line(v, minutes=False) for v in visits] or "无",
              "minimum": minimum, "outcome": "符合" if passed else "不足"}
    return Check("family_min_visits", passed, message, {"monthly_visits": shown(count), "minimum": minimum},
                 params=params)


def items_check(visits: Sequence[PlannedVisit], care_type: str, problems: Mapping[str, str]) -> Check:
    """Every planned item belongs to the care type; ``problems`` per item code come from the catalogue."""
    codes = sorted({code for v in visits for code in v.item_codes})
    bad = {code: problems[code] for code in codes if code in problems}
    label = CARE_TYPE_LABELS[CareType(care_type)]
    if bad:
        return Check("items_allowed", False, "有 %(n)s 个服务项目不可用于%(care_type)s：%(problems)s",
                     {"items": codes, "problems": bad},
                     params={"n": len(bad), "care_type": label, "problems": list(bad.values())})
    return Check("items_allowed", True, "全部 %(n)s 个服务项目均属于%(care_type)s", {"items": codes, "problems": bad},
                 params={"n": len(codes), "care_type": label})


def plan_checks(visits: Sequence[PlannedVisit], *, care_type: str, level: int, category: str | None,
                tags: Iterable[str], billing: BillingPolicy, item_problems: Mapping[str, str],
                period: tuple[date, date] | None = None) -> list[Check]:
    """Every check of SPEC §5.3 that applies to ``care_type``, items first; the calendar-month
    warning of ``home`` over ``period`` (the plan's start and exclusive end) when given."""
    checks = [items_check(visits, care_type, item_problems)]
    if care_type == CareType.HOME:
        checks.append(hours_cap_check(visits, billing, level))
        monthly = calendar_hours_check(visits, billing, level, *period) if period else None
        checks += [monthly] if monthly else []
    elif care_type == CareType.OUTREACH:
        if category is None:
            checks.append(Check("outreach_fund_cap", False, "参保人在该日无参保类别，无法确定基金支付比例", {}))
        else:
            checks.append(fund_cap_check(visits, billing, level, category, tags))
    elif care_type == CareType.FAMILY:
        checks.append(min_visits_check(visits, billing))
    return checks
