"""Care-plan revisions after the grant (SPEC §4.2, issue 8 point 14): a small review case
(provider → insurer), effective from the later of the requested date and the day after
approval, never retroactive, no new entitlement; the version in force on any date."""
from datetime import date, datetime, timedelta, timezone, time

import pytest
from sqlalchemy import func, select

from ltc.auth.services import actor_of
from ltc.core.audit import AuditEntry
from ltc.core.errors import Forbidden, ValidationFailed
from ltc.entitlements.models import Entitlement
from ltc.entitlements.plans import plan_in_force, plans_in_force
from ltc.providers.care_plans.services import VisitTypeInput, save_plan
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase, ReviewEvent
from tests.conftest import NOW
from tests.queries import count_queries
from tests.review_builders import approve_through, opened, plan_for

NINE = time(9, 0)  # a weekly visit type's usual start time

GRANTED_FROM = date(2026, 4, 1)   # home care concluded 2026-03-10: from the 1st of the next month
APPROVED = datetime(2026, 4, 20, 2, 0, tzinfo=timezone.utc)   # 10:00 in Shanghai
MORE_VISITS = [VisitTypeInput("生活照料", 4, "week", 60, ("SH01", "SH02"), start_time=NINE)]


@pytest.fixture
def r(shared_review):
    return shared_review


@pytest.fixture
def granted(session, r):
    """A home-care entitlement granted through the four-party review, with plan version 1."""
    request, case = opened(session, r)
    first = plan_for(session, request)
    approve_through(session, r, case, "provider", "agency", "insurer", "mia")
    return session.get(Entitlement, request.entitlement_id), first


def revise(session, r, entitlement, *, requested_from=None, visits=None, now=NOW):
    return save_plan(session, person_id=entitlement.person_id, provider_id=entitlement.provider_id,
                     care_type=entitlement.care_type, level=entitlement.level, visit_types=visits or MORE_VISITS,
                     actor=actor_of(r.c.world.users["pr_op"]), now=now, requested_from=requested_from)


def revision_case(session, entitlement) -> ReviewCase:
    return session.scalars(select(ReviewCase).where(ReviewCase.case_type == "plan_revision",
                                                    ReviewCase.subject_id == entitlement.id)).one()


def submit(session, r, case, now=NOW):
    engine.decide(session, case, DecisionInput("approve"), actor=actor_of(r.c.world.users["pr_op"]), now=now)


def insurer(r):
    return actor_of(r.c.world.users["ins_rev"])


def entitlements(session) -> int:
    return session.scalar(select(func.count()).select_from(Entitlement))


def test_the_granted_version_is_in_force_from_the_entitlement_start(session, granted):
    entitlement, first = granted
    assert (first.status, first.entitlement_id, first.effective_from) == ("final", entitlement.id, GRANTED_FROM)
    assert plan_in_force(session, entitlement.id, GRANTED_FROM) == first
    assert plan_in_force(session, entitlement.id, GRANTED_FROM - timedelta(days=1)) is None   # before the grant
    assert plan_in_force(session, entitlement.id, entitlement.valid_to) is None                # after its end


def test_a_version_saved_after_the_grant_opens_a_revision_case_for_the_district_insurer(session, r, granted):
    entitlement, _ = granted
    second = revise(session, r, entitlement, requested_from=date(2026, 5, 1))
    assert (second.status, second.entitlement_id, second.requested_from) == ("pending", entitlement.id,
                                                                            date(2026, 5, 1))
    case = revision_case(session, entitlement)
    assert (case.subject_type, case.status, case.step_code) == ("care_plan_revision", "open", "provider")
    assert case.owners == {"provider": entitlement.provider_id, "insurer": r.c.world.insurer.id}
    assert "护理计划变更" in case.title


def test_approval_takes_effect_the_day_after_approval_when_the_requested_date_has_passed(session, r, granted):
    entitlement, first = granted
    before = entitlements(session)
    second = revise(session, r, entitlement, requested_from=date(2026, 4, 2))   # earlier than approval: not retroactive
    case = revision_case(session, entitlement)
    submit(session, r, case)
    engine.decide(session, case, DecisionInput("approve"), actor=insurer(r), now=APPROVED)
    assert case.status == "completed"
    assert (second.status, second.effective_from) == ("final", date(2026, 4, 21))
    assert entitlements(session) == before                       # no new entitlement, no new segment
    assert plan_in_force(session, entitlement.id, date(2026, 4, 20)) == first
    assert plan_in_force(session, entitlement.id, date(2026, 4, 21)) == second
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "care_plan",
                                                           AuditEntry.entity_id == str(second.id))
                           .order_by(AuditEntry.id)).all() == [
        "create", "revision_pending", "finalize"]


def test_a_later_requested_date_wins_over_the_day_after_approval(session, r, granted):
    entitlement, first = granted
    second = revise(session, r, entitlement, requested_from=date(2026, 6, 1))
    case = revision_case(session, entitlement)
    submit(session, r, case)
    engine.decide(session, case, DecisionInput("approve"), actor=insurer(r), now=APPROVED)
    assert second.effective_from == date(2026, 6, 1)
    assert plan_in_force(session, entitlement.id, date(2026, 5, 31)) == first
    assert plan_in_force(session, entitlement.id, date(2026, 6, 1)) == second


def test_a_rejected_revision_never_takes_effect(session, r, granted):
    entitlement, first = granted
    second = revise(session, r, entitlement, requested_from=date(2026, 5, 1))
    case = revision_case(session, entitlement)
    submit(session, r, case)
    engine.decide(session, case, DecisionInput("reject", "NO_NEED", "护理需求无变化"), actor=insurer(r), now=APPROVED)
    assert (case.status, second.status, second.effective_from) == ("rejected", "rejected", None)
    assert plan_in_force(session, entitlement.id, date(2027, 1, 1)) == first


def test_a_returned_revision_is_revised_by_a_new_version_in_the_same_case(session, r, granted):
    entitlement, _ = granted
    second = revise(session, r, entitlement)
    case = revision_case(session, entitlement)
    submit(session, r, case)
    engine.decide(session, case, DecisionInput("return", "PLAN", "请调整每周次数"), actor=insurer(r), now=NOW)
    assert case.step_code == "provider"
    third = revise(session, r, entitlement,
                   visits=[VisitTypeInput("生活照料", 2, "week", 90, ("SH01",), start_time=NINE)])
    assert (second.status, third.status, case.subject_revision) == ("replaced", "pending", 2)
    submit(session, r, case)
    engine.decide(session, case, DecisionInput("approve"), actor=insurer(r), now=APPROVED)
    assert (third.status, third.effective_from, second.status) == ("final", date(2026, 4, 21), "replaced")
    actions = session.execute(select(ReviewEvent.action, ReviewEvent.subject_revision)
                              .where(ReviewEvent.case_id == case.id).order_by(ReviewEvent.id)).all()
    assert actions == [("opened", 1), ("approve", 1), ("return", 1), ("revised", 2), ("approve", 2), ("approve", 2)]


def test_only_the_provider_operator_submits_and_only_the_insurer_decides(session, r, granted):
    entitlement, _ = granted
    revise(session, r, entitlement)
    case = revision_case(session, entitlement)
    with pytest.raises(Forbidden):   # the provider's reviewer holds no role the submit step names
        engine.decide(session, case, DecisionInput("approve"), actor=r.actor("provider"), now=NOW)
    submit(session, r, case)
    with pytest.raises(Forbidden):
        engine.decide(session, case, DecisionInput("approve"), actor=r.actor("mia"), now=NOW)


def test_a_revision_over_the_cap_cannot_be_submitted(session, r, granted):
    entitlement, _ = granted
    revise(session, r, entitlement,
           visits=[VisitTypeInput("生活照料", 7, "week", 60, ("SH01",), start_time=NINE)])   # 30.33 h > 21 h
    with pytest.raises(ValidationFailed, match="护理计划变更未通过检查"):
        submit(session, r, revision_case(session, entitlement))


def test_a_requested_date_after_the_entitlement_ends_is_refused(session, r, granted):
    entitlement, _ = granted
    with pytest.raises(ValidationFailed, match="申请生效日期应早于待遇终止日期"):
        revise(session, r, entitlement, requested_from=entitlement.valid_to)


def test_a_plan_without_a_granted_entitlement_stays_a_draft(session, r):
    request, case = opened(session, r)
    plan = plan_for(session, request)
    assert (plan.status, plan.entitlement_id) == ("draft", None)
    assert session.scalar(select(func.count()).select_from(ReviewCase)
                          .where(ReviewCase.case_type == "plan_revision")) == 0


def test_the_revision_checks_warn_of_calendar_months_over_the_cap_without_blocking(session, r, granted):
    """Mondays only, 280 minutes: 20.22 h in an average month (cap 21 h for level 4), but
    23.33 h in a month of five Mondays (March 2027)."""
    entitlement, _ = granted
    revise(session, r, entitlement,
           visits=[VisitTypeInput("生活照料", 1, "week", 280, ("SH01",), weekdays=(1,), start_time=NINE)])
    case = revision_case(session, entitlement)
    checks = {c.code: c for c in engine.step_checks(session, case, "insurer", NOW.date())}
    warning = checks["plan.home_calendar_months"]
    assert warning.passed is None and "2027年3月 计划 23.33 小时，超过月上限 21 小时" in warning.text
    assert "2027年2月" not in warning.text
    assert checks["plan.home_hours_cap"].passed is True
    submit(session, r, case)   # a warning does not block
    assert case.step_code == "insurer"


def test_plans_in_force_reads_many_entitlements_in_one_query(session, r, granted):
    entitlement, first = granted
    with count_queries(session) as statements:
        found = plans_in_force(session, [entitlement.id, entitlement.id + 1000], date(2026, 5, 1))
    assert found == {entitlement.id: first} and len(statements) == 1


def test_a_revision_approved_before_the_entitlement_starts_replaces_the_granted_version_from_its_start(
        session, r, granted):
    entitlement, first = granted
    second = revise(session, r, entitlement)
    case = revision_case(session, entitlement)
    submit(session, r, case)
    engine.decide(session, case, DecisionInput("approve"), actor=insurer(r), now=NOW)   # 2026-03-16
    assert second.effective_from == GRANTED_FROM
    assert plan_in_force(session, entitlement.id, GRANTED_FROM) == second


def test_a_newer_approved_version_supersedes_one_approved_earlier_for_a_later_date(session, r, granted):
    entitlement, first = granted
    later = revise(session, r, entitlement, requested_from=date(2026, 9, 1))
    case = revision_case(session, entitlement)
    submit(session, r, case)
    engine.decide(session, case, DecisionInput("approve"), actor=insurer(r), now=APPROVED)
    sooner = revise(session, r, entitlement,
                    visits=[VisitTypeInput("生活照料", 2, "week", 90, ("SH01",), start_time=NINE)], now=APPROVED)
    case = session.scalars(select(ReviewCase).where(ReviewCase.case_type == "plan_revision",
                                                    ReviewCase.status == "open")).one()
    submit(session, r, case, now=APPROVED)
    engine.decide(session, case, DecisionInput("approve"), actor=insurer(r), now=APPROVED + timedelta(days=5))
    assert (later.effective_from, sooner.effective_from) == (date(2026, 9, 1), date(2026, 4, 26))
    assert [plan_in_force(session, entitlement.id, day) for day in (date(2026, 4, 25), date(2026, 4, 26),
                                                                    date(2026, 9, 1))] == [first, sooner, sooner]
