"""The fund theme's figures (基金支出, issue 13 point 1): fund per month (settled and claimed), the
year-to-date fund against the pro-rata budget with budget alerts, and the fund per beneficiary-month by
care type and level. Read from the ``fund`` facts (``sources``) and the beneficiaries theme's
beneficiary-months; the budget from the ``fund_budget`` policy section in force in each month."""
from collections import defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from ltc.core.errors import ValidationFailed
from ltc.core.money import to_money
from ltc.entitlements.models import LEVEL_NAMES
from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType
from ltc.policy.services import NoPolicyInForce, policy_on
from ltc.supervision.facts import fact_rows
from ltc.supervision.figures import Audience, Chart, Column, Dim, Figure, FigureData, Filters, ValueKind, Viewer
from ltc.supervision.themes.beneficiaries import IN_FORCE
from ltc.supervision.themes.fund.policy import FundBudgetPolicy
from ltc.supervision.themes.fund.sources import CLAIMED, FUND, SETTLED
from ltc.supervision.themes.monthly_wide import MONTH, ZERO, by_month, monthly_table

THEME = "fund"
ALL_DIMS = frozenset(Dim)
BUDGET_DIMS = frozenset({Dim.MONTH, Dim.CARE_TYPE})     # the budget is the city's: no district, no level
ALERT = "预算预警：%(care_type)s截至%(month)s累计基金支出%(spent)s元，超过按月进度预算%(budget)s元的%(margin)s以上"


def _by_month(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    values = by_month(session, FUND, viewer, filters, "dim", dims=ALL_DIMS)
    titles = {SETTLED: Column("已结算基金", ValueKind.MONEY), CLAIMED: Column("申报中基金", ValueKind.MONEY)}
    return monthly_table(filters.months, [SETTLED, CLAIMED], titles, values, kind=ValueKind.MONEY)


# --- against the budget ------------------------------------------------------------------------------

def budget_policy(session: Session, month: date) -> FundBudgetPolicy | None:
    """The budget section in force on the month's first day (None when no valid one is)."""
    try:
        return policy_on(session, month).section(FundBudgetPolicy)
    except (NoPolicyInForce, ValidationFailed):
        return None


def pro_rata(annual: Decimal, month: date) -> Decimal:
    """The share of a year's budget due by the end of ``month``: annual × month number / 12."""
    return to_money(annual * month.month / 12)


def _year_to_date(spent: dict[date, Decimal], month: date) -> Decimal:
    return sum((v for m, v in spent.items() if m.year == month.year and m <= month), ZERO)


def _spent(session: Session, viewer: Viewer, filters: Filters) -> dict[str, dict[date, Decimal]]:
    """Fund (settled and claimed) per care type and month, from January of the first month's year."""
    wide = replace(filters, month_from=date(filters.month_from.year, 1, 1))
    out: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for (month, care_type), total in by_month(session, FUND, viewer, wide, "care_type", dims=BUDGET_DIMS).items():
        if care_type is not None:
            out[care_type][month] = out[care_type].get(month, ZERO) + total
    return out


def budget_alerts(session: Session, spent: dict[str, dict[date, Decimal]], filters: Filters) -> tuple:
    """The alerts of the latest month in range with fund: every care type whose year-to-date fund exceeds
    its pro-rata budget × (1 + alert margin)."""
    months = [m for by_type in spent.values() for m in by_type if filters.month_from <= m <= filters.month_to]
    if not months:
        return ()
    last = max(months)
    policy = budget_policy(session, last)
    if policy is None:
        return ()
    notes = []
    for care_type in (c.value for c in CareType if filters.care_type in (None, c.value)):
        ytd, due = _year_to_date(spent.get(care_type, {}), last), pro_rata(policy.budget(care_type), last)
        if ytd > due * (1 + policy.alert_margin):
            notes.append({"detail": ALERT, "params": {
                "care_type": CARE_TYPE_LABELS[CareType(care_type)], "care_type_code": care_type,
                "month": last.strftime("%Y-%m"), "spent": str(ytd), "budget": str(due),
                "margin": f"{policy.alert_margin * 100:.0f}%"}})
    return tuple(notes)


def _budget(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    spent = _spent(session, viewer, filters)
    total: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for care_type, by_month_ in spent.items():
        if filters.care_type in (None, care_type):
            for month, value in by_month_.items():
                total[month] += value
    rows = []
    for month in filters.months:
        policy = budget_policy(session, month)
        annual = policy.budget(filters.care_type) if policy is not None else None
        rows.append((month, _year_to_date(total, month), pro_rata(annual, month) if annual is not None else None,
                     annual))
    columns = (MONTH, Column("本年累计基金支出", ValueKind.MONEY), Column("按月进度预算", ValueKind.MONEY),
               Column("年度预算", ValueKind.MONEY))
    return FigureData(columns, tuple(rows), x=0, series=(1, 2), notes=budget_alerts(session, spent, filters))


# --- per beneficiary-month ---------------------------------------------------------------------------

def _settled(session: Session, viewer: Viewer, filters: Filters) -> tuple[dict[tuple, Decimal], set[date]]:
    """Settled fund per (care type, level) over the **settled months**: the months whose settled fund is
    positive (a month still claimed, or holding only a correction, is left out of both sides)."""
    by_month_: dict[date, dict[tuple, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for month, care_type, level, state, total in fact_rows(session, FUND, viewer, filters, dims=ALL_DIMS,
                                                           by=("month", "care_type", "level", "dim")):
        if state == SETTLED:
            by_month_[month][(care_type, level)] += total
    months = {month for month, values in by_month_.items() if sum(values.values(), ZERO) > 0}
    out: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for month in months:
        for key, value in by_month_[month].items():
            out[key] += value
    return out, months


def _per_beneficiary_month(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    funds, settled_months = _settled(session, viewer, filters)
    counts = defaultdict(lambda: ZERO)
    for month, care_type, level, total in fact_rows(session, IN_FORCE, viewer, filters, dims=ALL_DIMS,
                                                    by=("month", "care_type", "level")):
        if month in settled_months:
            counts[(care_type, level)] += total
    care_types = [c.value for c in CareType if any(k[0] == c.value for k in counts)]
    levels = sorted({level for _, level in counts})
    rows = tuple((care_type, *(to_money(funds[(care_type, level)] / counts[(care_type, level)])
                               if counts[(care_type, level)] else None for level in levels))
                 for care_type in care_types)
    columns = (Column("服务形式", ValueKind.TEXT, "care_type"),
               *(Column(LEVEL_NAMES[level], ValueKind.MONEY) for level in levels))
    return FigureData(columns, rows, x=0, series=tuple(range(1, len(columns))))


FIGURES = (
    Figure("fund_by_month", "每月基金支出", THEME, Chart.STACKED_BAR, frozenset({Audience.MIA, Audience.INSURER}),
           _by_month, ALL_DIMS,
           "按服务月份统计的结算基金（含补记和调整，不含质量保证金返还）：结算已审批或已支付为已结算，"
           "草稿、已提交、已审核和退回的为申报中。"),
    Figure("fund_budget", "基金支出与年度预算", THEME, Chart.LINE, frozenset({Audience.MIA}), _budget, BUDGET_DIMS,
           "本年累计基金支出（已结算和申报中）与按月进度预算（年度预算 × 月份 ÷ 12，取各月生效的政策版本）比较。"
           "某服务形式累计支出超过按月进度预算乘以（1 + 预警阈值）时，在图下给出预算预警。预算为全市预算，"
           "不按区县和失能等级筛选。"),
    Figure("fund_per_beneficiary_month", "人均每月基金支出", THEME, Chart.BAR,
           frozenset({Audience.MIA, Audience.INSURER}), _per_beneficiary_month, ALL_DIMS,
           "已结算基金 ÷ 待遇享受人月数，按服务形式和失能等级；只计已有已结算基金的月份。"),
)
