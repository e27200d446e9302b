"""The benefit sheet of entitlement review step 3 (SPEC §4.2, §7.1, worked examples of §7.2)."""
from decimal import Decimal

import pytest

from ltc.billing.benefits import benefit_sheet, percent
from ltc.billing.policy import BillingPolicy
from ltc.core.money import to_money
from ltc.policy.ref import ref_sections
from ltc.policy.schema import parse_section

D = Decimal


@pytest.fixture(scope="module")
def billing() -> BillingPolicy:
    return parse_section("billing", ref_sections()["billing"])


def test_worked_example_1_special_hospital_2_level_5_chronic(billing):
    sheet = benefit_sheet(billing, care_type="special", level=5, category="employee",
                          tags=["chronic_class_a"], provider_grade="hospital_2")
    assert sheet.unit_price == D("220") and sheet.unit == "床日"
    assert sheet.ratio == D("0.90") and sheet.uplift == 0
    billable = to_money(sheet.unit_price * 31)
    assert (billable, to_money(billable * sheet.ratio)) == (D("6820.00"), D("6138.00"))
    assert "每床日定额：二级医院 5 级 210.00元 + 甲类慢性病加付 10.00元 = 220.00元" in sheet.lines
    assert "基金支付比例：职工 90%" in sheet.lines
    assert sheet.complete


def test_worked_example_2_home_level_5(billing):
    sheet = benefit_sheet(billing, care_type="home", level=5, category="employee")
    assert (sheet.unit_price, sheet.unit_price_medical) == (D("65"), D("80"))
    assert sheet.hours_cap_per_month == 30 and sheet.ratio == D("0.90")
    billable = to_money(sheet.unit_price * 29)
    assert (billable, to_money(billable * sheet.ratio)) == (D("1885.00"), D("1696.50"))
    assert "每月服务时长上限：30 小时" in sheet.lines


def test_worked_example_3_outreach_level_5_fund_cap(billing):
    sheet = benefit_sheet(billing, care_type="outreach", level=5, category="employee")
    assert (sheet.unit_price, sheet.fund_cap_per_month, sheet.ratio) == (D("120"), D("1000"), D("0.90"))
    billable = sheet.unit_price * 12
    assert min(to_money(billable * sheet.ratio), sheet.fund_cap_per_month) == D("1000")
    assert "每月基金支付上限：1000.00元" in sheet.lines


def test_uplift_explained_and_capped(billing):
    sheet = benefit_sheet(billing, care_type="home", level=4, category="resident",
                          tags=["medical_assistance"])
    assert (sheet.base_ratio, sheet.uplift, sheet.ratio) == (D("0.80"), D("0.05"), D("0.85"))
    assert sheet.lines[-1] == "基金支付比例：城乡居民 80% + 5%（医疗救助/低保/特困） = 85%"
    family = benefit_sheet(billing, care_type="family", level=3, category="employee",
                           tags=["severe_disability_cert"])
    assert family.ratio == D("1.00") and family.uplift == 0
    assert family.lines[-1] == "基金支付比例：职工 100% + 5%（重度残疾），以 100% 为上限 = 100%"


def test_institution_pays_the_lower_of_price_and_cap(billing):
    below = benefit_sheet(billing, care_type="institution", level=4, category="employee",
                          provider_daily_price=D("48.50"))
    above = benefit_sheet(billing, care_type="institution", level=4, category="resident",
                          provider_daily_price=D("80"))
    assert (below.unit_price, below.daily_cap, below.ratio) == (D("48.50"), D("55"), D("0.75"))
    assert (above.unit_price, above.ratio) == (D("55"), D("0.65"))
    assert "每日计费 = min(机构每日护理价格 80.00元，限额 55.00元) = 55.00元" in above.lines


def test_institution_without_price_is_incomplete(billing):
    sheet = benefit_sheet(billing, care_type="institution", level=3, category="employee")
    assert sheet.daily_cap == D("50") and sheet.unit_price is None
    assert sheet.problems == ("机构未登记每日护理价格",)


def test_family_allowance_and_package(billing):
    sheet = benefit_sheet(billing, care_type="family", level=5, category="resident")
    assert (sheet.unit_price, sheet.package_per_month, sheet.min_package_visits_per_month) == (D("20"), D("300"), 4)
    assert sheet.ratio == D("1.00")


@pytest.mark.parametrize("grade, level", [("nursing_home", 5), ("hospital_2", 3), (None, 5)])
def test_special_without_quota_is_a_problem_not_an_error(billing, grade, level):
    sheet = benefit_sheet(billing, care_type="special", level=level, category="employee", provider_grade=grade)
    assert sheet.unit_price is None and not sheet.complete
    assert "医疗专护定额" in sheet.problems[0]


def test_level_outside_tables_is_a_problem(billing):
    sheet = benefit_sheet(billing, care_type="outreach", level=2, category="employee")
    assert sheet.fund_cap_per_month is None
    assert sheet.problems == ("政策未规定失能等级 2 级的巡护每月基金支付上限",)


def test_unknown_care_type_or_category_is_a_programming_error(billing):
    with pytest.raises(ValueError):
        benefit_sheet(billing, care_type="spa", level=5, category="employee")
    with pytest.raises(ValueError):
        benefit_sheet(billing, care_type="home", level=5, category="retired")


@pytest.mark.parametrize("ratio, text", [("0.90", "90%"), ("1.00", "100%"), ("0.875", "87.5%"), ("0", "0%")])
def test_percent(ratio, text):
    assert percent(D(ratio)) == text
