"""Typed policy sections: strict parsing, errors naming the field, REF values (SPEC §0.3)."""
import copy
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

import pytest

from ltc.assessment.applications.policy import AssessmentPolicy
from ltc.core.errors import InvalidTransition, ValidationFailed
from ltc.policy.models import PolicyStatus, check_transition
from ltc.policy.ref import REF_SECTIONS, ref_sections
from ltc.policy.schema import (SECTIONS, FieldError, check_ranges, parse_as, parse_section, register_section,
                               section_rows, to_raw, validate_sections)


def test_ref_parses_into_the_typed_assessment_section():
    a = parse_section("assessment", REF_SECTIONS["assessment"])
    assert isinstance(a, AssessmentPolicy)
    assert (a.benefit_threshold, a.publicity_working_days, a.objection_working_days, a.validity_months) == (3, 5, 5, 24)
    assert (a.acceptance_sla_working_days, a.conclusion_sla_working_days, a.schedule_within_working_days) == (5, 30, 10)
    assert (a.reassessment_days_before_expiry, a.long_inpatient_stay_days,
            a.min_months_between_assessments) == (90, 30, 6)   # SPEC §3.1: 90 days before expiry
    assert dict(a.min_level_by_care_type) == {"special": 4, "institution": 3, "home": 3, "outreach": 3, "family": 3}
    assert validate_sections(ref_sections()) == {}


@pytest.mark.parametrize("level,care_type,allowed", [
    (3, "home", True), (2, "home", False), (3, "special", False), (4, "special", True), (5, "family", True),
])
def test_level_allowed_for_care_type(level, care_type, allowed):
    assert parse_section("assessment", REF_SECTIONS["assessment"]).level_allowed(level, care_type) is allowed


def _with(change):
    raw = copy.deepcopy(REF_SECTIONS["assessment"])
    change(raw)
    return raw


BAD = [
    ("string for an int", lambda r: r.update(publicity_working_days="5"),
     "assessment.publicity_working_days", "must be an integer, got string"),
    ("true for an int", lambda r: r.update(publicity_working_days=True),
     "assessment.publicity_working_days", "must be an integer, got boolean"),
    ("float for an int", lambda r: r.update(validity_months=24.0),
     "assessment.validity_months", "must be an integer, got number"),
    ("null for an int", lambda r: r.update(validity_months=None),
     "assessment.validity_months", "must be an integer, got null"),
    ("missing key", lambda r: r.pop("validity_months"), "assessment.validity_months", "missing"),
    ("unknown key", lambda r: r.update(publicty_days=5), "assessment.publicty_days", "unknown key"),
    ("out of range", lambda r: r.update(validity_months=0), "assessment.validity_months", "must be between 1 and 120"),
    ("threshold above the scale", lambda r: r.update(benefit_threshold=6),
     "assessment.benefit_threshold", "must be between 1 and 5"),
    ("missing care type", lambda r: r["min_level_by_care_type"].pop("family"),
     "assessment.min_level_by_care_type.family", "missing"),
    ("unknown care type", lambda r: r["min_level_by_care_type"].update(spa=3),
     "assessment.min_level_by_care_type.spa", "unknown key"),
    ("care-type level as string", lambda r: r["min_level_by_care_type"].update(home="3"),
     "assessment.min_level_by_care_type.home", "must be an integer, got string"),
    ("care-type level off the scale", lambda r: r["min_level_by_care_type"].update(special=7),
     "assessment.min_level_by_care_type.special", "must be between 0 and 5"),
    ("care-type level below the threshold", lambda r: r["min_level_by_care_type"].update(home=2),
     "assessment.min_level_by_care_type.home", "must be at least benefit_threshold (3)"),
    ("reassessment lead over a year", lambda r: r.update(reassessment_days_before_expiry=366),
     "assessment.reassessment_days_before_expiry", "must be between 0 and 365"),
    ("reassessment lead not shorter than the validity", lambda r: r.update(validity_months=3,
                                                                           reassessment_days_before_expiry=84),
     "assessment.reassessment_days_before_expiry", "must be shorter than the validity (3 months)"),
    ("list instead of object", lambda r: r.update(min_level_by_care_type=[4, 3]),
     "assessment.min_level_by_care_type", "must be an object, got list"),
]


@pytest.mark.parametrize("case,change,path,reason", BAD, ids=[b[0] for b in BAD])
def test_parse_rejects_and_names_the_field(case, change, path, reason):
    with pytest.raises(ValidationFailed) as caught:
        parse_section("assessment", _with(change))
    assert caught.value.fields == {path: reason}
    assert path in caught.value.message


def test_all_type_errors_are_reported_at_once():
    raw = _with(lambda r: r.update(publicity_working_days="5", validity_months=True, extra=1))
    with pytest.raises(ValidationFailed) as caught:
        parse_section("assessment", raw)
    assert set(caught.value.fields) == {"assessment.publicity_working_days", "assessment.validity_months",
                                        "assessment.extra"}


def test_a_section_that_is_not_an_object_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        parse_section("assessment", [])
    assert caught.value.fields == {"assessment": "must be an object, got list"}


def test_validate_sections_wants_every_registered_section_and_no_other():
    assert validate_sections({}) == {name: "missing section" for name in SECTIONS}
    assert validate_sections({**ref_sections(), "bonus": {}}) == {"bonus": "unknown section"}
    assert validate_sections([]) == {"": "sections must be an object"}


# --- the generic parser, on a test-only dataclass (not registered) ------------------

class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Inner:
    rate: Decimal


@dataclass(frozen=True)
class Sample:
    ratio: Decimal
    since: date
    colour: Colour
    mode: Literal["fast", "slow"]
    steps: tuple[int, ...]
    caps: Mapping[Colour, Decimal]
    inner: Inner
    label: str | None
    enabled: bool = True

    def __post_init__(self):
        check_ranges(self, {"ratio": (Decimal("0"), Decimal("1")), "caps": (Decimal("0"), None)})


GOOD = {"ratio": "0.90", "since": "2026-07-01", "colour": "red", "mode": "fast", "steps": [1, 2, 3],
        "caps": {"red": "1500.00", "blue": "0"}, "inner": {"rate": "65.5"}, "label": None}


def test_the_parser_builds_decimals_dates_enums_tuples_and_mappings():
    s = parse_as(Sample, GOOD, "x")
    assert s.ratio == Decimal("0.90") and isinstance(s.ratio, Decimal)
    assert s.since == date(2026, 7, 1) and s.colour is Colour.RED and s.mode == "fast"
    assert s.steps == (1, 2, 3) and s.caps[Colour.BLUE] == Decimal("0") and s.inner.rate == Decimal("65.5")
    assert s.label is None and s.enabled is True          # a field with a default may be omitted
    assert parse_as(Sample, to_raw(s), "x") == s           # round trip through JSON-able values
    assert to_raw(s)["ratio"] == "0.90"


@pytest.mark.parametrize("key,value,path,reason", [
    ("ratio", 0.9, "x.ratio", 'must be a decimal string such as "0.90", got number'),
    ("ratio", "abc", "x.ratio", "not a decimal number"),
    ("ratio", "NaN", "x.ratio", "not a decimal number"),
    ("ratio", "1.5", "x.ratio", "must be between 0 and 1"),
    ("since", "2026-02-30", "x.since", "not a valid date"),
    ("since", 20260701, "x.since", "must be a date YYYY-MM-DD, got integer"),
    ("colour", "green", "x.colour", "must be one of red, blue"),
    ("mode", "medium", "x.mode", "must be one of fast, slow"),
    ("steps", [1, "2"], "x.steps[1]", "must be an integer, got string"),
    ("steps", 3, "x.steps", "must be a list, got integer"),
    ("caps", {"red": "-1", "blue": "0"}, "x.caps.red", "must be between 0 and -∞/+∞"),
    ("inner", {"rate": 65}, "x.inner.rate", 'must be a decimal string such as "0.90", got integer'),
    ("label", 5, "x.label", "must be a string, got integer"),
    ("enabled", 1, "x.enabled", "must be a boolean, got integer"),
])
def test_the_parser_is_strict(key, value, path, reason):
    with pytest.raises(ValidationFailed) as caught:
        parse_as(Sample, {**GOOD, key: value}, "x")
    assert caught.value.fields == {path: reason}


def test_register_section_wants_a_frozen_dataclass_and_a_free_name():
    @dataclass
    class Loose:
        x: int

    with pytest.raises(TypeError):
        register_section("loose", Loose, {})
    with pytest.raises(ValueError):
        register_section("assessment", Sample, {})
    assert "loose" not in SECTIONS


def test_check_ranges_raises_field_errors():
    with pytest.raises(FieldError) as caught:
        Sample(**{**parse_as(Sample, GOOD, "x").__dict__, "ratio": Decimal("2")})
    assert caught.value.errors == {"ratio": "must be between 0 and 1"}


def test_display_rows_carry_chinese_labels_and_units():
    rows = {r.path: r for r in section_rows(parse_section("assessment", REF_SECTIONS["assessment"]))}
    assert rows["publicity_working_days"].label == "公示期"
    assert (rows["publicity_working_days"].value, rows["publicity_working_days"].unit) == ("5", "个工作日")
    special = {c.path: c for c in rows["min_level_by_care_type"].children}["min_level_by_care_type.special"]
    assert (special.label, special.value) == ("医疗专护", "4")


@pytest.mark.parametrize("current,target,ok", [
    ("draft", PolicyStatus.PUBLISHED, True), ("draft", PolicyStatus.RETIRED, True),
    ("published", PolicyStatus.RETIRED, True), ("published", PolicyStatus.PUBLISHED, False),
    ("retired", PolicyStatus.PUBLISHED, False), ("retired", PolicyStatus.RETIRED, False),
])
def test_status_transitions(current, target, ok):
    if ok:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidTransition):
            check_transition(current, target)


@pytest.mark.parametrize("first_import", ["ltc.policy", "ltc.policy.services", "ltc.assessment.applications.policy",
                                          "ltc.policy.schema"])
def test_importing_a_module_registers_nothing_wiring_registers_every_section(first_import):
    code = (f"import {first_import}\nfrom ltc.policy.schema import SECTIONS\n"
            "assert SECTIONS == {}, SECTIONS\n"
            "from ltc import wire\nwire()\n"
            "assert set(SECTIONS) == {'assessment', 'billing', 'reviews', 'jobs', 'compliance', 'carers',"
            "'settlement_review', 'ratings', 'followups', 'fund_budget'}, SECTIONS\n")
    subprocess.run([sys.executable, "-W", "error", "-c", code], check=True)
