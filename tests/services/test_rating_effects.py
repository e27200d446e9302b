"""Dynamic management (SPEC §8 effects): a rectification notice when the monthly star first falls to ★2
or below (once, until it rises above ★2 again), the provider's written response and the insurer's check;
an annual ★1 or two consecutive annual ★2 → an agreement-review proposal the MIA decides."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from ltc.auth.services import actor_of
from ltc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from ltc.core.periods import period_on
from ltc.orgs.models import AgreementPeriod
from ltc.orgs.services import status_on
from ltc.ratings.effects.models import AgreementReviewProposal, RectificationNotice
from ltc.ratings.effects.services import proposals as decide
from ltc.ratings.effects.services import rectification
from ltc.ratings.effects.services.readers import events_of
from tests.effects_builders import annual, monthly, placed

JAN, FEB, MAR, APR, MAY = (date(2026, m, 1) for m in range(1, 6))
LATER = datetime(2026, 6, 12, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def w(session, world):
    return placed(session, world)


def notices(session, provider):
    return list(session.scalars(select(RectificationNotice).where(RectificationNotice.provider_id == provider.id)
                                .order_by(RectificationNotice.month)))


def proposals(session, provider):
    return list(session.scalars(select(AgreementReviewProposal).where(
        AgreementReviewProposal.provider_id == provider.id).order_by(AgreementReviewProposal.year)))


def test_a_monthly_star_falling_to_two_issues_a_notice_for_the_insurer_of_the_district(session, w):
    monthly(session, w.provider, JAN, 4)
    assert notices(session, w.provider) == []
    monthly(session, w.provider, FEB, 2)
    [notice] = notices(session, w.provider)
    assert (notice.month, notice.stars, notice.status, notice.insurer_id) == (FEB, 2, "awaiting_response",
                                                                              w.insurer.id)
    assert notice.district == "东城区" and notice.issued_on == date(2026, 6, 10)
    assert [e.action for e in events_of(session, notice)] == ["issued"]


def test_the_notice_is_issued_once_until_the_star_rises_above_two_again(session, w):
    monthly(session, w.provider, FEB, 2)
    monthly(session, w.provider, MAR, 1)
    monthly(session, w.provider, MAR, 2)                     # a correction of a month still down
    assert [n.month for n in notices(session, w.provider)] == [FEB]
    monthly(session, w.provider, APR, 3)                     # recovered
    monthly(session, w.provider, MAY, 2)                     # fell again
    assert [n.month for n in notices(session, w.provider)] == [FEB, MAY]


def test_a_monthly_star_of_three_or_more_issues_no_notice(session, w):
    for month, stars in ((JAN, 3), (FEB, 5), (MAR, 4)):
        monthly(session, w.provider, month, stars)
    assert notices(session, w.provider) == []


def test_the_provider_answers_and_the_insurer_checks_until_accepted(session, w):
    monthly(session, w.provider, FEB, 2)
    [notice] = notices(session, w.provider)
    provider_op, insurer_op = actor_of(w.users["pr_op"]), actor_of(w.users["ins_op"])
    rectification.respond(session, notice, text="已补充培训护理员", attached=None, actor=provider_op, now=LATER)
    assert notice.status == "awaiting_check"
    with pytest.raises(ValidationFailed):
        rectification.check_response(session, notice, decision="not_accepted", reason=" ", actor=insurer_op,
                                     now=LATER)
    rectification.check_response(session, notice, decision="not_accepted", reason="未附培训记录", actor=insurer_op,
                                 now=LATER)
    assert notice.status == "awaiting_response"
    rectification.respond(session, notice, text="附培训签到表", attached=None, actor=provider_op, now=LATER)
    rectification.check_response(session, notice, decision="accepted", reason=None, actor=insurer_op, now=LATER)
    assert notice.status == "accepted"
    assert [(r.decision, r.check_reason) for r in notice.responses] == [("not_accepted", "未附培训记录"),
                                                                        ("accepted", None)]
    trail = events_of(session, notice)
    assert [e.action for e in trail] == ["issued", "responded", "not_accepted", "responded", "accepted"]
    assert trail[2].actor_id == w.users["ins_op"].id and trail[2].org_id == w.insurer.id
    assert trail[2].note == "未附培训记录" and trail[2].at == LATER


def test_only_the_notified_provider_answers_and_only_its_insurer_checks(session, w):
    monthly(session, w.provider, FEB, 2)
    [notice] = notices(session, w.provider)
    with pytest.raises(Forbidden):
        rectification.respond(session, notice, text="x", attached=None, actor=actor_of(w.users["pr2_op"]), now=LATER)
    with pytest.raises(InvalidTransition):
        rectification.check_response(session, notice, decision="accepted", reason=None,
                                     actor=actor_of(w.users["ins_op"]), now=LATER)
    rectification.respond(session, notice, text="整改", attached=None, actor=actor_of(w.users["pr_op"]), now=LATER)
    with pytest.raises(Forbidden):
        rectification.check_response(session, notice, decision="accepted", reason=None,
                                     actor=actor_of(w.users["mia_admin"]), now=LATER)


def test_an_annual_one_star_proposes_an_agreement_review(session, w):
    annual(session, w.provider, 2025, 1)
    [proposal] = proposals(session, w.provider)
    assert (proposal.year, proposal.stars, proposal.cause, proposal.status) == (2025, 1, "annual_one_star", "pending")
    assert [e.action for e in events_of(session, proposal)] == ["proposed"]


def test_two_consecutive_annual_two_stars_propose_a_review_and_one_does_not(session, w):
    annual(session, w.provider, 2023, 2)
    annual(session, w.provider, 2024, 3)
    annual(session, w.provider, 2025, 2)
    assert proposals(session, w.provider) == []
    annual(session, w.provider2, 2025, 2)
    annual(session, w.provider2, 2024, 2)                    # the earlier year rated last
    [proposal] = proposals(session, w.provider2)
    assert (proposal.year, proposal.cause) == (2025, "two_years_two_stars")


def test_the_mia_suspends_the_provider_from_a_date_that_p01_reads(session, w):
    annual(session, w.provider, 2025, 1)
    [proposal] = proposals(session, w.provider)
    decide.decide_proposal(session, proposal, decision="suspend", effective_on=date(2026, 7, 1),
                           reason="年度一星，暂停协议整改", actor=actor_of(w.users["mia_admin"]), now=LATER)
    assert status_on(session, w.provider, date(2026, 6, 30)) == "active"
    assert status_on(session, w.provider, date(2026, 7, 1)) == "suspended"
    assert (proposal.status, proposal.effective_on, proposal.reason) == ("suspended", date(2026, 7, 1),
                                                                         "年度一星，暂停协议整改")
    assert [e.action for e in events_of(session, proposal)] == ["proposed", "suspended"]
    with pytest.raises(InvalidTransition):
        decide.decide_proposal(session, proposal, decision="keep", effective_on=None, reason="再议",
                               actor=actor_of(w.users["mia_admin"]), now=LATER)


def test_the_mia_ends_the_agreement_on_a_date(session, w):
    annual(session, w.provider, 2025, 1)
    [proposal] = proposals(session, w.provider)
    decide.decide_proposal(session, proposal, decision="end", effective_on=date(2026, 8, 1), reason="退出",
                           actor=actor_of(w.users["mia_admin"]), now=LATER)
    assert period_on(session, AgreementPeriod, date(2026, 7, 31), org_id=w.provider.id) is not None
    assert period_on(session, AgreementPeriod, date(2026, 8, 1), org_id=w.provider.id) is None
    assert status_on(session, w.provider, date(2026, 8, 1)) == "exited"
    assert proposal.status == "ended"


def test_a_decision_needs_the_mia_a_reason_and_a_date(session, w):
    annual(session, w.provider, 2025, 1)
    [proposal] = proposals(session, w.provider)
    with pytest.raises(Forbidden):
        decide.decide_proposal(session, proposal, decision="keep", effective_on=None, reason="维持",
                               actor=actor_of(w.users["ins_admin"]), now=LATER)
    with pytest.raises(ValidationFailed):
        decide.decide_proposal(session, proposal, decision="keep", effective_on=None, reason="",
                               actor=actor_of(w.users["mia_admin"]), now=LATER)
    with pytest.raises(ValidationFailed):
        decide.decide_proposal(session, proposal, decision="suspend", effective_on=None, reason="暂停",
                               actor=actor_of(w.users["mia_admin"]), now=LATER)
    decide.decide_proposal(session, proposal, decision="keep", effective_on=None, reason="已整改，维持协议",
                           actor=actor_of(w.users["mia_admin"]), now=LATER)
    assert (proposal.status, proposal.effective_on) == ("kept", None)
    assert status_on(session, w.provider, date(2026, 9, 1)) == "active"


def test_a_notice_issued_without_an_insurer_goes_to_the_district_insurer_when_answered(session, world):
    from tests.carer_builders import provider_district

    monthly(session, world.provider, FEB, 2)                 # no district yet: no insurer to check
    [notice] = notices(session, world.provider)
    assert notice.insurer_id is None
    provider_district(session, world.provider, "东城区")
    rectification.respond(session, notice, text="整改", attached=None, actor=actor_of(world.users["pr_op"]), now=LATER)
    assert notice.insurer_id == world.insurer.id
    rectification.check_response(session, notice, decision="accepted", reason=None,
                                 actor=actor_of(world.users["ins_rev"]), now=LATER)
    assert notice.status == "accepted"
