"""The national scale (SPEC §3.2): items, bands, cp rule, matrix and the SPEC examples."""
import json
from pathlib import Path

import pytest

from ltc.assessment.scale import scale
from ltc.assessment.scale.scale import Ruleset, explain, grade, is_json_int, reachable_totals, validate_items
from ltc.core.errors import ValidationFailed

DEFINITION = json.loads((Path(scale.__file__).with_name("rulesets") / "CN-2021-37.json").read_text("utf-8"))
RULESET = Ruleset.from_definition(DEFINITION)

#: SPEC §3.2, typed out independently of the JSON file
SPEC_ITEMS = [
    ("feeding", "进食", "adl", (10, 5, 0)),
    ("dressing", "穿衣", "adl", (10, 5, 0)),
    ("face_oral_hygiene", "面部与口腔清洁", "adl", (5, 0)),
    ("bowel", "大便控制", "adl", (10, 5, 0)),
    ("bladder", "小便控制", "adl", (10, 5, 0)),
    ("toileting", "用厕", "adl", (10, 5, 0)),
    ("walking", "平地行走", "adl", (15, 10, 5, 0)),
    ("transfer", "床椅转移", "adl", (15, 10, 5, 0)),
    ("stairs", "上下楼", "adl", (10, 5, 0)),
    ("bathing", "洗澡", "adl", (5, 0)),
    ("time_orientation", "时间定向", "cognition", (4, 3, 2, 1, 0)),
    ("person_orientation", "人物定向", "cognition", (4, 3, 2, 1, 0)),
    ("space_orientation", "空间定向", "cognition", (4, 3, 2, 1, 0)),
    ("memory", "记忆力", "cognition", (4, 3, 2, 1, 0)),
    ("vision", "视力", "perception", (4, 3, 2, 1, 0)),
    ("hearing", "听力", "perception", (4, 3, 2, 1, 0)),
    ("communication", "沟通能力", "perception", (4, 3, 2, 1, 0)),
]
CODES = {indicator: [code for code, _, ind, _ in SPEC_ITEMS if ind == indicator]
         for indicator in ("adl", "cognition", "perception")}
MAXIMA = {code: max(allowed) for code, _, _, allowed in SPEC_ITEMS}


def answers(adl: list[int], cognition: list[int], perception: list[int]) -> dict:
    """Answers in SPEC table order."""
    return dict(zip(CODES["adl"] + CODES["cognition"] + CODES["perception"], adl + cognition + perception,
                    strict=False))


def spread(indicator: str, total: int) -> dict:
    """Answers for one indicator adding up to ``total``, each item as full as allowed."""
    result = {}
    for code in CODES[indicator]:
        result[code] = min(MAXIMA[code], total)
        total -= result[code]
    assert total == 0
    return result


def totals(adl: int, cognition: int, perception: int) -> dict:
    return {**spread("adl", adl), **spread("cognition", cognition), **spread("perception", perception)}


FULL = totals(100, 16, 12)


def test_the_ruleset_holds_exactly_the_spec_items_in_order():
    assert [(i.code, i.name, i.indicator, i.allowed) for i in RULESET.items] == SPEC_ITEMS
    assert RULESET.id == "CN-2021-37" and str(RULESET.effective_from) == "2021-07-01"
    assert RULESET.effective_to is None


def test_the_ruleset_holds_the_spec_level_and_grade_names():
    assert RULESET.level_names == ("基本正常", "轻度失能", "中度失能", "重度失能Ⅰ级", "重度失能Ⅱ级", "重度失能Ⅲ级")
    assert RULESET.grade_names == ("能力完好", "轻度受损", "中度受损", "重度受损")


@pytest.mark.parametrize("values, expected", [
    # (ADL items; COG; PER) → (ADL, COG, PER totals, cp, level)
    (([10, 10, 5, 10, 10, 10, 15, 15, 10, 5], [4, 4, 4, 4], [4, 4, 4]), (100, 16, 12, 0, 0)),
    (([10, 5, 5, 10, 10, 5, 10, 10, 0, 0], [0, 1, 0, 0], [3, 3, 3]), (65, 1, 9, 3, 2)),
    (([0] * 10, [4, 4, 4, 4], [4, 4, 4]), (0, 16, 12, 0, 3)),
    (([0] * 10, [1, 0, 0, 0], [2, 0, 0]), (0, 1, 2, 3, 5)),
])
def test_spec_examples(values, expected):
    g = grade(RULESET, answers(*values))
    assert (g.adl_total, g.cognition_total, g.perception_total, g.cp_grade, g.level) == expected
    assert g.level_name == RULESET.level_names[g.level] and g.ruleset_id == "CN-2021-37"


def test_spec_example_two_grades_each_indicator():
    g = grade(RULESET, answers([10, 5, 5, 10, 10, 5, 10, 10, 0, 0], [0, 1, 0, 0], [3, 3, 3]))
    assert (g.adl_grade, g.cognition_grade, g.perception_grade) == (1, 3, 1)


MATRIX = [  # (ADL grade, cp grade, level) — SPEC §3.2, all 16 cells
    (0, 0, 0), (0, 1, 0), (0, 2, 1), (0, 3, 1),
    (1, 0, 1), (1, 1, 1), (1, 2, 1), (1, 3, 2),
    (2, 0, 2), (2, 1, 2), (2, 2, 2), (2, 3, 3),
    (3, 0, 3), (3, 1, 3), (3, 2, 4), (3, 3, 5),
]
ADL_TOTAL_FOR_GRADE = {0: 100, 1: 80, 2: 50, 3: 20}
COG_TOTAL_FOR_GRADE = {0: 16, 1: 10, 2: 2, 3: 0}
PER_TOTAL_FOR_GRADE = {0: 12, 1: 7, 2: 3, 3: 1}


@pytest.mark.parametrize("adl_grade, cp_grade, level", MATRIX)
@pytest.mark.parametrize("severe", ["cognition", "perception"])
def test_every_matrix_cell(adl_grade, cp_grade, level, severe):
    cognition = COG_TOTAL_FOR_GRADE[cp_grade if severe == "cognition" else 0]
    perception = PER_TOTAL_FOR_GRADE[cp_grade if severe == "perception" else 0]
    g = grade(RULESET, totals(ADL_TOTAL_FOR_GRADE[adl_grade], cognition, perception))
    assert (g.adl_grade, g.cp_grade, g.level) == (adl_grade, cp_grade, level)


@pytest.mark.parametrize("cognition, perception, cp", [
    (16, 12, 0), (10, 12, 1), (16, 7, 1), (2, 7, 2), (10, 3, 2), (0, 12, 3), (16, 1, 3), (1, 0, 3), (3, 2, 2),
])
def test_cp_is_the_more_severe_of_cognition_and_perception(cognition, perception, cp):
    assert grade(RULESET, totals(100, cognition, perception)).cp_grade == cp


BOUNDARIES = [  # (indicator, total, grade): each band boundary pair of SPEC §3.2
    ("adl", 100, 0), ("adl", 95, 1), ("adl", 65, 1), ("adl", 60, 2), ("adl", 45, 2), ("adl", 40, 3),
    ("adl", 0, 3),
    ("cognition", 16, 0), ("cognition", 15, 1), ("cognition", 4, 1), ("cognition", 3, 2), ("cognition", 2, 2),
    ("cognition", 1, 3), ("cognition", 0, 3),
    ("perception", 12, 0), ("perception", 11, 1), ("perception", 4, 1), ("perception", 3, 2),
    ("perception", 2, 2), ("perception", 1, 3), ("perception", 0, 3),
]


@pytest.mark.parametrize("indicator, total, expected", BOUNDARIES)
def test_band_boundaries(indicator, total, expected):
    items = {**FULL, **spread(indicator, total)}
    g = grade(RULESET, items)
    assert getattr(g, f"{indicator}_total") == total
    assert getattr(g, f"{indicator}_grade") == expected
    assert RULESET.grade_of(indicator, total) == expected


@pytest.mark.parametrize("code, value", [(code, v) for code, _, _, allowed in SPEC_ITEMS for v in allowed])
def test_every_allowed_value_is_accepted(code, value):
    assert validate_items(RULESET, {**FULL, code: value}) == {}


@pytest.mark.parametrize("code, value", [
    ("feeding", 7), ("feeding", 15), ("dressing", 1), ("face_oral_hygiene", 10), ("bowel", 20),
    ("bladder", 3), ("toileting", -5), ("walking", 20), ("transfer", 1), ("stairs", 15),
    ("bathing", 10), ("time_orientation", 5), ("person_orientation", -1), ("space_orientation", 10),
    ("memory", 5), ("vision", -1), ("hearing", 8), ("communication", 5),
])
def test_a_disallowed_value_is_refused(code, value):
    problems = validate_items(RULESET, {**FULL, code: value})
    assert list(problems) == [code] and problems[code].startswith("must be one of ")


@pytest.mark.parametrize("value", [True, False, 10.0, 5.0, "10", "5", None, [10], {"value": 10}])
def test_a_non_integer_is_refused(value):
    assert validate_items(RULESET, {**FULL, "feeding": value}) == {"feeding": "must be an integer"}


def test_missing_and_unknown_items_are_named_together():
    items = {code: v for code, v in FULL.items() if code not in ("memory", "vision")}
    problems = validate_items(RULESET, {**items, "mobility": 5, "feeding": 7})
    assert problems == {"feeding": "must be one of 10, 5, 0", "memory": "required", "vision": "required",
                        "mobility": "unknown item"}


def test_grade_refuses_invalid_answers_naming_them():
    with pytest.raises(ValidationFailed) as caught:
        grade(RULESET, {**FULL, "walking": 20, "hearing": True})
    assert caught.value.fields == {"walking": "must be one of 15, 10, 5, 0", "hearing": "must be an integer"}


def test_validate_items_needs_a_mapping():
    with pytest.raises(TypeError):
        validate_items(RULESET, [10] * 17)


@pytest.mark.parametrize("value, expected", [
    (0, True), (10, True), (-1, True), (True, False), (False, False), (10.0, False), ("10", False), (None, False),
])
def test_is_json_int(value, expected):
    assert is_json_int(value) is expected


def test_adl_totals_are_multiples_of_five_so_the_band_gaps_are_unreachable():
    reachable = reachable_totals(item.allowed for item in RULESET.items_of("adl"))
    assert reachable == set(range(0, 101, 5))
    assert not reachable & {96, 97, 98, 99, 61, 62, 63, 64, 41, 42, 43, 44}


@pytest.mark.parametrize("indicator, total", [
    ("adl", 97), ("adl", 62), ("adl", 101), ("cognition", 17), ("perception", -1)])
def test_a_total_no_answers_can_reach_has_no_band(indicator, total):
    with pytest.raises(ValueError, match="in no band"):
        RULESET.grade_of(indicator, total)


def test_grading_as_dict_is_the_api_shape():
    g = grade(RULESET, FULL)
    assert g.as_dict() == {"adl_total": 100, "cognition_total": 16, "perception_total": 12, "adl_grade": 0,
                           "cognition_grade": 0, "perception_grade": 0, "cp_grade": 0, "level": 0,
                           "level_name": "基本正常", "ruleset": "CN-2021-37"}


def test_explanation_walks_totals_grades_cp_and_matrix_cell():
    g = grade(RULESET, answers([10, 5, 5, 10, 10, 5, 10, 10, 0, 0], [0, 1, 0, 0], [3, 3, 3]))
    e = explain(RULESET, g)
    assert [(s.code, s.total, s.band.min, s.band.max, s.grade, s.grade_name) for s in e.indicators] == [
        ("adl", 65, 65, 95, 1, "轻度受损"), ("cognition", 1, 0, 1, 3, "重度受损"),
        ("perception", 9, 4, 11, 1, "轻度受损")]
    assert (e.cp_grade, e.cp_from, e.matrix_row, e.matrix_column, e.level) == (3, ("cognition",), 1, 3, 2)
    lines = e.lines()
    assert lines[0] == "日常生活活动能力总分 65，属 65–95 分段 → 1 级（轻度受损）"
    assert lines[3] == "认知与感知觉综合等级取较重者：max(3, 1) = 3"
    assert lines[4] == "日常生活活动能力 1 级 × 综合 3 级 → 失能等级 2（中度失能）"


def test_explanation_names_both_indicators_when_they_tie():
    e = explain(RULESET, grade(RULESET, totals(100, 10, 7)))
    assert e.cp_from == ("cognition", "perception") and e.level == 0


def test_explanation_refuses_a_grading_from_another_ruleset():
    other = Ruleset.from_definition({**DEFINITION, "id": "XX-1"})
    with pytest.raises(ValueError):
        explain(other, grade(RULESET, FULL))
