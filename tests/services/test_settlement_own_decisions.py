"""The settlement and appeal cases are decided only through the settlement review (SPEC §4.1, §7.3): the
engine's generic decision refuses any of their steps (approve, return, reject) with a message naming the
settlement review page, and the settlement's status stays the one its own services set."""
from datetime import datetime, timezone

import pytest

from ltc.billing.review import appeals
from ltc.core.errors import Forbidden
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase
from tests.settlement_review_builders import AUDIT_NOW, actor, audited, submitted

APPEAL_NOW = datetime(2026, 7, 10, 2, 0, tzinfo=timezone.utc)


def test_the_engine_refuses_to_return_a_settlement_audit_and_the_status_stays(session, world):
    built = submitted(session, world)
    case = session.get(ReviewCase, built.settlement.case_id)
    with pytest.raises(Forbidden) as refused:
        engine.decide(session, case, DecisionInput("return", "EVIDENCE", "请补充", case.version),
                      actor=actor(world, "ins_rev"), now=AUDIT_NOW)
    assert "结算审核" in refused.value.message and refused.value.fields == {"decision": "decided on the subject's page"}
    session.refresh(case)
    assert (case.step_code, case.round, built.settlement.status) == ("audit", 1, "submitted")


def test_the_engine_refuses_the_mias_return_of_an_audited_settlement(session, world):
    built = audited(session, world)
    case = session.get(ReviewCase, built.settlement.case_id)
    with pytest.raises(Forbidden):
        engine.decide(session, case, DecisionInput("return", "AMOUNT", "复核", case.version),
                      actor=actor(world, "mia_rev"), now=AUDIT_NOW)
    session.refresh(case)
    assert (case.step_code, built.settlement.status) == ("approval", "audited")


def test_the_engine_refuses_to_decide_an_appeal_which_its_own_service_decides(session, world):
    built = audited(session, world)
    appeal = appeals.file_appeal(session, built.settlement, refusals=[("visit", built.flagged[0].id)], rejects=[],
                                 reason="已附证明", actor=actor(world, "pr_op"), now=APPEAL_NOW)
    case = session.get(ReviewCase, appeal.case_id)
    with pytest.raises(Forbidden):
        engine.decide(session, case, DecisionInput("reject", "UNFOUNDED", None, case.version),
                      actor=actor(world, "ins_rev"), now=APPEAL_NOW)
    assert (case.status, appeal.outcome) == ("open", "open")
    appeals.decide_appeal(session, appeal, upheld=False, reason_code="UNFOUNDED", actor=actor(world, "ins_rev"),
                          now=APPEAL_NOW)
    assert (case.status, appeal.outcome) == ("rejected", "lost")

