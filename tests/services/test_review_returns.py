"""Returns and reason codes (SPEC §4.1, revised): the decider picks where a return goes among the
earlier steps the definition allows (REF: the previous step; the MIA: any earlier step); reasons
are scoped by step and decision, and every reasoned decision also offers ``OTHER`` with text."""
import copy

import pytest
from sqlalchemy import func, select

from ltc.core.audit import Actor
from ltc.core.errors import ValidationFailed
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewEvent
from ltc.reviews.queries import trail
from ltc.reviews.registry import Parties, SubjectType, register_subject
from tests.conftest import NOW
from tests.review_builders import approve_through, opened, plan_for, publish_case_type

STEPS = ["provider", "agency", "insurer", "mia"]


@pytest.fixture
def r(shared_review):
    return shared_review


def at_mia(session, r):
    request, case = opened(session, r)
    plan_for(session, request)
    approve_through(session, r, case, "provider", "agency", "insurer")
    return request, case


def returns(session, case) -> int:
    return session.scalar(select(func.count()).select_from(ReviewEvent).where(
        ReviewEvent.case_id == case.id, ReviewEvent.action == "return"))


def test_the_mia_returns_straight_to_the_provider_one_return_two_rounds(session, r):
    request, case = at_mia(session, r)
    engine.decide(session, case, DecisionInput("return", "PLAN", "护理计划每周次数需调整", return_to="provider"),
                  actor=r.actor("mia"), now=NOW)
    assert (case.step_code, case.round) == ("provider", 2)
    plan_for(session, request)
    approve_through(session, r, case, *STEPS)
    assert (case.status, case.round, request.status) == ("completed", 2, "granted")
    assert [[s.step_code for s in rnd.stages] for rnd in trail(session, case)] == [STEPS, STEPS]
    assert returns(session, case) == 1
    [event] = [e for rnd in trail(session, case) for e in rnd.events if e.action == "return"]
    assert (event.step_code, event.snapshot["return_to"], event.reason_code) == ("mia", "provider", "PLAN")


@pytest.mark.parametrize("target", ["agency", "insurer"])
def test_the_mia_may_return_to_any_earlier_step(session, r, target):
    _, case = at_mia(session, r)
    engine.decide(session, case, DecisionInput("return", "FACTS", "请核实", return_to=target),
                  actor=r.actor("mia"), now=NOW)
    assert (case.step_code, case.round) == (target, 2)


def test_a_return_without_a_target_goes_to_the_previous_step(session, r):
    _, case = at_mia(session, r)
    engine.decide(session, case, DecisionInput("return", "DOCS", "补充材料"), actor=r.actor("mia"), now=NOW)
    assert (case.step_code, case.round) == ("insurer", 2)


@pytest.mark.parametrize("step, target, message", [
    ("insurer", "provider", "本步骤不能退回至“护理机构确认”（可退回至：评估机构复核）"),
    ("agency", "agency", "本步骤不能退回至“评估机构复核”（可退回至：护理机构确认）"),
    ("mia", "mia", "本步骤不能退回至“医保经办机构核定”（可退回至：护理机构确认、评估机构复核、商保公司审核）"),
    ("mia", "nowhere", "本步骤不能退回至“nowhere”"),
])
def test_a_target_the_step_does_not_allow_is_refused_with_a_clear_message(session, r, step, target, message):
    request, case = opened(session, r)
    plan_for(session, request)
    approve_through(session, r, case, *STEPS[:STEPS.index(step)])
    version = case.version
    with pytest.raises(ValidationFailed) as caught:
        engine.decide(session, case, DecisionInput("return", "DOCS", "x", return_to=target),
                      actor=r.actor(step), now=NOW)
    assert message in caught.value.message and caught.value.fields == {"return_to": "not allowed"}
    assert (case.step_code, case.round, case.version, returns(session, case)) == (step, 1, version, 0)


@pytest.mark.parametrize("step, decision", [("provider", "decline"), ("agency", "return"), ("insurer", "reject"),
                                            ("mia", "return")])
def test_other_is_offered_by_every_reasoned_decision_and_needs_text(session, r, step, decision):
    request, case = opened(session, r)
    plan_for(session, request)
    approve_through(session, r, case, *STEPS[:STEPS.index(step)])
    for text in (None, "  "):
        with pytest.raises(ValidationFailed) as caught:
            engine.decide(session, case, DecisionInput(decision, "OTHER", text), actor=r.actor(step), now=NOW)
        assert caught.value.fields == {"reason_text": "required"}
    engine.decide(session, case, DecisionInput(decision, "OTHER", "参保人已搬离本市"), actor=r.actor(step), now=NOW)
    event = session.scalars(select(ReviewEvent).where(ReviewEvent.case_id == case.id)
                            .order_by(ReviewEvent.id.desc())).first()
    assert (event.action, event.reason_code, event.reason_text) == (decision, "OTHER", "参保人已搬离本市")


def test_a_decline_or_reject_with_a_coded_reason_needs_no_text(session, r):
    _, case = opened(session, r)
    engine.decide(session, case, DecisionInput("decline", "SERVICE_AREA"), actor=r.actor("provider"), now=NOW)
    assert case.status == "declined"


def test_a_case_opened_before_the_revision_returns_to_the_one_step_its_definition_names(session, r):
    """Definitions frozen on open cases name one target (a string) and scope reasons by decision only."""
    _, case = at_mia(session, r)
    legacy = copy.deepcopy(case.definition)
    for step, target in zip(legacy["steps"], [None, "provider", "agency", "insurer"], strict=True):
        step["return_to"] = target
    for reason in legacy["reasons"]:
        del reason["steps"]
    case.definition = legacy
    session.flush()
    with pytest.raises(ValidationFailed, match="可退回至：商保公司审核"):
        engine.decide(session, case, DecisionInput("return", "DOCS", "x", return_to="provider"),
                      actor=r.actor("mia"), now=NOW)
    engine.decide(session, case, DecisionInput("return", "DOCS", "补充材料"), actor=r.actor("mia"), now=NOW)
    assert (case.step_code, case.round) == ("insurer", 2)


# --- reasons scoped by step, on a case type defined only as data ------------------------------------

SUBJECT = "returns_test_provider"
register_subject(SubjectType(name=SUBJECT, parties=lambda session, sid: Parties(provider_id=sid),
                             title=lambda session, sid: f"机构 {sid}"))
SCOPED = {
    "code": "scoped_check", "label": "原因范围测试", "subject": SUBJECT,
    "steps": [
        {"code": "provider", "label": "机构提交", "owner": "subject_provider", "decisions": ["approve"],
         "sla": "working_days:3", "return_to": [], "precondition": None, "roles": ["operator"]},
        {"code": "check", "label": "初审", "owner": "mia", "decisions": ["approve", "return", "reject"],
         "sla": "working_days:3", "return_to": ["provider"], "precondition": None},
        {"code": "final", "label": "终审", "owner": "mia", "decisions": ["approve", "return", "reject"],
         "sla": "working_days:3", "return_to": ["provider", "check"], "precondition": None},
    ],
    "reasons": [{"code": "DOCS", "label": "材料不全", "decisions": ["return"]},
                {"code": "LATE", "label": "逾期提交", "decisions": ["return", "reject"], "steps": ["final"]}],
}


def test_a_reason_justifies_only_the_steps_and_decisions_it_lists(session, world):
    mia = Actor(world.users["mia_rev"].id, world.mia.id, "mia_rev")
    publish_case_type(session, SCOPED, actor=mia)
    case = engine.open_case(session, case_type="scoped_check", subject_id=world.provider.id, actor=mia, now=NOW)
    engine.decide(session, case, DecisionInput("approve"),
                  actor=Actor(world.users["pr_op"].id, world.provider.id, "pr_op"), now=NOW)
    for data in (DecisionInput("return", "LATE", "x"), DecisionInput("reject", "LATE"),
                 DecisionInput("reject", "DOCS")):
        with pytest.raises(ValidationFailed, match="不适用于本步骤") as caught:
            engine.decide(session, case, data, actor=mia, now=NOW)
        assert caught.value.fields == {"reason_code": "unknown"}
    engine.decide(session, case, DecisionInput("approve"), actor=mia, now=NOW)
    engine.decide(session, case, DecisionInput("return", "LATE", "三月份月报逾期", return_to="check"), actor=mia,
                  now=NOW)
    assert (case.step_code, case.round) == ("check", 2)
    engine.decide(session, case, DecisionInput("approve"), actor=mia, now=NOW)
    engine.decide(session, case, DecisionInput("reject", "LATE"), actor=mia, now=NOW)
    assert case.status == "rejected"
