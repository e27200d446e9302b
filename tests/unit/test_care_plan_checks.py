"""Care plan checks of SPEC §5.3 (pure): every boundary exactly at the cap and just past it."""
from dataclasses import replace
from decimal import Decimal

import pytest

from ltc.billing.policy import BillingPolicy
from ltc.policy.ref import ref_sections
from ltc.policy.schema import parse_section
from datetime import date

from ltc.providers.care_plans.checks import (PlannedVisit, calendar_hours_check, fund_cap_check, hours_cap_check,
                                            items_check, min_visits_check, monthly_visits, plan_checks)


@pytest.fixture(scope="module")
def billing() -> BillingPolicy:
    return parse_section("billing", ref_sections()["billing"])


def visit(frequency: int, unit: str = "week", minutes: int = 60, name: str = "上门", items=("SH01",)):
    return PlannedVisit(name, frequency, unit, minutes, tuple(items))


@pytest.mark.parametrize("frequency, unit, expected", [(3, "week", "13"), (1, "week", "4.333"), (4, "month", "4"),
                                                       (7, "week", "30.333")])
def test_weekly_frequency_is_52_weeks_over_12_months(frequency, unit, expected):
    assert round(monthly_visits(visit(frequency, unit)), 3) == Decimal(expected)


# --- home: hours cap (REF L3 13 h, L5 30 h) -------------------------------------------------

@pytest.mark.parametrize("visits, passed", [
    ([visit(3, "week", 60)], True),                               # 13 × 60 = 780 min = 13 h
    ([visit(13, "month", 60), visit(1, "month", 1)], False),      # 781 min
    ([visit(1, "week", 180)], True),                              # 52/12 × 180 = 780 exactly
    ([visit(1, "week", 181)], False),                             # 784.33 min
    ([visit(1, "month", 780)], True),
    ([visit(1, "month", 781)], False),
])
def test_home_hours_cap_level_3(billing, visits, passed):
    check = hours_cap_check(visits, billing, 3)
    assert check.code == "home_hours_cap" and check.passed is passed
    assert check.evidence["cap_hours"] == 13


def test_home_hours_message_states_the_figures(billing):
    check = hours_cap_check([visit(3, "week", 60, name="助浴"), visit(2, "month", 30, name="巡视")], billing, 5)
    assert check.passed
    assert check.evidence["monthly_minutes"] == "840.00" and check.evidence["monthly_hours"] == "14.00"
    assert "840.00 分钟 ÷ 60 = 14.00 小时" in check.message
    assert "助浴：每周 3 次 × 52 ÷ 12 = 13.00 次 × 60 分钟" in check.message
    assert "巡视：每月 2 次 × 30 分钟" in check.message
    assert "5 级每月上限 30 小时：未超过" in check.message


def test_home_daily_visits_exceed_level_5(billing):
    check = hours_cap_check([visit(7, "week", 60)], billing, 5)          # 30.33 visits × 60 min
    assert not check.passed and check.evidence["monthly_hours"] == "30.33"
    assert "超过上限" in check.message


def test_home_level_without_cap_fails(billing):
    check = hours_cap_check([visit(1)], billing, 2)
    assert not check.passed and check.message == "政策未规定失能等级 2 级的居家护理每月时长上限"


# --- outreach: fund cap ----------------------------------------------------------------------

@pytest.mark.parametrize("count, passed", [(9, True), (10, False), (12, False)])
def test_outreach_fund_cap_employee_level_5(billing, count, passed):
    check = fund_cap_check([visit(count, "month")], billing, 5, "employee")
    assert check.passed is passed
    assert check.evidence["ratio"] == "0.90"


def test_outreach_worked_example_12_visits_states_the_ratio(billing):
    check = fund_cap_check([visit(12, "month")], billing, 5, "employee")
    assert check.evidence["monthly_fund"] == "1296.00"
    assert "× 每次 120.00元 × 职工基金支付比例 90% = 1296.00元" in check.message
    assert "5 级每月基金支付上限 1000.00元：超过上限" in check.message


@pytest.fixture(scope="module")
def billing_100(billing) -> BillingPolicy:
    """Outreach at 125 a visit: a resident (80 %) costs the fund exactly 100 a visit (L3 cap 600)."""
    return replace(billing, outreach=replace(billing.outreach, price_per_visit=Decimal("125")))


@pytest.mark.parametrize("visits, passed", [
    ([visit(6, "month")], True),                        # 600.00 exactly at the cap
    ([visit(7, "month")], False),
    ([visit(4, "month"), visit(2, "month")], True),
    ([visit(1, "week"), visit(2, "month")], False),     # 6.33 visits
])
def test_outreach_exactly_at_the_fund_cap_passes(billing_100, visits, passed):
    check = fund_cap_check(visits, billing_100, 3, "resident")
    assert check.passed is passed


def test_outreach_uses_the_uplifted_ratio_and_says_so(billing_100):
    check = fund_cap_check([visit(6, "month")], billing_100, 3, "resident", ["medical_assistance"])
    assert not check.passed                           # 6 × 125 × 85 % = 637.50
    assert check.evidence["monthly_fund"] == "637.50"
    assert "城乡居民基金支付比例（含医疗救助/低保/特困提高） 85%" in check.message


# --- family: minimum package visits -----------------------------------------------------------

@pytest.mark.parametrize("visits, passed", [
    ([visit(4, "month")], True),
    ([visit(3, "month")], False),
    ([visit(1, "week")], True),                         # 4.33
    ([visit(2, "month"), visit(2, "month")], True),
    ([], False),
])
def test_family_needs_four_package_visits(billing, visits, passed):
    check = min_visits_check(visits, billing)
    assert check.code == "family_min_visits" and check.passed is passed
    assert "每月至少 4 次" in check.message


# --- items and the per-care-type selection ----------------------------------------------------

def test_items_check_lists_the_problems():
    visits = [visit(1, items=("SH01", "SH28")), visit(2, items=("SH28",))]
    ok = items_check(visits, "outreach", {})
    assert ok.passed and ok.message == "全部 2 个服务项目均属于巡护"
    bad = items_check(visits, "outreach", {"SH01": "服务项目 SH01 不属于服务形式 outreach", "SH99": "x"})
    assert not bad.passed and bad.evidence["problems"] == {"SH01": "服务项目 SH01 不属于服务形式 outreach"}
    assert bad.message.startswith("有 1 个服务项目不可用于巡护")


@pytest.mark.parametrize("care_type, codes", [
    ("home", ["items_allowed", "home_hours_cap"]),
    ("outreach", ["items_allowed", "outreach_fund_cap"]),
    ("family", ["items_allowed", "family_min_visits"]),
    ("institution", ["items_allowed"]),
    ("special", ["items_allowed"]),
])
def test_checks_per_care_type(billing, care_type, codes):
    checks = plan_checks([visit(1)], care_type=care_type, level=5, category="employee", tags=(), billing=billing,
                         item_problems={})
    assert [c.code for c in checks] == codes


def test_outreach_without_category_fails(billing):
    checks = plan_checks([visit(1)], care_type="outreach", level=5, category=None, tags=(), billing=billing,
                         item_problems={})
    assert not checks[1].passed and "参保类别" in checks[1].message


# --- calendar months over the cap (SPEC §5.3, a warning) ---------------------------------------

MONDAYS_400 = PlannedVisit("周一上门", 1, "week", 400, ("SH01",), weekdays=(1,))   # 28.89 h in an average month


def test_a_month_of_five_mondays_exceeds_the_cap_and_is_named(billing):
    """March 2027 has five Mondays: 5 × 400 min = 33.33 h > 30 h (level 5); February has four."""
    assert hours_cap_check([MONDAYS_400], billing, 5).passed          # the average month is within the cap
    check = calendar_hours_check([MONDAYS_400], billing, 5, date(2027, 2, 1), date(2027, 4, 1))
    assert (check.code, check.passed, check.warning) == ("home_calendar_months", False, True)
    assert check.message.startswith("2027年3月 计划 33.33 小时，超过月上限 30 小时")
    assert "2027年2月" not in check.message
    assert check.evidence["months"] == [{"month": "2027-03", "hours": "33.33"}]


def test_every_month_of_four_mondays_passes(billing):
    check = calendar_hours_check([MONDAYS_400], billing, 5, date(2027, 2, 1), date(2027, 3, 1))
    assert check.passed and "均未超过" in check.message


def test_only_the_days_between_the_plans_start_and_end_count(billing):
    """From 2 March 2027 only four of March's Mondays are in the plan."""
    check = calendar_hours_check([MONDAYS_400], billing, 5, date(2027, 3, 2), date(2027, 4, 1))
    assert check.passed


def test_several_weekdays_share_the_weekly_frequency(billing):
    """4 a week on Mon and Thu (2 a day) × 120 min: April 2027 has 4 Mondays and 5 Thursdays =
    18 visits = 36 h > 30 h; in whole hours the figure is shown without decimals."""
    visits = [PlannedVisit("上门", 4, "week", 120, ("SH01",), weekdays=(1, 4))]
    check = calendar_hours_check(visits, billing, 5, date(2027, 4, 1), date(2027, 5, 1))
    assert check.message.startswith("2027年4月 计划 36 小时，超过月上限 30 小时")


def test_types_without_weekdays_count_their_average_in_proportion_to_the_days_covered(billing):
    """Monthly 28 × 60 min = 28 h a month: within 30 h in every month, whatever its length."""
    check = calendar_hours_check([visit(28, "month")], billing, 5, date(2027, 1, 1), date(2028, 1, 1))
    assert check.passed


def test_home_plan_checks_add_the_calendar_warning_over_a_period(billing):
    checks = plan_checks([MONDAYS_400], care_type="home", level=5, category="employee", tags=(), billing=billing,
                         item_problems={}, period=(date(2027, 3, 1), date(2027, 4, 1)))
    assert [(c.code, c.passed) for c in checks] == [("items_allowed", True), ("home_hours_cap", True),
                                                    ("home_calendar_months", False)]
