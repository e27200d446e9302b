"""Pricing's parts (SPEC §7.2) called directly: proration, the terms that cut a segment, the fund cap
from the latest row back, provider selection, refusals by the insurer, follow-up holds, errors."""
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from ltc.billing.pricing import (DatedValue, PersonTerms, PricingError, PricingInput, ProviderTerms, RateRow, Segment,
                                 Unit, price_month, pricing_terms)
from ltc.billing.pricing.rows import DayTerms, cap_fund, periods, ratio_on, unit_amount
from ltc.billing.trial.scenario import PERSON, build_facts, person_terms, provider_terms
from ltc.billing.trial.schemas import TrialIn
from ltc.billing.pricing.segments import prorate
from ltc.compliance.facts import RecordRef
from ltc.compliance.rules import evaluate
from tests.pricing_builders import CATALOGUE, COMPLIANCE, REF, billing, body, daily, timeline, visit

AFTER_JUNE = datetime(2026, 7, 2, tzinfo=timezone.utc)   # June is over: F01 judged


@pytest.mark.parametrize("amount, days, month_days, quantum, expected", [
    (21 * 60, 15, 30, "1", "630"), (13 * 60, 10, 31, "1", "252"), (30 * 60, 21, 31, "1", "1219"),
    (D("1000"), 10, 31, "0.01", "322.58"), (D("600"), 15, 31, "0.01", "290.32"), (D("800"), 1, 8, "0.01", "100.00")])
def test_caps_prorated_half_up(amount, days, month_days, quantum, expected):
    assert prorate(amount, days, month_days, D(quantum)) == D(expected)


@pytest.mark.parametrize("changes, splits", [
    ({"home": {"hourly_rate_life": "70"}}, True),
    ({"home": {"hours_cap_per_month": {"3": 13, "4": 21, "5": 31}}}, True),
    ({"home": {"fund_ratio": {"employee": "0.85", "resident": "0.80"}}}, True),
    ({"uplift": "0.10"}, True),
    ({"home": {"hours_cap_per_month": {"3": 14, "4": 21, "5": 30}}}, False),   # another level's cap
    ({"outreach": {"price_per_visit": "130"}}, False),                          # another care type
    ({"quality_deposit_ratio": "0.05"}, False),                                 # not a pricing parameter
])
def test_which_policy_changes_cut_a_level_5_home_line(changes, splits):
    assert (pricing_terms(billing(**changes), "home", 5) != pricing_terms(REF, "home", 5)) is splits


def row(start: int, fund: str) -> RateRow:
    money = D(fund)
    return RateRow(1, 1, "outreach", 3, date(2026, 6, 1), date(2026, 7, 1), date(2026, 6, start), date(2026, 7, 1),
                   D("120.00"), Unit.VISIT, 1, {}, {}, money, D("1.00"), money, D("0.00"))


def test_fund_cap_taken_from_the_latest_row_backwards_across_rows():
    capped = cap_fund([row(1, "300.00"), row(20, "100.00"), row(10, "250.00")], D("500.00"))
    assert [(r.start.day, r.fund, r.fund_reduced, r.copay) for r in capped] == [
        (1, D("300.00"), D("0.00"), D("0.00")), (20, D("0.00"), D("100.00"), D("100.00")),
        (10, D("200.00"), D("50.00"), D("50.00"))]
    assert cap_fund([row(1, "300.00")], D("500.00")) == [row(1, "300.00")]


def inputs(raw: dict, **kw) -> PricingInput:
    scenario = TrialIn.model_validate(raw)
    facts = kw.pop("facts", None) or build_facts(scenario, CATALOGUE, timeline())
    findings = tuple(evaluate(facts, COMPLIANCE, now=AFTER_JUNE))
    return PricingInput(facts=facts, findings=findings, persons={PERSON: person_terms(scenario)},
                        providers={1: provider_terms(scenario)}, timeline=timeline(), compliance=COMPLIANCE, **kw)


def home_month(n: int = 14) -> dict:
    return body("2026-06", "home", level=3, person={"coordinates": {"lat": 31.23, "lon": 121.47}},
                visits=[visit(daily(1), gps={"lat": 31.25, "lon": 121.47}),   # 2 km away: V01
                        *(visit(daily(d)) for d in range(2, n + 1))])


def test_a_flagged_visit_is_held_and_counts_against_the_cap():
    (priced,) = price_month(inputs(home_month())).rows
    assert (priced.payable_units, priced.held, priced.rejected) == (780, {"V01": 60}, {"V07": 60})


def test_an_insurer_refusal_rejects_the_visit_and_frees_its_cap_share_at_repricing():
    first = inputs(home_month())
    facts = replace(first.facts, visits=tuple(replace(v, refused=True) if v.id == 1 else v for v in first.facts.visits))
    again = inputs(home_month(), facts=facts, refused={(RecordRef("visit", 1), date(2026, 6, 1)): "V01"})
    (priced,) = price_month(again).rows
    assert (priced.payable_units, priced.held, priced.rejected) == (780, {}, {"V01": 60})
    assert [s.payable for s in priced.sources if s.id == 14] == [60]


def test_a_person_held_by_a_follow_up_is_payable_and_held():
    raw = body("2026-06", "home", visits=[visit(daily(2))])
    (priced,) = price_month(inputs(raw, held_persons=frozenset({PERSON}))).rows
    assert (priced.payable_units, priced.held, priced.billable) == (60, {"follow_up": 60}, D("65.00"))


def test_a_provider_month_prices_only_that_providers_units():
    raw = body("2026-06", "home", visits=[visit(daily(2))])
    assert price_month(inputs(raw, provider_id=2)).rows == ()
    assert len(price_month(inputs(raw, provider_id=1)).rows) == 1


def test_a_payable_unit_without_a_category_cannot_be_priced():
    priced = inputs(body("2026-06", "home", visits=[visit(daily(2))]))
    with pytest.raises(PricingError) as refused:
        price_month(replace(priced, persons={PERSON: PersonTerms(PERSON)}))
    assert refused.value.field == "person.category"


def test_an_institution_without_a_daily_price_cannot_be_priced():
    raw = body("2026-06", "institution", level=4, provider={"facility_grade": "nursing_home"},
               stays=[{"admission": "2026-06-02"}])
    with pytest.raises(PricingError) as refused:
        price_month(inputs(raw))
    assert refused.value.field == "provider.daily_price"


def test_rows_name_each_record_and_its_units():
    raw = body("2026-06", "institution", level=4, provider={"facility_grade": "nursing_home", "daily_price": "50.00"},
               stays=[{"admission": "2026-06-28", "discharge": "2026-07-03"}],
               hospital_stays=[{"category": "inpatient", "admission": "2026-06-30", "discharge": "2026-07-02"}])
    (priced,) = price_month(inputs(raw)).rows
    assert [(s.kind, s.id, s.service_date.day, s.units, s.payable, s.rejected) for s in priced.sources] == [
        ("stay", 1, 28, 1, 1, {}), ("stay", 1, 29, 1, 1, {}), ("stay", 1, 30, 1, 0, {"E08": 1})]


def test_without_the_compliance_policy_the_package_is_priced_and_no_allowance():
    raw = body("2026-06", "family", visits=[visit(daily(d)) for d in (2, 9, 16, 23)])
    priced = price_month(replace(inputs(raw), compliance=None))
    assert [(r.unit, r.billable) for r in priced.rows] == [("package", D("300.00"))]
    assert priced.allowances == ()


def _cut_day_by_day(segment, terms_on) -> list[tuple[date, date]]:
    """The segment's periods as the terms of every single day cut them."""
    found: list[list] = []
    for day in (segment.start + timedelta(days=n) for n in range((segment.end - segment.start).days)):
        key = (ratio_on(terms_on(day), segment.care_type, day), unit_amount(terms_on(day), segment, day))
        if found and found[-1][2] == key:
            found[-1][1] = day + timedelta(days=1)
        else:
            found.append([day, day + timedelta(days=1), key])
    return [(start, end) for start, end, _ in found]


@pytest.mark.parametrize("care_type", ["special", "institution", "home", "outreach"])
def test_periods_read_on_the_change_days_cut_as_every_day_would(care_type):
    """A category, a tag, a grade, a daily price and a billing version changing within a segment (one
    tag change that changes nothing, one period ending after the segment)."""
    june = date(2026, 6, 1)
    person = PersonTerms(1, (DatedValue(june, date(2026, 6, 10), "employee"), DatedValue(date(2026, 6, 10), None,
                                                                                           "resident")),
                         (DatedValue(date(2026, 6, 5), date(2026, 6, 8), "medical_assistance"),
                          DatedValue(date(2026, 6, 20), date(2026, 8, 1), "chronic_class_a")))
    provider = ProviderTerms(2, (DatedValue(june, date(2026, 6, 15), "hospital_1"), DatedValue(date(2026, 6, 15), None,
                                                                                          "hospital_2")),
                             (DatedValue(june, date(2026, 6, 25), D("50.00")), DatedValue(date(2026, 6, 25), None,
                                                                                          D("70.00"))))
    versions = timeline((june, REF), (date(2026, 6, 18), billing(uplift="0.10")))
    terms_on = DayTerms(versions, person, provider)
    segment = Segment(1, care_type, 2, 4, date(2026, 6, 3), date(2026, 6, 28))
    assert periods(segment, terms_on) == _cut_day_by_day(segment, terms_on)
    assert len(periods(segment, terms_on)) > 1
