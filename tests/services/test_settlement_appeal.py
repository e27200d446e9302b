"""Appeals (SPEC §7.3): their own case type, provider → insurer, within 5 working days of the audit's
decision; the settlement never waits; a won appeal is an adjustment for the next regular settlement."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from ltc.billing.models import SettlementAdjustment
from ltc.billing.review import appeals, approval
from ltc.billing.review.models import SettlementAppealItem
from ltc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from ltc.reviews.engine import current_stage
from ltc.reviews.models import ReviewCase
from tests.settlement_review_builders import actor, audited, submitted

APPEAL_NOW = datetime(2026, 7, 10, 2, 0, tzinfo=timezone.utc)


def _file(session, world, built, **kw):
    return appeals.file_appeal(session, built.settlement, refusals=kw.get("refusals", [("visit", built.flagged[0].id)]),
                               rejects=kw.get("rejects", []), reason="签到点为老人女儿家，已附证明",
                               actor=actor(world, "pr_op"), now=kw.get("now", APPEAL_NOW))


def test_an_appeal_is_its_own_case_at_the_insurer_and_the_settlement_goes_on(session, world):
    built = audited(session, world)
    appeal = _file(session, world, built)
    case = session.get(ReviewCase, appeal.case_id)
    assert (case.case_type, case.step_code, current_stage(session, case).owner_org_id) == (
        "settlement_appeal", "appeal_review", world.insurer.id)
    approval.approve(session, built.settlement, actor=actor(world, "mia_rev"), now=APPEAL_NOW)
    assert built.settlement.status == "approved"


def test_a_won_appeal_becomes_an_adjustment_for_the_next_regular_settlement(session, world):
    built = audited(session, world)
    appeal = _file(session, world, built)
    appeals.decide_appeal(session, appeal, upheld=True, actor=actor(world, "ins_rev"), now=APPEAL_NOW)
    assert appeal.outcome == "won"
    [adjustment] = session.scalars(select(SettlementAdjustment).where(SettlementAdjustment.case_id == appeal.case_id))
    assert (adjustment.reason, adjustment.fund, adjustment.billable, adjustment.settlement_id) == (
        "appeal", Decimal("58.50"), Decimal("65.00"), None)
    assert (adjustment.corrects_settlement_id, adjustment.record_id) == (built.settlement.id, built.flagged[0].id)


def test_a_lost_appeal_leaves_the_deduction_and_raises_nothing(session, world):
    built = audited(session, world)
    appeal = _file(session, world, built)
    with pytest.raises(ValidationFailed):  # a rejection needs its reason
        appeals.decide_appeal(session, appeal, upheld=False, actor=actor(world, "ins_rev"), now=APPEAL_NOW)
    appeals.decide_appeal(session, appeal, upheld=False, reason_code="UNFOUNDED", actor=actor(world, "ins_rev"),
                          now=APPEAL_NOW)
    assert appeal.outcome == "lost"
    assert session.scalars(select(SettlementAdjustment)).all() == []


def test_an_automatic_reject_may_be_appealed_and_is_priced_at_its_lines_rate(session, world):
    built = audited(session, world)
    visit, finding = built.rejected[0]
    appeal = _file(session, world, built, refusals=[], rejects=[finding.id])
    [item] = session.scalars(select(SettlementAppealItem).where(SettlementAppealItem.appeal_id == appeal.id))
    assert (item.kind, item.rule, item.units, item.billable, item.fund) == (
        "reject", "V03", 60, Decimal("65.00"), Decimal("58.50"))
    appeals.decide_appeal(session, appeal, upheld=True, actor=actor(world, "ins_rev"), now=APPEAL_NOW)
    assert session.scalar(select(SettlementAdjustment.fund)) == Decimal("58.50")


def test_appeals_open_only_after_the_audit_within_five_working_days_and_only_for_the_provider(session, world):
    built = submitted(session, world)
    with pytest.raises(InvalidTransition):  # not audited yet
        _file(session, world, built)
    built = audited(session, world, n0=60, provider=world.provider2)
    with pytest.raises(Forbidden):
        appeals.file_appeal(session, built.settlement, refusals=[("visit", built.flagged[0].id)], rejects=[],
                            reason="x", actor=actor(world, "pr_op"), now=APPEAL_NOW)
    # audited on Wednesday 8 July: the window ends on Wednesday 15 July
    assert str(appeals.appeal_deadline(session, built.settlement)) == "2026-07-15"
    late = datetime(2026, 7, 16, 2, 0, tzinfo=timezone.utc)
    with pytest.raises(InvalidTransition):
        appeals.file_appeal(session, built.settlement, refusals=[("visit", built.flagged[0].id)], rejects=[],
                            reason="x", actor=actor(world, "pr2_op"), now=late)


def test_only_refused_records_can_be_appealed(session, world):
    built = audited(session, world)
    paid = built.flagged[1]
    with pytest.raises(ValidationFailed):
        _file(session, world, built, refusals=[("visit", paid.id)])
    with pytest.raises(ValidationFailed):
        _file(session, world, built, refusals=[])

