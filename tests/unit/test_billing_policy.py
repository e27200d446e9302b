"""The billing section of the policy store (SPEC §7.1): REF values typed, bad values refused."""
import copy
from decimal import Decimal

import pytest

from ltc.billing.policy import BillingPolicy
from ltc.core.errors import ValidationFailed
from ltc.policy.ref import ref_sections
from ltc.policy.schema import parse_section, section_rows, to_raw, validate_sections

D = Decimal


@pytest.fixture
def raw():
    return ref_sections()["billing"]


def parse(raw) -> BillingPolicy:
    return parse_section("billing", raw)


def refused(raw) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as exc:
        parse(raw)
    return exc.value.fields


def test_ref_version_is_valid_with_the_billing_section():
    assert validate_sections(ref_sections()) == {}


def test_ref_special_quotas_per_grade_group_and_level(raw):
    special = parse(raw).special
    assert special.quota("hospital_2", 4) == special.quota("hospital_3", 4) == D("190")
    assert special.quota("hospital_2", 5) == special.quota("hospital_3", 5) == D("210")
    assert special.quota("hospital_1", 4) == special.quota("nursing_hospital", 4) == D("150")
    assert special.quota("hospital_1", 5) == special.quota("nursing_hospital", 5) == D("170")
    assert special.quota("nursing_home", 5) is None
    assert special.quota("hospital_2", 3) is None
    assert special.tag_supplement_per_day["chronic_class_a"] == D("10")


def test_ref_caps_rates_and_ratios(raw):
    policy = parse(raw)
    assert dict(policy.institution.cap_per_day) == {"3": D("50"), "4": D("55"), "5": D("60")}
    assert (policy.home.hourly_rate_life, policy.home.hourly_rate_medical) == (D("65"), D("80"))
    assert dict(policy.home.hours_cap_per_month) == {"3": 13, "4": 21, "5": 30}
    assert policy.outreach.price_per_visit == D("120")
    assert dict(policy.outreach.fund_cap_per_month) == {"3": D("600"), "4": D("800"), "5": D("1000")}
    assert dict(policy.family.allowance_per_day) == {"3": D("10"), "4": D("15"), "5": D("20")}
    assert policy.family.package_per_month == D("300")
    assert policy.family.min_package_visits_per_month == 4
    assert policy.quality_deposit_ratio == D("0.10")
    assert policy.late_record_months == 3
    expected = {"special": ("0.90", "0.80"), "institution": ("0.75", "0.65"), "home": ("0.90", "0.80"),
                "outreach": ("0.90", "0.80"), "family": ("1.00", "1.00")}
    for care_type, (employee, resident) in expected.items():
        assert policy.base_ratio(care_type, "employee") == D(employee)
        assert policy.base_ratio(care_type, "resident") == D(resident)


@pytest.mark.parametrize("care_type, category, tags, ratio", [
    ("special", "employee", (), "0.90"),
    ("special", "employee", ("chronic_class_a",), "0.90"),
    ("home", "resident", ("medical_assistance",), "0.85"),
    ("institution", "resident", ("severe_disability_cert", "medical_assistance"), "0.70"),
    ("home", "employee", ("severe_disability_cert",), "0.95"),
    ("family", "employee", ("medical_assistance",), "1.00"),
])
def test_population_uplift_adds_five_points_once_capped_at_one(raw, care_type, category, tags, ratio):
    assert parse(raw).ratio(care_type, category, tags) == D(ratio)


def test_round_trip_to_json(raw):
    assert to_raw(parse(raw)) == raw


def test_section_displays_as_rows(raw):
    labels = [row.label for row in section_rows(parse(raw))]
    assert "医疗专护" in labels and "质量保证金比例" in labels


def test_ratio_above_one_refused(raw):
    raw["home"]["fund_ratio"]["employee"] = "1.10"
    assert refused(raw) == {"billing.home.fund_ratio.employee": "must be between 0 and 1"}


def test_ratio_as_float_refused(raw):
    raw["outreach"]["fund_ratio"]["resident"] = 0.8
    assert "billing.outreach.fund_ratio.resident" in refused(raw)


def test_missing_category_ratio_refused(raw):
    del raw["family"]["fund_ratio"]["resident"]
    assert refused(raw) == {"billing.family.fund_ratio.resident": "missing"}


@pytest.mark.parametrize("path, value", [
    (("institution", "cap_per_day", "4"), "0"),
    (("outreach", "fund_cap_per_month", "5"), "-1"),
    (("home", "hourly_rate_life"), "0"),
    (("family", "package_per_month"), "-300"),
])
def test_amounts_must_be_positive(raw, path, value):
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert refused(raw) == {"billing." + ".".join(path): "must be greater than 0"}


def test_hours_cap_must_be_positive_integer(raw):
    raw["home"]["hours_cap_per_month"]["3"] = 0
    assert refused(raw) == {"billing.home.hours_cap_per_month.3": "must be greater than 0"}
    raw["home"]["hours_cap_per_month"]["3"] = "13"
    assert "billing.home.hours_cap_per_month.3" in refused(raw)


def across(raw, **assessment) -> dict[str, str]:
    """The errors of a whole version with this billing section (and assessment changes)."""
    sections = ref_sections()
    sections["billing"] = raw
    sections["assessment"] = {**sections["assessment"], **assessment}
    return validate_sections(sections)


@pytest.mark.parametrize("table, care", [(("institution", "cap_per_day"), "institution"),
                                         (("home", "hours_cap_per_month"), "home"),
                                         (("outreach", "fund_cap_per_month"), "outreach"),
                                         (("family", "allowance_per_day"), "family")])
def test_every_level_a_care_type_allows_has_its_amount_in_the_version(raw, table, care):
    del raw[table[0]][table[1]]["3"]
    assert parse(raw) is not None            # the section alone does not know the threshold
    assert across(raw) == {f"billing.{table[0]}.{table[1]}.3":
                           f"missing: level 3 may receive {care} care (assessment.min_level_by_care_type.{care} = 3)"}
    # a city that pays the care type from level 4 on needs no level 3 amount
    levels = {**ref_sections()["assessment"]["min_level_by_care_type"], care: 4}
    assert across(raw, min_level_by_care_type=levels) == {}


def test_special_quota_needs_every_level_special_care_allows(raw):
    del raw["special"]["quota_groups"][1]["per_day"]["5"]
    assert across(raw) == {"billing.special.quota_groups[1].per_day.5":
                           "missing: level 5 may receive special care (assessment.min_level_by_care_type.special = 4)"}


def test_lowering_the_threshold_needs_amounts_for_the_new_level_in_every_care_type(raw):
    levels = {care: 2 for care in ("institution", "home", "outreach", "family")} | {"special": 4}
    errors = across(raw, benefit_threshold=2, min_level_by_care_type=levels)
    assert set(errors) == {"billing.institution.cap_per_day.2", "billing.home.hours_cap_per_month.2",
                           "billing.outreach.fund_cap_per_month.2", "billing.family.allowance_per_day.2"}
    for care, table in (("institution", "cap_per_day"), ("home", "hours_cap_per_month"),
                        ("outreach", "fund_cap_per_month"), ("family", "allowance_per_day")):
        raw[care][table]["2"] = 10 if care == "home" else "40"
    assert across(raw, benefit_threshold=2, min_level_by_care_type=levels) == {}


def test_the_ref_version_passes_the_cross_section_checks():
    assert validate_sections(ref_sections()) == {}


def test_grade_in_two_quota_groups_refused(raw):
    raw["special"]["quota_groups"][1]["grades"].append("hospital_2")
    assert refused(raw) == {"billing.special.quota_groups[1].grades": "grade already in another group"}


def test_unknown_grade_refused(raw):
    raw["special"]["quota_groups"][0]["grades"].append("hospital_9")
    assert "billing.special.quota_groups[0].grades[2]" in refused(raw)


def test_negative_supplement_refused(raw):
    raw["special"]["tag_supplement_per_day"]["chronic_class_a"] = "-10"
    assert refused(raw) == {"billing.special.tag_supplement_per_day.chronic_class_a": "must not be negative"}


@pytest.mark.parametrize("key, value", [("uplift", "1.05"), ("ratio_cap", "-0.01"),
                                        ("quality_deposit_ratio", "2")])
def test_top_level_ratios_between_0_and_1(raw, key, value):
    raw[key] = value
    assert refused(raw) == {f"billing.{key}": "must be between 0 and 1"}


def test_min_package_visits_in_range(raw):
    raw["family"]["min_package_visits_per_month"] = 0
    assert refused(raw) == {"billing.family.min_package_visits_per_month": "must be between 1 and 31"}


def test_unknown_key_refused(raw):
    bad = copy.deepcopy(raw)
    bad["home"]["nurse_rate"] = "80"
    assert refused(bad) == {"billing.home.nurse_rate": "unknown key"}


def test_version_without_billing_section_is_invalid():
    sections = ref_sections()
    del sections["billing"]
    assert validate_sections(sections) == {"billing": "missing section"}
