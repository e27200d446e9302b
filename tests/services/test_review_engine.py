"""The review engine on a case type defined only as data (SPEC §4.1).

The case type ``statement_check`` exists nowhere in the code: the test publishes it in a new
policy version — two steps (provider, then the MIA), ``day_of_month`` deadlines, a return to
the provider, a rejection. Its subject is the provider organisation itself (a subject type
registered here, as a domain would register its own).
"""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from ltc.core.audit import Actor
from ltc.core.calendar import add_working_days
from ltc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from ltc.policy import services as policy_services
from ltc.policy.schema import to_raw
from ltc.reviews import engine
from ltc.reviews.definitions import ReviewPolicy, due_date
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase, ReviewEvent, ReviewStage
from ltc.reviews.queries import inbox, inbox_counts, trail
from ltc.reviews.registry import Check, Parties, SubjectType, register_subject
from tests.conftest import NOW
from tests.review_builders import publish_case_type

CASE_TYPE = {
    "code": "statement_check", "label": "机构月报核对（测试）", "subject": "test_provider",
    "steps": [
        {"code": "provider", "label": "机构提交", "owner": "subject_provider", "decisions": ["approve"],
         "sla": "day_of_month:5", "return_to": None, "precondition": "ready", "roles": ["operator"]},
        {"code": "mia", "label": "医保核定", "owner": "mia", "decisions": ["approve", "return", "reject"],
         "sla": "day_of_month:20", "return_to": "provider", "precondition": None},
    ],
    "reasons": [{"code": "DOCS", "label": "材料不全", "decisions": ["return"]},
                {"code": "FRAUD", "label": "虚假材料", "decisions": ["reject", "return"]}],
}
COMPLETED: list[int] = []
NOT_READY: set[int] = set()


def _not_ready(session, case, day):
    return "月报未上传" if case.subject_id in NOT_READY else None


register_subject(SubjectType(
    name="test_provider", parties=lambda session, sid: Parties(provider_id=sid),
    title=lambda session, sid: f"机构 {sid}",
    checks=lambda session, case, step, day: [Check("always", "示例检查", True, f"step {step} on {day}")],
    preconditions={"ready": _not_ready},
    on_complete=lambda session, case, *, actor, now: COMPLETED.append(case.id),
))


def publish_with_test_type(session, *, actor: Actor, now: datetime = NOW) -> None:
    publish_case_type(session, CASE_TYPE, actor=actor, now=now)


@pytest.fixture
def setup(session, world):
    COMPLETED.clear()
    mia = Actor(world.users["mia_rev"].id, world.mia.id, "mia_rev")
    publish_with_test_type(session, actor=mia)
    return world, mia, Actor(world.users["pr_op"].id, world.provider.id, "pr_op")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=timezone.utc)


def test_due_dates_of_both_rules(session):
    def due(rule, day):
        return due_date(rule, day, lambda d, n: add_working_days(session, d, n))
    assert due("day_of_month:5", date(2026, 3, 3)) == date(2026, 3, 5)
    assert due("day_of_month:5", date(2026, 3, 5)) == date(2026, 3, 5)
    # 5 April 2026 is Qingming (a Sunday): moved forward to Tuesday 7 April (SPEC §4.1)
    assert due("day_of_month:5", date(2026, 3, 6)) == date(2026, 4, 7)
    assert due("day_of_month:20", date(2026, 12, 21)) == date(2027, 1, 20)
    # 2026-04-03 (Fri) + 3 working days: Qingming 4–6 April is a holiday → Thu 9 April
    assert due("working_days:3", date(2026, 4, 3)) == date(2026, 4, 9)


def test_a_data_only_case_type_runs_with_returns_rounds_and_completion(session, setup):
    world, mia, provider = setup
    case = engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)
    assert (case.status, case.step_code, case.round) == ("open", "provider", 1)
    first = session.scalars(select(ReviewStage).where(ReviewStage.case_id == case.id)).one()
    assert (first.owner_org_id, first.entered_on, first.due_on) == (world.provider.id, date(2026, 3, 16),
                                                                      date(2026, 4, 7))
    engine.decide(session, case, DecisionInput("approve"), actor=provider, now=NOW)
    assert case.step_code == "mia"
    engine.decide(session, case, DecisionInput("return", "DOCS", "缺少三月份签到表"), actor=mia,
                  now=NOW + timedelta(days=1))
    assert (case.step_code, case.round) == ("provider", 2)
    engine.decide(session, case, DecisionInput("approve"), actor=provider, now=NOW + timedelta(days=2))
    engine.decide(session, case, DecisionInput("return", "FRAUD", "签名不一致"), actor=mia,
                  now=NOW + timedelta(days=3))
    engine.decide(session, case, DecisionInput("approve"), actor=provider, now=NOW + timedelta(days=4))
    engine.decide(session, case, DecisionInput("approve"), actor=mia, now=NOW + timedelta(days=5))
    assert (case.status, case.step_code, case.round) == ("completed", None, 3)
    assert case.id in COMPLETED
    rounds = trail(session, case)
    assert [r.number for r in rounds] == [1, 2, 3]
    assert [[(v.step_code, v.decision) for v in r.stages] for r in rounds] == [
        [("provider", "approve"), ("mia", "return")], [("provider", "approve"), ("mia", "return")],
        [("provider", "approve"), ("mia", "approve")]]
    returned = [e for e in rounds[0].events if e.action == "return"][0]
    assert (returned.reason_code, returned.reason_text, returned.actor_label) == ("DOCS", "缺少三月份签到表", "mia_rev")
    assert returned.snapshot["checks"][0]["detail"] == "step mia on 2026-03-17"
    assert case.version == 7  # one per decision (6) after opening at 1


def test_only_the_owner_of_the_current_step_may_decide(session, setup):
    world, mia, provider = setup
    case = engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)
    other = Actor(world.users["pr2_op"].id, world.provider2.id, "pr2_op")
    for actor in (mia, other):
        with pytest.raises(Forbidden):
            engine.decide(session, case, DecisionInput("approve"), actor=actor, now=NOW)
    assert (case.step_code, case.version) == ("provider", 1)


def test_decisions_a_step_does_not_allow_and_bad_reasons_are_refused(session, setup):
    world, mia, provider = setup
    case = engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)
    with pytest.raises(ValidationFailed, match="不能作出"):
        engine.decide(session, case, DecisionInput("reject", "FRAUD"), actor=provider, now=NOW)
    engine.decide(session, case, DecisionInput("approve"), actor=provider, now=NOW)
    for data, field in ((DecisionInput("return"), "reason_code"), (DecisionInput("return", "DOCS"), "reason_text"),
                        (DecisionInput("reject", "DOCS"), "reason_code"),
                        (DecisionInput("decline", "DOCS"), "decision")):
        with pytest.raises(ValidationFailed) as caught:
            engine.decide(session, case, data, actor=mia, now=NOW)
        assert field in caught.value.fields
    assert (case.step_code, case.status) == ("mia", "open")
    engine.decide(session, case, DecisionInput("reject", "FRAUD"), actor=mia, now=NOW)
    assert case.status == "rejected" and case.id not in COMPLETED
    with pytest.raises(InvalidTransition):
        engine.decide(session, case, DecisionInput("approve"), actor=mia, now=NOW)


def test_a_precondition_blocks_approve_only(session, setup):
    world, mia, provider = setup
    case = engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)
    NOT_READY.add(world.provider.id)
    try:
        with pytest.raises(ValidationFailed, match="月报未上传"):
            engine.decide(session, case, DecisionInput("approve"), actor=provider, now=NOW)
    finally:
        NOT_READY.discard(world.provider.id)
    engine.decide(session, case, DecisionInput("approve"), actor=provider, now=NOW)
    assert case.step_code == "mia"


def test_a_stale_version_is_a_conflict_naming_who_changed_the_case(session, setup):
    world, mia, provider = setup
    case = engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)
    engine.decide(session, case, DecisionInput("approve", expected_version=1), actor=provider, now=NOW)
    with pytest.raises(Conflict, match="pr_op 于 2026-03-16 10:00"):
        engine.decide(session, case, DecisionInput("return", "DOCS", "x", expected_version=1), actor=mia, now=NOW)
    assert case.step_code == "mia"


def test_the_loser_of_a_race_whose_step_moved_on_is_told_of_the_change_not_refused(session, setup):
    """Issue #9: the version is checked before the owner: a second decider of the provider whose
    decision comes after the first one's gets the 409 naming who and when, not 403."""
    world, mia, provider = setup
    case = engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)
    engine.decide(session, case, DecisionInput("approve", expected_version=1), actor=provider, now=NOW)
    with pytest.raises(Conflict, match="^此案件已被 pr_op 于 2026-03-16 10:00 修改，请刷新后重试$"):
        engine.decide(session, case, DecisionInput("approve", expected_version=1),
                      actor=Actor(provider.user_id, provider.org_id, "另一位机构用户"), now=NOW)


def test_the_loser_of_a_race_that_closed_the_case_is_told_of_the_change(session, setup):
    world, mia, provider = setup
    case = engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)
    engine.decide(session, case, DecisionInput("approve", expected_version=1), actor=provider, now=NOW)
    engine.decide(session, case, DecisionInput("approve", expected_version=2), actor=mia, now=NOW)
    with pytest.raises(Conflict, match="^此案件已被 mia_rev 于"):
        engine.decide(session, case, DecisionInput("return", "DOCS", "x", expected_version=2), actor=mia, now=NOW)


def test_one_open_case_per_subject_and_type(session, setup):
    world, mia, _ = setup
    engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)
    with pytest.raises(Conflict):
        engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)


def test_inbox_shows_overdue_first_and_counts_them(session, setup):
    world, mia, provider = setup
    late = engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia,
                            now=at(date(2026, 2, 10)))      # due 5 March
    fresh = engine.open_case(session, case_type="statement_check", subject_id=world.provider2.id, actor=mia,
                             now=at(date(2026, 3, 2)))      # provider2's, due 5 March
    today = date(2026, 3, 6)
    assert inbox_counts(session, world.provider.id, today) == (1, 1)
    assert [c.id for _, c in inbox(session, world.provider.id, today).items] == [late.id]
    assert inbox_counts(session, world.provider2.id, date(2026, 3, 5)) == (1, 0)
    assert engine.mark_overdue(session, today=today) == 2
    assert engine.mark_overdue(session, today=today) == 0
    engine.decide(session, fresh, DecisionInput("approve"), actor=Actor(None, world.provider2.id, "pr2"),
                  now=at(today))
    stage = session.scalars(select(ReviewStage).where(ReviewStage.case_id == fresh.id)
                            .order_by(ReviewStage.id)).first()
    assert stage.overdue(today) and stage.overdue_marked_on == today


def test_cancel_keeps_the_trail(session, setup):
    world, mia, _ = setup
    case = engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)
    engine.cancel_case(session, case, reason="参保人死亡", actor=mia, now=NOW)
    assert case.status == "cancelled" and case.close_reason == "参保人死亡"
    actions = session.scalars(select(ReviewEvent.action).where(ReviewEvent.case_id == case.id)
                              .order_by(ReviewEvent.id)).all()
    assert actions == ["opened", "cancelled"]


@pytest.mark.parametrize("bad, path", [
    ({"sla": "weeks:3"}, "sla"), ({"sla": "day_of_month:31"}, "sla"), ({"decisions": ["return"]}, "decisions"),
    ({"return_to": "nowhere"}, "return_to"), ({"owner": "anyone"}, "owner"),
])
def test_bad_step_definitions_are_refused_on_edit(session, setup, bad, path):
    world, mia, _ = setup
    draft = policy_services.create_draft(session, actor=mia, now=NOW)
    reviews = to_raw(policy_services.policy_on(session, NOW.date()).section(ReviewPolicy))
    step = {**CASE_TYPE["steps"][1], **bad}
    reviews["case_types"].append({**CASE_TYPE, "code": "broken", "steps": [CASE_TYPE["steps"][0], step]})
    with pytest.raises(ValidationFailed) as caught:
        policy_services.update_section(session, draft, "reviews", reviews, actor=mia, now=NOW)
    assert any(path in key for key in caught.value.fields), caught.value.fields


def test_case_keeps_its_definition_when_the_policy_changes(session, setup):
    world, mia, provider = setup
    case = engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)
    draft = policy_services.create_draft(session, actor=mia, now=NOW)
    reviews = to_raw(policy_services.policy_on(session, NOW.date()).section(ReviewPolicy))
    reviews["case_types"] = [c for c in reviews["case_types"] if c["code"] != "statement_check"]
    policy_services.update_section(session, draft, "reviews", reviews, actor=mia, now=NOW)
    policy_services.publish(session, draft, effective_from=date(2026, 3, 17), actor=mia, now=NOW)
    later = NOW + timedelta(days=2)
    engine.decide(session, case, DecisionInput("approve"), actor=provider, now=later)
    assert session.get(ReviewCase, case.id).step_code == "mia"
    with pytest.raises(ValidationFailed):
        engine.open_case(session, case_type="statement_check", subject_id=world.provider2.id, actor=mia, now=later)


def test_events_are_written_once(session, setup):
    from ltc.core.db import ImmutableRecord
    world, mia, _ = setup
    case = engine.open_case(session, case_type="statement_check", subject_id=world.provider.id, actor=mia, now=NOW)
    event = session.scalars(select(ReviewEvent).where(ReviewEvent.case_id == case.id)).one()
    event.reason_text = "改写"
    with pytest.raises(ImmutableRecord):
        session.flush()
    session.rollback()
