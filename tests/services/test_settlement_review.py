"""The settlement review on the engine (SPEC §7.3): submit, the insurer's decisions on flagged records
(one by one and in bulk), deductions, the audit's completion, the MIA's return and approval."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ltc.billing.review import approval, auditing, sampling, workflow
from ltc.billing.review.auditing import RecordFilter
from ltc.billing.review.models import SettlementRecordDecision, SettlementRemark, SettlementReviewEvent
from ltc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from ltc.reviews.engine import current_stage
from tests.settlement_review_builders import AUDIT_NOW, NOW, actor, audited, settlement, submitted


def _events(session, s, action):
    return session.scalars(select(SettlementReviewEvent).where(SettlementReviewEvent.settlement_id == s.id,
                                                               SettlementReviewEvent.action == action)).all()


def test_submit_opens_the_settlement_case_at_the_insurer_due_on_day_12_with_the_providers_remarks(session, world):
    built = settlement(session, world)
    flagged = built.flagged[0]
    case = workflow.submit(session, built.settlement, remarks={("visit", flagged.id): ("家属在场", "照片编号 17")},
                           actor=actor(world, "pr_op"), now=NOW, note="六月结算")
    assert built.settlement.status == "submitted" and built.settlement.case_id == case.id
    stage = current_stage(session, case)
    assert (case.step_code, stage.owner_org_id, stage.due_on) == ("audit", world.insurer.id, date(2026, 7, 13))
    submit_stage = case.stages[0]
    assert (submit_stage.step_code, submit_stage.due_on, submit_stage.decision) == ("submit", date(2026, 7, 6),
                                                                                   "approve")
    remark = session.scalar(select(SettlementRemark).where(SettlementRemark.settlement_id == built.settlement.id))
    assert (remark.record_id, remark.remark, remark.evidence) == (flagged.id, "家属在场", "照片编号 17")
    [event] = _events(session, built.settlement, "submitted")
    assert (event.user_id, event.reason_text) == (world.users["pr_op"].id, "六月结算")


def test_submitting_settles_the_records_of_the_settlements_lines(session, world):
    built = submitted(session, world)
    visits = [v for made in built.visits.values() for v in made]
    for v in visits:
        session.refresh(v)
    assert all(v.settled_at is not None for v in visits)


def test_only_the_provider_submits_its_own_settlement_and_only_once(session, world):
    built = settlement(session, world)
    with pytest.raises(Forbidden):
        workflow.submit(session, built.settlement, remarks={}, actor=actor(world, "pr2_op"), now=NOW)
    workflow.submit(session, built.settlement, remarks={}, actor=actor(world, "pr_op"), now=NOW)
    with pytest.raises(InvalidTransition):
        workflow.submit(session, built.settlement, remarks={}, actor=actor(world, "pr_op"), now=NOW)


def test_a_remark_on_a_record_that_is_not_flagged_is_refused(session, world):
    built = settlement(session, world)
    unflagged = built.visits[built.persons[0].id][-1]
    with pytest.raises(ValidationFailed):
        workflow.submit(session, built.settlement, remarks={("visit", unflagged.id): ("说明", "")},
                        actor=actor(world, "pr_op"), now=NOW)


def test_refusing_a_flagged_visit_deducts_its_share_with_the_reason_and_paying_it_back_clears_it(session, world):
    built = submitted(session, world)
    target = ("visit", built.flagged[0].id)
    auditing.decide_flagged(session, built.settlement, [target], "refuse", reason_code="LOCATION",
                            reason_text="签到点距住址 2 公里", actor=actor(world, "ins_rev"), now=AUDIT_NOW)
    decision = auditing.decisions(session, built.settlement)[target]
    # one hour at 65/h, fund at 0.90
    assert (decision.deducted_billable, decision.deducted_fund) == (Decimal("65.00"), Decimal("58.50"))
    assert workflow.audit_row(session, built.settlement).deducted_fund == Decimal("58.50")
    auditing.decide_flagged(session, built.settlement, [target], "pay", actor=actor(world, "ins_op"), now=AUDIT_NOW)
    assert workflow.audit_row(session, built.settlement).deducted_fund == Decimal("0.00")
    assert [e.data["decision"] for e in _events(session, built.settlement, "record_decided")] == ["refuse", "pay"]


def test_a_refusal_needs_a_coded_reason_and_other_needs_text(session, world):
    built = submitted(session, world)
    target = [("visit", built.flagged[0].id)]
    with pytest.raises(ValidationFailed):
        auditing.decide_flagged(session, built.settlement, target, "refuse", actor=actor(world, "ins_rev"),
                                now=AUDIT_NOW)
    with pytest.raises(ValidationFailed):
        auditing.decide_flagged(session, built.settlement, target, "refuse", reason_code="OTHER",
                                actor=actor(world, "ins_rev"), now=AUDIT_NOW)


def test_only_the_insurer_owning_the_audit_decides_flagged_records(session, world):
    built = submitted(session, world)
    with pytest.raises(Forbidden):
        auditing.decide_flagged(session, built.settlement, [("visit", built.flagged[0].id)], "pay",
                                actor=actor(world, "mia_rev"), now=AUDIT_NOW)
    unflagged = built.visits[built.persons[0].id][-1]
    with pytest.raises(ValidationFailed):
        auditing.decide_flagged(session, built.settlement, [("visit", unflagged.id)], "pay",
                                actor=actor(world, "ins_rev"), now=AUDIT_NOW)


def test_bulk_decision_by_rule_and_carer_decides_each_matching_record_with_one_event_each(session, world):
    built = submitted(session, world, persons=4, visits_each=3, flagged_each=2)
    first_carer = built.carers[0]
    count = auditing.decide_flagged_by_filter(session, built.settlement,
                                              RecordFilter(rule="V01", carer_id=first_carer.id), "refuse",
                                              reason_code="LOCATION", actor=actor(world, "ins_rev"), now=AUDIT_NOW)
    expected = {v.id for v in built.flagged if v.carer_id == first_carer.id}
    assert count == len(expected) == 4
    decided = auditing.decisions(session, built.settlement)
    assert {k[1] for k, d in decided.items() if d.decision == "refuse"} == expected
    assert len(_events(session, built.settlement, "record_decided")) == 4
    rest = auditing.decide_flagged_by_filter(session, built.settlement, RecordFilter(rule="V01"), "pay",
                                             actor=actor(world, "ins_rev"), now=AUDIT_NOW)
    assert rest == 4  # the undecided ones only
    assert auditing.progress(session, built.settlement).flagged_decided == 8


def test_the_audit_cannot_finish_before_every_flag_and_every_sampled_record_is_decided(session, world):
    built = submitted(session, world)
    rev = actor(world, "ins_rev")
    with pytest.raises(ValidationFailed):
        auditing.finish_audit(session, built.settlement, actor=rev, now=AUDIT_NOW)
    auditing.decide_flagged_by_filter(session, built.settlement, RecordFilter(), "pay", actor=rev, now=AUDIT_NOW)
    with pytest.raises(ValidationFailed):  # the sample is not drawn yet
        auditing.finish_audit(session, built.settlement, actor=rev, now=AUDIT_NOW)
    persons = sampling.draw_sample(session, built.settlement, actor=rev, now=AUDIT_NOW, seed=7)
    with pytest.raises(ValidationFailed):
        auditing.finish_audit(session, built.settlement, actor=rev, now=AUDIT_NOW)
    for person_id in persons:
        auditing.decide_sampled(session, built.settlement, None, "pay", person_id=person_id, actor=rev, now=AUDIT_NOW)
    case = auditing.finish_audit(session, built.settlement, actor=rev, now=AUDIT_NOW)
    assert (case.step_code, built.settlement.status) == ("approval", "audited")
    assert current_stage(session, case).due_on == date(2026, 7, 20)


def test_a_sampled_persons_refused_record_is_a_deduction_too(session, world):
    built = submitted(session, world)
    rev = actor(world, "ins_rev")
    [person_id, *_] = sampling.draw_sample(session, built.settlement, actor=rev, now=AUDIT_NOW, seed=3)
    record = [r for r in auditing.sample_records(session, built.settlement) if r.person_id == person_id][-1]
    auditing.decide_sampled(session, built.settlement, [(record.record_kind, record.record_id)], "refuse",
                            reason_code="NOT_DELIVERED", actor=rev, now=AUDIT_NOW)
    row = session.scalar(select(SettlementRecordDecision).where(SettlementRecordDecision.record_id == record.record_id))
    assert (row.origin, row.decision, row.deducted_fund) == ("sample", "refuse", Decimal("58.50"))
    with pytest.raises(ValidationFailed):  # a record of a person who was not sampled
        others = [p.id for p in built.persons if p.id not in sampling.sampled_persons(session, built.settlement)]
        if not others:
            raise ValidationFailed("every person sampled")
        outside = built.visits[others[0]][-1]
        auditing.decide_sampled(session, built.settlement, [("visit", outside.id)], "pay", actor=rev, now=AUDIT_NOW)


def test_the_mia_returns_to_the_insurer_who_audits_again_and_the_mia_then_approves(session, world):
    built = audited(session, world)
    mia = actor(world, "mia_rev")
    case = approval.return_to_insurer(session, built.settlement, reason_code="AMOUNT", reason_text="扣减需复核",
                                      actor=mia, now=AUDIT_NOW)
    assert (case.step_code, case.round, built.settlement.status) == ("audit", 2, "returned")
    assert [e.reason_code for e in _events(session, built.settlement, "returned")] == ["AMOUNT"]
    auditing.decide_flagged(session, built.settlement, [("visit", built.flagged[0].id)], "pay",
                            actor=actor(world, "ins_rev"), now=AUDIT_NOW)
    auditing.finish_audit(session, built.settlement, actor=actor(world, "ins_rev"), now=AUDIT_NOW)
    assert built.settlement.status == "audited"
    approved, refused = approval.approve_many(session, [built.settlement.id], actor=mia, now=AUDIT_NOW)
    assert (approved, refused, built.settlement.status) == ([built.settlement.id], {}, "approved")


def test_bulk_approval_decides_each_settlement_on_its_own(session, world):
    built = audited(session, world)
    # still a draft: refused, the first one is still approved
    other = settlement(session, world, n0=40, provider=world.provider2)
    approved, refused = approval.approve_many(session, [built.settlement.id, other.settlement.id],
                                              actor=actor(world, "mia_rev"), now=AUDIT_NOW)
    assert approved == [built.settlement.id] and list(refused) == [other.settlement.id]
    assert len(_events(session, built.settlement, "approved")) == 1


def test_the_mia_cannot_approve_a_settlement_still_at_the_audit(session, world):
    built = submitted(session, world)
    with pytest.raises(InvalidTransition):
        approval.approve(session, built.settlement, actor=actor(world, "mia_rev"), now=AUDIT_NOW)


def test_a_large_bulk_approval_is_queued_and_the_scheduler_approves_each_with_one_event(session, world, monkeypatch):
    from ltc.scheduler.queue import run_queued
    from ltc.scheduler.registry import ON_DEMAND_JOBS

    one, two = audited(session, world), audited(session, world, provider=world.provider2, n0=40)
    monkeypatch.setattr(approval, "IN_REQUEST_MAX", 1)
    approved, refused, run_id = approval.request_approval(session, [one.settlement.id, two.settlement.id],
                                                          actor=actor(world, "mia_rev"), now=AUDIT_NOW)
    assert (approved, refused) == ([], {}) and run_id is not None
    assert one.settlement.status == "audited"               # nothing approved inside the request
    [run] = run_queued(session, ON_DEMAND_JOBS)
    assert run.status == "success"
    session.expire_all()
    assert (one.settlement.status, two.settlement.status) == ("approved", "approved")
    for s in (one.settlement, two.settlement):
        [event] = _events(session, s, "approved")
        assert event.user_id == world.users["mia_rev"].id
