"""The compliance section of the policy store (SPEC §6): REF severities, points and parameters."""
import copy
from decimal import Decimal

import pytest

from ltc.compliance.kinds import RuleCode, Severity
from ltc.compliance.policy import CompliancePolicy
from ltc.core.errors import ValidationFailed
from ltc.policy.ref import ref_sections
from ltc.policy.schema import parse_section, validate_sections


def parse(raw) -> CompliancePolicy:
    return parse_section("compliance", raw)


def test_ref_is_valid_with_the_compliance_section():
    assert validate_sections(ref_sections()) == {}


def test_ref_parameters_of_spec_6():
    p = parse(ref_sections()["compliance"])
    assert (p.v01_max_distance_m, p.v03_min_ratio, p.v04_overlap_minutes, p.d02_leave_days) == (
        300, Decimal("0.9"), 5, 3)
    assert (p.v11_tolerance_days, p.v12_late_hours, p.f01_visits_per_month) == (1, 72, 4)
    assert (p.s02_share, p.s02_window_minutes, p.e02_warning_days) == (Decimal("0.80"), 2, 60)


def test_ref_severities_and_violation_points():
    p = parse(ref_sections()["compliance"])
    flags = {rule for rule in RuleCode if p.severity(rule) == Severity.FLAG}
    assert flags == {RuleCode.V01, RuleCode.V11, RuleCode.V12, RuleCode.V13, RuleCode.S01, RuleCode.S02}
    assert {rule for rule in RuleCode if p.severity(rule) == Severity.WARN} == set()
    assert {rule.value: n for rule, n in p.points().items() if n} == {
        "V03": 1, "V09": 1, "V04": 3, "V10": 3, "P02": 3, "S01": 6, "S02": 6}
    assert p.fraud_points == 12


@pytest.mark.parametrize("path,value", [
    (("v03_min_ratio",), "1.5"), (("v01_max_distance_m",), 0), (("V03", "severity"), "IGNORE"),
    (("V03", "points"), 13), (("s02_share",), "0"),
])
def test_bad_values_are_refused_naming_the_field(path, value):
    raw = copy.deepcopy(ref_sections()["compliance"])
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValidationFailed) as exc:
        parse(raw)
    assert list(exc.value.fields) == ["compliance." + ".".join(path)]
