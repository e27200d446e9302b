"""The self-assessment grade table of SPEC §3.1."""
import pytest

from ltc.assessment.applications.selfassessment import A_ITEMS, B_ITEMS, grade_self_assessment
from ltc.core.errors import ValidationFailed

TABLE = {  # (A, B) -> grade, exactly as SPEC §3.1
    (0, 0): "A", (0, 1): "B", (0, 2): "B", (0, 3): "C",
    (1, 0): "B", (1, 1): "C", (1, 2): "D", (1, 3): "E",
    (2, 0): "D", (2, 1): "E", (2, 2): "E", (2, 3): "F",
    (3, 0): "E", (3, 1): "F", (3, 2): "F", (3, 3): "G",
}


def answers(a: int, b: int, *, rest: str = "independent") -> dict[str, str]:
    values = {item: ("dependent" if i < a else rest) for i, item in enumerate(A_ITEMS)}
    values |= {item: ("dependent" if i < b else rest) for i, item in enumerate(B_ITEMS)}
    return values


@pytest.mark.parametrize("a,b", sorted(TABLE))
def test_grade_table(a, b):
    result = grade_self_assessment(answers(a, b))
    assert (result.a, result.b, result.grade) == (a, b, TABLE[(a, b)])
    assert result.acceptable == (TABLE[(a, b)] in "EFG")


@pytest.mark.parametrize("a,b", sorted(TABLE))
def test_partly_independent_does_not_count(a, b):
    assert grade_self_assessment(answers(a, b, rest="partly")).grade == TABLE[(a, b)]


def test_all_partly_independent_is_grade_a_and_cannot_be_accepted():
    result = grade_self_assessment({item: "partly" for item in A_ITEMS + B_ITEMS})
    assert result.grade == "A" and not result.acceptable


def test_a_to_d_cannot_be_accepted_e_to_g_can():
    assert [g for g in "ABCDEFG" if any(grade_self_assessment(answers(a, b)).acceptable
                                        for (a, b), t in TABLE.items() if t == g)] == ["E", "F", "G"]


def test_missing_unknown_and_invalid_answers_are_named():
    bad = answers(1, 1) | {"bathing": "sometimes", "walking": "dependent"}
    del bad["transfer"]
    with pytest.raises(ValidationFailed) as caught:
        grade_self_assessment(bad)
    assert set(caught.value.fields) == {"self_assessment.bathing", "self_assessment.transfer",
                                        "self_assessment.walking"}
