"""Pricing (SPEC §5.1, §7.1, §7.2) through plain scenarios: the worked examples, each pricing mode,
rate rows, segments and prorated caps, V07, fund caps, family care."""
from datetime import date
from decimal import Decimal as D

import pytest

from tests.pricing_builders import billing, body, daily, entitlement, timeline, trial, visit


def money(row) -> tuple[str, str, str]:
    return str(row.billable), str(row.fund), str(row.copay)


def only_row(result):
    assert len(result.pricing.rows) == 1, result.pricing.rows
    return result.pricing.rows[0]


def test_spec_example_1_special_care_quota_with_chronic_supplement():
    raw = body("2026-01", "special", tags=["chronic_class_a"], stays=[{"admission": "2025-12-20"}],
               hospital_stays=[{"category": "ltc_special", "admission": "2025-12-20"}])
    row = only_row(trial(raw))
    assert (row.rate, row.unit, row.payable_units, row.ratio) == (D("220.00"), "day", 31, D("0.90"))
    assert money(row) == ("6820.00", "6138.00", "682.00")


def test_spec_example_2_home_hours_short_visit_rejected_by_v03():
    visits = [visit(daily(d)) for d in range(1, 31)]
    visits[9] = visit(daily(10), 35, planned=60)
    row = only_row(trial(body("2026-06", "home", visits=visits)))
    assert (row.rate, row.unit, row.payable_units, row.rejected) == (D("65.00"), "minute", 29 * 60, {"V03": 60})
    assert money(row) == ("1885.00", "1696.50", "188.50")


def test_spec_example_3_outreach_fund_capped():
    visits = [visit(daily(d), items=("SH28",)) for d in range(1, 13)]
    row = only_row(trial(body("2026-06", "outreach", visits=visits)))
    assert (row.rate, row.unit, row.payable_units) == (D("120.00"), "visit", 12)
    assert money(row) == ("1440.00", "1000.00", "440.00")
    assert row.fund_reduced == D("296.00")


def test_one_47_minute_visit_at_65_an_hour_is_50_92_rounded_once_half_up():
    row = only_row(trial(body("2026-06", "home", visits=[visit(daily(3), 47)])))
    assert (row.payable_units, row.billable) == (47, D("50.92"))


def test_trial_example_institution_with_leave_and_hospital_stay():
    raw = body("2026-04", "institution", level=4, category="resident", tags=["medical_assistance"],
               entitlements=[entitlement("institution", 4, "2026-04-01", conclusion_date="2026-04-08",
                                         conclusion_valid_to="2028-04-08")],
               provider={"facility_grade": "nursing_home", "daily_price": "58.00"},
               stays=[{"admission": "2026-04-11", "discharge": None}],
               leaves=[{"out": "2026-04-20", "back": "2026-04-22"}],
               hospital_stays=[{"category": "inpatient", "admission": "2026-04-25", "discharge": "2026-04-27"}])
    result = trial(raw)
    row = only_row(result)
    assert (row.start, row.end, row.rate, row.payable_units, row.held, row.rejected) == (
        date(2026, 4, 1), date(2026, 5, 1), D("55.00"), 18, {}, {"E08": 2})
    assert (money(row), row.ratio) == (("990.00", "693.00", "297.00"), D("0.70"))
    assert [(f.rule.value, f.service_date.day) for f in result.findings] == [("E08", 25), ("E08", 26)]
    assert result.pricing.allowances == ()


@pytest.mark.parametrize("price, rate", [("48.00", "48.00"), ("58.00", "55.00")])
def test_institution_pays_the_daily_price_up_to_the_cap(price, rate):
    raw = body("2026-06", "institution", level=4, provider={"facility_grade": "nursing_home", "daily_price": price},
               stays=[{"admission": "2026-06-01", "discharge": "2026-06-11"}])
    row = only_row(trial(raw))
    assert (row.rate, row.payable_units, row.billable) == (D(rate), 10, D(rate) * 10)


def test_home_visits_with_a_medical_item_form_a_row_at_the_nurse_rate():
    raw = body("2026-06", "home", visits=[visit(daily(2)), visit(daily(3), items=("SH01", "SH28")), visit(daily(4))])
    rows = trial(raw).pricing.rows
    assert [(r.rate, r.payable_units, r.billable, r.start, r.end) for r in rows] == [
        (D("65.00"), 120, D("130.00"), date(2026, 6, 1), date(2026, 7, 1)),
        (D("80.00"), 60, D("80.00"), date(2026, 6, 1), date(2026, 7, 1))]


@pytest.mark.parametrize("category, tags, ratio", [
    ("resident", [], "0.80"), ("resident", ["medical_assistance"], "0.85"),
    ("employee", ["severe_disability_cert", "medical_assistance"], "0.95"),
    ("employee", ["chronic_class_a"], "0.90")])
def test_population_uplift_added_once(category, tags, ratio):
    row = only_row(trial(body("2026-06", "home", category=category, tags=tags, visits=[visit(daily(2))])))
    assert row.ratio == D(ratio)


def test_uplift_capped_at_the_ratio_cap():
    raw = body("2026-06", "home", tags=["medical_assistance"], visits=[visit(daily(2))])
    row = only_row(trial(raw, timeline((date(2026, 1, 1), billing(ratio_cap="0.92")))))
    assert (row.ratio, row.fund) == (D("0.92"), D("59.80"))
    family = trial(body("2026-06", "family", tags=["medical_assistance"],
                        visits=[visit(daily(d)) for d in (2, 9, 16, 23)]))
    assert family.pricing.rows[0].ratio == D("1.00")


def test_dated_category_change_splits_rate_rows_not_segments():
    raw = body("2026-06", "institution", level=4, provider={"facility_grade": "nursing_home", "daily_price": "50.00"},
               person={"category": [{"value": "resident", "from": "2026-01-01", "to": "2026-06-16"},
                                    {"value": "employee", "from": "2026-06-16"}]},
               stays=[{"admission": "2026-06-01"}])
    raw["person"].pop("tags")
    rows = trial(raw).pricing.rows
    assert [(r.start.day, r.end, r.payable_units, r.ratio, r.fund) for r in rows] == [
        (1, date(2026, 6, 16), 15, D("0.65"), D("487.50")), (16, date(2026, 7, 1), 15, D("0.75"), D("562.50"))]
    assert {(r.segment_start, r.segment_end) for r in rows} == {(date(2026, 6, 1), date(2026, 7, 1))}


def test_dated_chronic_tag_changes_the_special_care_rate_mid_month():
    raw = body("2026-06", "special", tags=[{"value": "chronic_class_a", "from": "2026-06-21"}],
               stays=[{"admission": "2026-05-01"}],
               hospital_stays=[{"category": "ltc_special", "admission": "2026-05-01"}])
    rows = trial(raw).pricing.rows
    assert [(r.rate, r.payable_units, r.billable) for r in rows] == [(D("210.00"), 20, D("4200.00")),
                                                                    (D("220.00"), 10, D("2200.00"))]


def level_change(visits, versions=None):
    raw = body("2026-06", "home", entitlements=[entitlement("home", 4, "2026-01-01", to="2026-06-16"),
                                                entitlement("home", 5, "2026-06-16")], visits=visits)
    return trial(raw, versions)


def test_mid_month_level_change_gives_two_segments_with_prorated_caps():
    # L4 21 h × 15/30 = 630 min before the 16th; L5 30 h × 15/30 = 900 min after
    visits = [visit(daily(d), 120) for d in range(1, 7)] + [visit(daily(d), 120) for d in range(16, 25)]
    result = level_change(visits)
    first, second = result.pricing.rows
    assert (first.level, first.segment_end, first.payable_units, first.rejected) == (
        4, date(2026, 6, 16), 630, {"V07": 90})
    assert (second.level, second.segment_start, second.payable_units, second.rejected) == (
        5, date(2026, 6, 16), 900, {"V07": 180})
    partial = [f for f in result.findings if f.rule.value == "V07"]
    assert [(f.service_date.day, f.minutes_over) for f in partial] == [(6, 90), (23, 60), (24, 120)]


def test_policy_version_changing_a_rate_splits_the_line_and_prorates_the_cap():
    versions = timeline((date(2026, 6, 16), billing(home={"hourly_rate_life": "70"})))
    visits = [visit(daily(d), 120) for d in range(1, 7)] + [visit(daily(17), 60)]
    raw = body("2026-06", "home", level=4, visits=visits)
    rows = trial(raw, versions).pricing.rows
    assert [(r.segment_start.day, r.rate, r.payable_units, r.rejected, r.billable) for r in rows] == [
        (1, D("65.00"), 630, {"V07": 90}, D("682.50")), (16, D("70.00"), 60, {}, D("70.00"))]


def test_policy_version_changing_nothing_of_the_line_does_not_split_it():
    versions = timeline((date(2026, 6, 16), billing(quality_deposit_ratio="0.20", institution={"cap_per_day":
                                                                                                {"3": "40", "4": "55",
                                                                                                 "5": "60"}})))
    visits = [visit(daily(d), 120) for d in range(1, 12)]
    row = only_row(trial(body("2026-06", "home", level=4, visits=visits), versions))
    assert (row.segment_start, row.segment_end, row.payable_units, row.rejected) == (
        date(2026, 6, 1), date(2026, 7, 1), 1260, {"V07": 60})


def test_v07_pays_the_visit_at_the_cap_for_the_minutes_left():
    visits = [visit(daily(d)) for d in range(1, 13)] + [visit(daily(13), 90), visit(daily(14))]
    result = trial(body("2026-06", "home", level=3, visits=visits))
    row = only_row(result)
    assert (row.payable_units, row.rejected, row.billable) == (780, {"V07": 90}, D("845.00"))
    crossing = next(s for s in row.sources if s.id == 13)
    assert (crossing.units, crossing.payable, crossing.rejected) == (90, 60, {"V07": 30})


def test_outreach_fund_cap_reduced_from_the_latest_row_backwards():
    visits = [visit(daily(d), items=("SH28",)) for d in (2, 3, 4, 5, 20, 21, 22, 23)]
    raw = body("2026-06", "outreach", level=3, category="resident", visits=visits,
               tags=[{"value": "medical_assistance", "from": "2026-06-16"}])
    early, late = trial(raw).pricing.rows
    assert (early.fund, early.fund_reduced, early.copay) == (D("384.00"), D("0.00"), D("96.00"))
    assert (late.ratio, late.fund, late.fund_reduced, late.copay) == (D("0.85"), D("216.00"), D("192.00"), D("264.00"))


def test_outreach_fund_cap_prorated_per_segment():
    raw = body("2026-06", "outreach", entitlements=[entitlement("outreach", 3, "2026-01-01", to="2026-06-11"),
                                                    entitlement("outreach", 5, "2026-06-11")],
               visits=[visit(daily(d), items=("SH28",)) for d in (2, 3, 4, 12, 13, 14, 15, 16, 17, 18, 19, 20)])
    first, second = trial(raw).pricing.rows
    assert (first.fund, first.fund_reduced) == (D("200.00"), D("124.00"))      # 600 × 10/30
    assert (second.fund, second.fund_reduced) == (D("666.67"), D("305.33"))    # 1000 × 20/30 of 9 × 108


def test_family_allowance_excludes_death_inpatient_and_uninsured_days():
    raw = body("2026-06", "family", level=4, person={"death_date": "2026-06-25", "enrolment": [
        {"value": "active", "from": "2000-01-01", "to": "2026-06-20"},
        {"value": "suspended", "from": "2026-06-20", "to": "2026-06-22"},
        {"value": "active", "from": "2026-06-22"}]},
        hospital_stays=[{"category": "inpatient", "admission": "2026-06-10", "discharge": "2026-06-13"}],
        visits=[visit(daily(d)) for d in (2, 9, 16, 23)])
    (allowance,) = trial(raw).pricing.allowances
    assert (allowance.days, allowance.excluded, allowance.amount) == (20, {"E07": 5, "E08": 3, "E03": 2},
                                                                      D("300.00"))


@pytest.mark.parametrize("visit_days, payable, rejected, billable", [
    ((2, 9, 16, 23), 1, {}, "300.00"), ((2, 9, 16), 0, {"F01": 1}, "0.00")])
def test_family_package_needs_four_valid_visits(visit_days, payable, rejected, billable):
    result = trial(body("2026-06", "family", visits=[visit(daily(d)) for d in visit_days]))
    (row,) = result.pricing.rows
    assert (row.unit, row.rate, row.payable_units, row.rejected, str(row.billable)) == (
        "package", D("300.00"), payable, rejected, billable)


def test_family_package_prorated_by_entitled_days_hospital_days_included():
    raw = body("2026-06", "family", entitlements=[entitlement("family", 5, "2026-06-16")],
               hospital_stays=[{"category": "inpatient", "admission": "2026-06-20", "discharge": "2026-06-22"}],
               visits=[visit(daily(17)), visit(daily(24))])
    result = trial(raw)
    (row,) = result.pricing.rows
    assert (row.rate, row.payable_units, row.billable) == (D("150.00"), 1, D("150.00"))
    assert result.pricing.allowances[0].days == 13


def test_a_rejected_unit_counts_once_under_the_first_rule_in_order():
    raw = body("2026-06", "institution", level=4, provider={"facility_grade": "nursing_home", "daily_price": "50.00"},
               person={"death_date": "2026-06-20"}, stays=[{"admission": "2026-06-01", "discharge": "2026-06-28"}],
               hospital_stays=[{"category": "inpatient", "admission": "2026-06-18", "discharge": "2026-06-25"}])
    row = only_row(trial(raw))
    assert (row.payable_units, row.rejected) == (17, {"E07": 7, "E08": 3})
    assert row.units == 27


def test_flagged_visit_payable_and_held():
    raw = body("2026-06", "home", person={"coordinates": {"lat": 31.23, "lon": 121.47}},
               visits=[visit(daily(2), gps={"lat": 31.24, "lon": 121.47}),
                       visit(daily(3), gps={"lat": 31.23, "lon": 121.47})])
    row = only_row(trial(raw))
    assert (row.payable_units, row.held, row.rejected) == (120, {"V01": 60}, {})
    assert [(s.id, s.held) for s in row.sources] == [(1, 60), (2, 0)]


def test_units_outside_every_entitlement_are_rejected_in_a_row_of_their_own():
    raw = body("2026-06", "home", entitlements=[entitlement("home", 5, "2026-06-10")],
               visits=[visit(daily(5)), visit(daily(12))])
    outside, inside = sorted(trial(raw).pricing.rows, key=lambda r: r.level or 0)
    assert (outside.level, outside.rate, outside.payable_units, outside.rejected) == (None, D("0.00"), 0, {"E01": 60})
    assert (inside.level, inside.payable_units) == (5, 60)
