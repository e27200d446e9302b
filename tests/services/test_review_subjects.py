"""A subject without a person, owner rules as a registry, and the roles each step names
(SPEC §4.1). The subject and its case type live in ``tests/statement_review.py``; nothing in
``ltc.reviews`` knows them."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ltc.auth.services import actor_of
from ltc.core.errors import Forbidden, ValidationFailed
from ltc.policy import services as policy_services
from ltc.policy.schema import parse_as, parse_section, to_raw
from ltc.reviews import engine
from ltc.reviews.definitions import StepDef
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewStage
from ltc.reviews.owners import OWNER_RULES, owner_kind, register_owner_rule, resolve_owner
from ltc.reviews.queries import inbox, inbox_counts
from ltc.reviews.registry import Parties
from tests import statement_review as st
from tests.conftest import NOW
from tests.people_builders import person


@pytest.fixture
def w(session, world):
    st.reset()
    st.publish(session, world)
    return world


def actor(w, username: str):
    return actor_of(w.users[username])


def test_a_subject_without_a_person_runs_to_completion_and_its_hook_runs(session, w):
    case = st.open_statement(session, w, w.provider.id, "东城区")
    assert case.person_id is None and case.title == f"机构月结单 {w.provider.id}"
    assert case.owners == {"provider": w.provider.id, "insurer": w.insurer.id, "mia": w.mia.id}
    engine.decide(session, case, DecisionInput("approve"), actor=actor(w, "pr_op"), now=NOW)
    engine.decide(session, case, DecisionInput("return", "DOCS", "缺少签到表"), actor=actor(w, "ins_rev"),
                  now=NOW + timedelta(hours=1))
    assert (case.step_code, case.round) == ("provider", 2)
    for username in ("pr_op", "ins_rev", "mia_rev"):
        engine.decide(session, case, DecisionInput("approve"), actor=actor(w, username), now=NOW + timedelta(days=1))
    assert case.status == "completed" and st.LEDGER.completed == [(case.id, "mia_rev")]
    stages = session.scalars(select(ReviewStage).where(ReviewStage.case_id == case.id).order_by(ReviewStage.id))
    assert [(s.step_code, s.owner_kind, s.roles) for s in stages] == [
        ("provider", "provider", "operator"), ("insurer", "insurer", "reviewer"),
        ("provider", "provider", "operator"), ("insurer", "insurer", "reviewer"), ("mia", "mia", "reviewer")]


def test_the_subjects_district_picks_the_insurer(session, w):
    case = st.open_statement(session, w, w.provider2.id, "海淀区")
    assert case.owners["insurer"] == w.users["ins2_rev"].org_id
    with pytest.raises(ValidationFailed, match="provider_district_insurer"):  # no insurer has 朝阳区
        st.open_statement(session, w, w.provider.id, "朝阳区")


def test_the_parties_district_wins_over_the_persons(session, w):
    west = person(session, 1, name="李海淀", district="海淀区")
    day = date(2026, 3, 16)
    assert resolve_owner(session, "district_insurer", Parties(person_id=west.id), day) == w.users["ins2_rev"].org_id
    assert resolve_owner(session, "district_insurer", Parties(person_id=west.id, district="东城区"), day) == \
        w.insurer.id


def test_a_reviewer_cannot_decide_an_operators_step_and_an_operator_can(session, w):
    case = st.open_statement(session, w, w.provider.id, "东城区")
    with pytest.raises(Forbidden, match="经办员"):
        engine.decide(session, case, DecisionInput("approve"), actor=actor(w, "pr_rev"), now=NOW)
    assert (case.step_code, case.version) == ("provider", 1)
    assert not engine.may_decide(session, case, w.users["pr_rev"])
    assert engine.may_decide(session, case, w.users["pr_op"]) and engine.may_decide(session, case, w.users["pr_both"])
    engine.decide(session, case, DecisionInput("approve"), actor=actor(w, "pr_op"), now=NOW)
    with pytest.raises(Forbidden, match="审核员"):  # the insurer's step: reviewers only
        engine.decide(session, case, DecisionInput("approve"), actor=actor(w, "ins_op"), now=NOW)
    assert case.step_code == "insurer"


def test_the_precondition_and_the_end_hook_are_the_subjects(session, w):
    st.LEDGER.not_uploaded.add(w.provider.id)
    case = st.open_statement(session, w, w.provider.id, "东城区")
    with pytest.raises(ValidationFailed, match="月结单未上传"):
        engine.decide(session, case, DecisionInput("approve"), actor=actor(w, "pr_op"), now=NOW)
    st.LEDGER.not_uploaded.clear()
    engine.decide(session, case, DecisionInput("approve"), actor=actor(w, "pr_op"), now=NOW)
    engine.decide(session, case, DecisionInput("approve"), actor=actor(w, "ins_rev"), now=NOW)
    engine.decide(session, case, DecisionInput("reject", "FRAUD", "签名不一致"), actor=actor(w, "mia_rev"), now=NOW)
    assert st.LEDGER.ended == [(case.id, "rejected")] and st.LEDGER.completed == []


def test_the_inbox_lists_only_the_stages_a_users_roles_may_decide(session, w):
    case = st.open_statement(session, w, w.provider.id, "东城区")
    today = date(2026, 3, 16)
    mine = [c.id for _, c in inbox(session, w.provider.id, today, roles=w.users["pr_op"].roles).items]
    assert mine == [case.id]
    assert inbox(session, w.provider.id, today, roles=w.users["pr_rev"].roles).items == []
    assert inbox_counts(session, w.provider.id, today, roles=w.users["pr_rev"].roles) == (0, 0)
    assert inbox_counts(session, w.provider.id, today, roles=w.users["pr_both"].roles) == (1, 0)
    assert inbox_counts(session, w.provider.id, today) == (1, 0)  # no roles given: every stage


def test_owner_rules_are_a_registry_checked_when_the_policy_is_saved(session, w):
    assert {"subject_provider", "subject_agency", "district_insurer", "provider_district_insurer",
            "mia"} <= set(OWNER_RULES)
    raw = to_raw(policy_services.policy_on(session, date(2026, 3, 16)).section("reviews"))
    statement = next(c for c in raw["case_types"] if c["code"] == "provider_statement")
    statement["steps"][2]["owner"] = "test_fixed_mia"
    with pytest.raises(ValidationFailed) as refused:
        parse_section("reviews", raw)
    path = f"reviews.case_types[{raw['case_types'].index(statement)}].steps[2].owner"
    assert path in refused.value.fields
    register_owner_rule("test_fixed_mia", "mia", lambda session, parties, day: w.mia.id)
    try:
        assert parse_section("reviews", raw) and owner_kind("test_fixed_mia") == "mia"
        draft = policy_services.create_draft(session, actor=actor(w, "mia_admin"), now=NOW)
        policy_services.update_section(session, draft, "reviews", raw, actor=actor(w, "mia_admin"), now=NOW)
    finally:
        del OWNER_RULES["test_fixed_mia"]


def test_a_step_stored_without_roles_is_a_reviewers(session):
    raw = {"code": "mia", "label": "医保核定", "owner": "mia", "decisions": ["approve"], "sla": "working_days:3",
           "return_to": None, "precondition": None}
    assert parse_as(StepDef, raw, "step").roles == ("reviewer",)
    with pytest.raises(ValidationFailed, match="roles"):
        parse_as(StepDef, {**raw, "roles": []}, "step")
    with pytest.raises(ValidationFailed, match="roles"):
        parse_as(StepDef, {**raw, "roles": ["boss"]}, "step")


def test_the_insurer_of_the_providers_district_is_read_on_the_entry_day(session, w):
    """The provider's district is dated: a case entered before the move goes to the old district's
    insurer, one entered after it to the new one's."""
    from ltc.orgs import services as orgs
    from ltc.providers import services as providers

    st.open_statement(session, w, w.provider.id, "东城区")  # from 2026-01-01
    assert "海淀区" in orgs.district_names(session)  # listed with the second insurer's contract
    providers.set_district(session, w.provider, actor=actor(w, "mia_rev"), now=NOW, district="海淀区",
                           valid_from=date(2026, 4, 1))
    parties = Parties(provider_id=w.provider.id)
    assert resolve_owner(session, "provider_district_insurer", parties, date(2026, 3, 31)) == w.insurer.id
    assert resolve_owner(session, "provider_district_insurer", parties, date(2026, 4, 1)) == \
        w.users["ins2_rev"].org_id
    with pytest.raises(ValidationFailed):
        resolve_owner(session, "provider_district_insurer", Parties(), date(2026, 4, 1))  # no provider
