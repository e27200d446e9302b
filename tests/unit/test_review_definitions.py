"""Review case types as data (SPEC §4.1, revised): where a return may go, and which coded
reasons justify which decision at which step (``OTHER`` always, with text)."""
import pytest

from ltc.core.errors import ValidationFailed
from ltc.policy.schema import parse_as, to_raw
from ltc.reviews.definitions import OTHER, REF_REVIEWS, CaseTypeDef, ReviewPolicy, StepDef

STEPS = [
    {"code": "provider", "label": "机构", "owner": "subject_provider", "decisions": ["approve", "decline"],
     "sla": "working_days:3", "return_to": None, "precondition": None},
    {"code": "agency", "label": "评估", "owner": "subject_agency", "decisions": ["approve", "return"],
     "sla": "working_days:3", "return_to": "provider", "precondition": None},
    {"code": "mia", "label": "医保", "owner": "mia", "decisions": ["approve", "return", "reject"],
     "sla": "working_days:3", "return_to": ["provider", "agency"], "precondition": None},
]
REASONS = [
    {"code": "DOCS", "label": "材料不全", "decisions": ["return"]},                        # every step
    {"code": "FULL", "label": "床位已满", "decisions": ["decline"], "steps": ["provider"]},
    {"code": "FRAUD", "label": "虚假材料", "decisions": ["return", "reject"], "steps": ["mia"]},
]


def ctype(steps=None, reasons=None) -> CaseTypeDef:
    return parse_as(CaseTypeDef, {"code": "t", "label": "测试", "subject": "s", "steps": steps or STEPS,
                                  "reasons": REASONS if reasons is None else reasons}, "t")


def refused(steps=None, reasons=None) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        ctype(steps, reasons)
    return caught.value.fields


def test_return_to_is_the_set_of_allowed_targets_in_step_order():
    c = ctype()
    assert c.step("mia").return_to == ("provider", "agency")
    assert [s.code for s in c.return_targets("mia")] == ["provider", "agency"]
    assert [s.code for s in c.return_targets("provider")] == []


def test_a_step_stored_with_one_target_loads_as_that_target_only():
    """Policy data and case definitions written before the revision name one step (a string)."""
    step = parse_as(StepDef, STEPS[1], "step")
    assert step.return_to == ("provider",)
    assert parse_as(StepDef, STEPS[0], "step").return_to == ()
    assert to_raw(step)["return_to"] == ["provider"]


def test_the_default_target_is_the_previous_step_else_the_nearest_allowed():
    assert ctype().default_return("mia") == "agency"
    far = [*STEPS[:2], {**STEPS[2], "return_to": ["provider"]}]
    assert ctype(far).default_return("mia") == "provider"
    assert ctype().default_return("provider") is None


@pytest.mark.parametrize("return_to, reason", [
    (["mia"], "must name earlier steps"),
    (["nowhere"], "must name earlier steps"),
    ([], "required exactly when the step allows return"),
    (["agency", "agency"], "listed twice"),
])
def test_bad_return_targets_are_refused(return_to, reason):
    fields = refused([*STEPS[:2], {**STEPS[2], "return_to": return_to}])
    assert any(reason in text for path, text in fields.items() if "return_to" in path), fields


def test_a_target_on_a_step_without_return_is_refused():
    fields = refused([{**STEPS[0], "return_to": []}, {**STEPS[1], "decisions": ["approve"]}, STEPS[2]])
    assert any(path.endswith("steps[1].return_to") for path in fields), fields


def test_reasons_are_scoped_by_step_and_decision_and_other_is_always_offered():
    c = ctype()
    assert [r.code for r in c.reasons_for("mia", "return")] == ["DOCS", "FRAUD", OTHER]
    assert [r.code for r in c.reasons_for("agency", "return")] == ["DOCS", OTHER]
    assert [r.code for r in c.reasons_for("mia", "reject")] == ["FRAUD", OTHER]
    assert [r.code for r in c.reasons_for("provider", "decline")] == ["FULL", OTHER]
    assert c.reasons_for("mia", "approve") == ()
    assert [r.code for r in c.reasons_at("provider")] == ["FULL", OTHER]
    assert c.reason_label(OTHER) == "其他" and c.reason_label("FULL") == "床位已满"


def test_a_case_type_may_rely_on_other_alone():
    assert [r.code for r in ctype(reasons=[]).reasons_for("mia", "reject")] == [OTHER]


@pytest.mark.parametrize("reason, path, text", [
    ({"code": "XX", "label": "x", "decisions": ["return"], "steps": ["nowhere"]}, "reasons[0].steps", "unknown step"),
    ({"code": "XX", "label": "x", "decisions": ["decline"], "steps": ["mia"]}, "reasons[0].steps",
     "allows none of"),
    ({"code": "XX", "label": "x", "decisions": ["return"], "steps": ["mia", "mia"]}, "reasons[0].steps",
     "listed twice"),
    ({"code": "OTHER", "label": "其他", "decisions": ["return"]}, "reasons", "built in"),
])
def test_bad_reason_scopes_are_refused(reason, path, text):
    fields = refused(reasons=[reason])
    assert any(p.endswith(path) and text in t for p, t in fields.items()), fields


def test_ref_lets_the_mia_return_to_any_earlier_step_and_the_others_to_the_previous_one():
    entitlement, _plan_revision = parse_as(ReviewPolicy, REF_REVIEWS, "reviews").case_types
    assert {s.code: s.return_to for s in entitlement.steps} == {
        "provider": (), "agency": ("provider",), "insurer": ("agency",), "mia": ("provider", "agency", "insurer")}
    assert {s.code: entitlement.default_return(s.code) for s in entitlement.steps if s.return_to} == {
        "agency": "provider", "insurer": "agency", "mia": "insurer"}


@pytest.mark.parametrize("step, decision, code", [
    ("agency", "return", "NOT_FINAL"), ("insurer", "return", "NOT_FINAL"), ("mia", "return", "NOT_FINAL"),
    ("insurer", "reject", "OTHER_BENEFIT"), ("mia", "reject", "OTHER_BENEFIT"),
    ("provider", "decline", "SERVICE_AREA"),
    ("provider", "decline", "PERSON_WITHDREW"), ("insurer", "reject", "PERSON_WITHDREW"),
    ("mia", "reject", "PERSON_WITHDREW"),
])
def test_ref_offers_the_new_reason_codes_where_they_apply(step, decision, code):
    entitlement, _plan_revision = parse_as(ReviewPolicy, REF_REVIEWS, "reviews").case_types
    assert code in [r.code for r in entitlement.reasons_for(step, decision)]


def test_ref_scopes_every_reason_to_steps_that_allow_its_decisions():
    entitlement, _plan_revision = parse_as(ReviewPolicy, REF_REVIEWS, "reviews").case_types
    assert all(r.steps for r in entitlement.reasons)
    assert [r.code for r in entitlement.reasons_for("provider", "decline")] == [
        "CAPACITY", "SCOPE", "PERSON_CHOICE", "SERVICE_AREA", "PERSON_WITHDREW", OTHER]
    assert "SERVICE_AREA" not in [r.code for r in entitlement.reasons_at("mia")]
