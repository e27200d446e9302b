"""The formulas of SPEC §8 (pure, table-driven): rounding and stars, the carer star, cost-performance,
integrity, the provider composite with shrinkage and the staffing substitute, the fraud cap."""
import copy
from datetime import date
from decimal import Decimal as D

import pytest

from ltc.core.errors import ValidationFailed
from ltc.policy.ref import ref_sections
from ltc.policy.schema import parse_section, validate_sections
from ltc.ratings.scoring.carer import CarerInputs, FollowUp, carer_score, satisfaction_score, training_score
from ltc.ratings.scoring.evaluations import (FRAUD, CostInputs, FundCell, Violation, ViolationClass, cost_performance,
                                             integrity, violation_class)
from ltc.ratings.scoring.policy import RatingsPolicy
from ltc.ratings.scoring.provider import (Observed, ProviderInputs, SchemeMeans, carer_average, fraud_cap_applies,
                                          provider_score, satisfaction, staffing)
from ltc.ratings.scoring.scores import round_score, shrink, star_of

REF = parse_section("ratings", ref_sections()["ratings"])
MARCH = date(2026, 3, 1)


def test_ref_is_valid_with_the_ratings_section():
    assert validate_sections(ref_sections()) == {}


def test_ref_values_of_spec_8():
    p = REF
    assert [p.threshold(s) for s in (2, 3, 4, 5)] == [D(60), D(70), D(80), D(90)]
    w = p.carer_weights
    assert (w.visit_compliance, w.follow_up, w.review_pass, w.punctuality, w.training) == (
        D("0.35"), D("0.25"), D("0.20"), D("0.10"), D("0.10"))
    assert (p.provider_weights.carers, p.provider_weights.satisfaction, p.provider_weights.cost,
            p.provider_weights.integrity) == (D("0.30"), D("0.25"), D("0.25"), D("0.20"))
    assert (p.deductions.minor, p.deductions.serious, p.deductions.fraud) == (2, 10, 30)
    assert (p.shrinkage_k, p.beds_per_qualified_carer, p.fraud_cap_months) == (10, D(4), 12)
    assert (p.suspension_points, p.points_window_months, p.suspension_months) == (12, 12, 3)
    assert (p.punctuality_minutes, p.training_hours, p.complaints_per_100_limit) == (15, D(40), D(5))


@pytest.mark.parametrize("path,value", [
    (("carer_weights", "training"), "0.20"),          # the weights no longer add up to 1
    (("star_thresholds", "4"), "95"),                # ★4 above ★5
    (("shrinkage_k",), -1), (("suspension_points",), 0), (("deductions", "fraud"), 101),
])
def test_bad_values_are_refused_naming_the_field(path, value):
    raw = copy.deepcopy(ref_sections()["ratings"])
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValidationFailed) as exc:
        parse_section("ratings", raw)
    assert all(field.startswith("ratings." + path[0]) for field in exc.value.fields)


@pytest.mark.parametrize("value,rounded", [
    (D("89.995"), D("90.00")), (D("89.994999"), D("89.99")), (D("0.005"), D("0.01")), (D("0.004"), D("0.00")),
    (D("79.985"), D("79.99")), (D("100"), D("100.00")), (D("2") / 3, D("0.67")),
])
def test_scores_round_half_up_to_the_cent(value, rounded):
    assert round_score(value) == rounded


def test_a_float_is_refused():
    with pytest.raises(TypeError):
        round_score(89.995)


@pytest.mark.parametrize("score,star", [
    (D("100"), 5), (D("90.00"), 5), (D("89.99"), 4), (D("89.995"), 5), (D("89.994"), 4),
    (D("80.00"), 4), (D("79.99"), 3), (D("70.00"), 3), (D("69.99"), 2), (D("60.00"), 2), (D("59.99"), 1),
    (D("59.995"), 2), (D("0"), 1),
])
def test_star_boundaries(score, star):
    assert star_of(score, REF) == star


@pytest.mark.parametrize("n,mean,scheme,k,adjusted", [
    (0, None, D("70"), 10, D("70.00")),                       # no observation: the scheme mean
    (1, D("100"), D("70"), 10, D("72.73")),                   # (100 + 700) / 11
    (200, D("90"), D("70"), 10, D("89.05")),                  # (18000 + 700) / 210
    (10, D("50"), D("70"), 10, D("60.00")),
    (5, D("80"), None, 10, D("80.00")),                       # no scheme mean: the raw mean
    (0, None, None, 10, None),                                # nothing at all
    (3, D("80"), D("70"), 0, D("80.00")),                     # k = 0: no shrinkage
])
def test_shrinkage_toward_the_scheme_mean(n, mean, scheme, k, adjusted):
    assert shrink(n, mean, scheme, k) == adjusted


@pytest.mark.parametrize("mean,score", [(D(1), D(0)), (D(5), D(100)), (D(3), D(50)), (D("4.2"), D(80)),
                                        (D("4.33333"), D("83.33"))])
def test_satisfaction_is_25_times_mean_overall_minus_1(mean, score):
    assert satisfaction_score(mean) == score


def test_satisfaction_outside_1_to_5_is_refused():
    with pytest.raises(ValueError):
        satisfaction_score(D("5.5"))


@pytest.mark.parametrize("hours,qualified,score", [
    (D(0), True, D(0)), (D(20), True, D(50)), (D(40), True, D(100)), (D(55), True, D(100)), (D(55), False, D(0)),
    (D("13.3"), True, D("33.25")),
])
def test_training_component(hours, qualified, score):
    assert training_score(hours, qualified, REF) == score


def test_carer_star_from_all_five_components():
    inputs = CarerInputs(visits=40, visits_with_findings=2, follow_ups=(FollowUp(5, D("0.5")), FollowUp(4, D(1))),
                         sampled_records=10, sampled_refused=1, scheduled_check_ins=40, punctual_check_ins=36,
                         training_hours=D(30), qualified=True)
    result = carer_score(inputs, REF)
    c = result.components
    assert c["visit_compliance"].adjusted == D("95.00") and c["visit_compliance"].n == 40
    # weighted mean overall (0.5·5 + 1·4) / 1.5 = 4.3333 → 25 × 3.3333 = 83.33
    assert c["follow_up"].adjusted == D("83.33") and c["follow_up"].n == 2
    assert (c["review_pass"].adjusted, c["punctuality"].adjusted, c["training"].adjusted) == (D(90), D(90), D(75))
    # 0.35·95 + 0.25·83.33 + 0.20·90 + 0.10·90 + 0.10·75 = 33.25 + 20.8325 + 18 + 9 + 7.5 = 88.5825 → 88.58
    assert (result.score, result.star) == (D("88.58"), 4)


def test_carer_without_visits_gets_no_star():
    result = carer_score(CarerInputs(visits=0, training_hours=D(40)), REF)
    assert (result.score, result.star) == (None, None)
    assert result.components["visit_compliance"].n == 0 and result.components["visit_compliance"].adjusted is None


def test_components_without_data_spread_their_weight():
    # no follow-up, no sample, no scheduled start: compliance 100 (0.35) and training 50 (0.10)
    result = carer_score(CarerInputs(visits=3, training_hours=D(20)), REF)
    assert result.components["follow_up"].adjusted is None
    assert result.score == round_score((D("0.35") * 100 + D("0.10") * 50) / D("0.45"))  # 88.89
    assert result.star == 4


def test_unqualified_carer_scores_no_training():
    result = carer_score(CarerInputs(visits=10, training_hours=D(40), qualified=False), REF)
    assert result.components["training"].adjusted == D(0)


def test_inconsistent_carer_inputs_are_refused():
    with pytest.raises(ValueError):
        CarerInputs(visits=2, visits_with_findings=3)


def cell(months, fund, scheme):
    return FundCell(months, D(fund), D(scheme))


@pytest.mark.parametrize("cells,claimed,refused,upheld,terms,score", [
    # at the scheme average, nothing refused, no complaint: 100
    ((cell(100, "50000", "500"),), "50000", "0", 0, (D(100), D(100), D(100)), D(100)),
    # 1.5 × the average → 50; 10 % refused → 90; 2 upheld per 100 beneficiary-months → 60
    ((cell(100, "75000", "500"),), "75000", "7500", 2, (D(50), D(90), D(60)), D("64.00")),
    # cheaper than average is clamped at 100; at 2 × the average and beyond 0; 5 per 100 → 0
    ((cell(50, "10000", "500"), cell(50, "10000", "500")), "20000", "0", 5, (D(100), D(100), D(0)), D(80)),
    ((cell(10, "12000", "500"),), "12000", "0", 0, (D(0), D(100), D(100)), D(50)),
    # two cells: the fund is compared with what the months cost at each cell's average
    ((cell(10, "6000", "500"), cell(10, "9000", "1000")), "15000", "0", 0, (D(100), D(100), D(100)), D(100)),
])
def test_cost_performance(cells, claimed, refused, upheld, terms, score):
    result = cost_performance(CostInputs(cells, D(claimed), D(refused), upheld), REF)
    assert (result.fund_term, result.refusal_term, result.complaint_term) == terms
    assert result.score == score


def test_cost_performance_without_beneficiary_months_is_not_rated():
    assert cost_performance(CostInputs(()), REF) is None


@pytest.mark.parametrize("rule,points,kind", [
    ("V03", 1, ViolationClass.MINOR), ("V09", 1, ViolationClass.MINOR), ("V04", 3, ViolationClass.SERIOUS),
    ("S01", 6, ViolationClass.SERIOUS), ("E07", 0, ViolationClass.SERIOUS), ("E08", 0, ViolationClass.SERIOUS),
    ("P01", 0, ViolationClass.SERIOUS), (FRAUD, 12, ViolationClass.FRAUD), ("E01", 0, None), ("V01", 0, None),
])
def test_violation_classes(rule, points, kind):
    assert violation_class(rule, points) == kind


def v(rule, subject, person, month, kind):
    return Violation(rule, subject, person, month, kind)


@pytest.mark.parametrize("violations,deducted,score", [
    ((), 0, D(100)),
    ((v("V03", "carer:1", 1, MARCH, ViolationClass.MINOR),), 2, D(98)),
    # the same (rule, carer, beneficiary, month) is one violation, however many findings
    ((v("V03", "carer:1", 1, MARCH, ViolationClass.MINOR), v("V03", "carer:1", 1, MARCH, ViolationClass.MINOR)),
     2, D(98)),
    # another beneficiary, carer or month is another violation
    ((v("V03", "carer:1", 1, MARCH, ViolationClass.MINOR), v("V03", "carer:1", 2, MARCH, ViolationClass.MINOR),
      v("V03", "carer:2", 1, MARCH, ViolationClass.MINOR), v("V03", "carer:1", 1, date(2026, 4, 1),
                                                              ViolationClass.MINOR)), 8, D(92)),
    ((v("V04", "carer:1", 1, MARCH, ViolationClass.SERIOUS), v("E07", "provider:9", 1, MARCH,
                                                               ViolationClass.SERIOUS)), 20, D(80)),
    ((v(FRAUD, "carer:1", 1, MARCH, ViolationClass.FRAUD),), 30, D(70)),
    (tuple(v(FRAUD, "carer:1", p, MARCH, ViolationClass.FRAUD) for p in range(4)), 120, D(0)),  # never below 0
])
def test_integrity(violations, deducted, score):
    result = integrity(violations, REF)
    assert (result.deducted, result.score) == (deducted, score)


@pytest.mark.parametrize("stars,average", [((5, 4, 3), D(80)), ((5,), D(100)), ((), None), ((4, 5), D(90))])
def test_carer_average_is_mean_stars_times_20(stars, average):
    assert carer_average(stars, REF) == Observed(len(stars), average)


@pytest.mark.parametrize("carers,beds,score", [
    (5, 20, D(100)), (2, 10, D(80)), (1, 10, D(40)), (0, 10, D(0)), (30, 10, D(100)), (1, 3, D(100)),
])
def test_staffing_substitute(carers, beds, score):
    assert staffing(carers, beds, REF) == Observed(beds, score)


def test_staffing_without_occupied_beds_has_no_data():
    assert staffing(3, 0, REF) == Observed(0, None)


def test_satisfaction_of_follow_ups():
    assert satisfaction((5, 4, 3)) == Observed(3, D(75))
    assert satisfaction(()) == Observed(0, None)


SCHEME = SchemeMeans(D(70), D(75), D(80), D(90))


FULL = Observed(200, D(100))


def inputs(carers=FULL, sat=FULL, cost=FULL, integ=FULL, **kw):
    return ProviderInputs(carers, sat, cost, integ, **kw)


def test_provider_composite_with_large_samples():
    result = provider_score(inputs(carers=Observed(200, D(80)), sat=Observed(200, D(90)), cost=Observed(200, D(70)),
                                   integ=Observed(200, D(100))), SCHEME, REF, as_of=MARCH)
    c = result.components
    # 80 → (200·80 + 10·70)/210 = 79.52; 90 → 89.29; 70 → 70.48; 100 → 99.52
    assert [c[k].adjusted for k in ("carers", "satisfaction", "cost", "integrity")] == [
        D("79.52"), D("89.29"), D("70.48"), D("99.52")]
    # 0.30·79.52 + 0.25·89.29 + 0.25·70.48 + 0.20·99.52 = 23.856 + 22.3225 + 17.62 + 19.904 = 83.7025 → 83.70
    assert (result.score, result.star, result.fraud_capped) == (D("83.70"), 4, False)


def test_a_provider_without_follow_ups_gets_the_scheme_mean_for_them():
    result = provider_score(inputs(sat=Observed(0, None)), SCHEME, REF, as_of=MARCH)
    assert result.components["satisfaction"].n == 0
    assert (result.components["satisfaction"].raw, result.components["satisfaction"].adjusted) == (None, D(75))


def test_one_follow_up_is_mostly_the_scheme_mean():
    result = provider_score(inputs(sat=Observed(1, D(100))), SCHEME, REF, as_of=MARCH)
    assert result.components["satisfaction"].adjusted == D("77.27")   # (100 + 750) / 11
    assert result.components["satisfaction"].scheme_mean == D(75)


def test_bed_based_provider_uses_staffing():
    result = provider_score(inputs(carers=staffing(2, 10, REF), uses_staffing=True), SCHEME, REF, as_of=MARCH)
    assert "staffing" in result.components and "carers" not in result.components
    assert result.components["staffing"].raw == D(80)
    assert result.components["staffing"].adjusted == D("75.00")   # (10·80 + 10·70) / 20


@pytest.mark.parametrize("fraud_on,as_of,capped", [
    (None, MARCH, False),
    (date(2026, 3, 1), date(2026, 3, 1), True),
    (date(2025, 3, 2), date(2026, 3, 1), True),      # still within 12 months
    (date(2025, 3, 1), date(2026, 3, 1), False),     # 12 months over
    (date(2026, 4, 1), date(2026, 3, 1), False),     # confirmed after the star's day
])
def test_fraud_cap_window(fraud_on, as_of, capped):
    assert fraud_cap_applies(fraud_on, as_of, REF) is capped


def test_fraud_caps_a_five_star_provider_at_one_star():
    result = provider_score(inputs(last_fraud_on=date(2025, 12, 10)), SCHEME, REF, as_of=MARCH)
    assert result.score >= D(90)
    assert (result.star, result.fraud_capped) == (1, True)
    later = provider_score(inputs(last_fraud_on=date(2025, 2, 10)), SCHEME, REF, as_of=MARCH)
    assert (later.star, later.fraud_capped) == (5, False)


def test_no_data_and_no_scheme_mean_gives_no_score():
    empty = Observed(0, None)
    result = provider_score(inputs(empty, empty, empty, empty), SchemeMeans(None, None, None, None), REF, as_of=MARCH)
    assert (result.score, result.star) == (None, None)


def test_policy_is_a_parameter():
    raw = copy.deepcopy(ref_sections()["ratings"])
    raw["star_thresholds"]["5"] = "95"
    strict = parse_section("ratings", raw)
    assert isinstance(strict, RatingsPolicy)
    assert (star_of(D("94.99"), strict), star_of(D("95.00"), strict)) == (4, 5)
