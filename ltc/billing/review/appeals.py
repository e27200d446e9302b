"""Appeals (SPEC §7.3): a case type of its own (provider → insurer, 5 working days each). Within the
appeal window (REF 5 working days from the day the insurer's audit step was decided) the provider's
operator contests refused records (deductions) or automatic REJECT findings of the settlement. The
settlement never waits for it. Upheld (the insurer approves): each item becomes an adjustment in the
provider's next regular settlement (reason ``appeal``); rejected: the refusals stand. Flushes, never commits.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.billing.kinds import AdjustmentReason, SettlementStatus
from ltc.billing.models import Settlement, SettlementAdjustment, SettlementLine
from ltc.billing.review.case_types import APPEAL_CASE
from ltc.billing.review.kinds import AppealItemKind, AppealOutcome, RecordDecision, ReviewAction
from ltc.billing.review.models import SettlementAppeal, SettlementAppealItem, SettlementRecordDecision
from ltc.billing.review.policy import SettlementReviewPolicy
from ltc.billing.review.records import line_amount, reject_findings
from ltc.billing.review.trail import write_event
from ltc.billing.review.workflow import audit_row
from ltc.compliance.models import Finding
from ltc.core.audit import Actor
from ltc.core.calendar import add_working_days
from ltc.core.clock import local_today
from ltc.core.money import to_money
from ltc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from ltc.policy.services import policy_on
from ltc.providers.records.models import Visit
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase, ReviewStage

ZERO = Decimal("0.00")
APPEALABLE = (SettlementStatus.AUDITED, SettlementStatus.RETURNED, SettlementStatus.APPROVED, SettlementStatus.PAID)


def audit_decided_on(session: Session, settlement: Settlement) -> date | None:
    """The day the insurer's audit step was (last) approved."""
    return session.scalar(select(ReviewStage.left_on).where(
        ReviewStage.case_id == settlement.case_id, ReviewStage.step_code == "audit",
        ReviewStage.decision == "approve").order_by(ReviewStage.id.desc()).limit(1))


def appeal_deadline(session: Session, settlement: Settlement) -> date | None:
    """The last day an appeal may be filed (None: the audit is not decided yet)."""
    decided = audit_decided_on(session, settlement)
    if decided is None:
        return None
    days = policy_on(session, decided).section(SettlementReviewPolicy).appeal_working_days
    return add_working_days(session, decided, days)


def _refusal_item(session: Session, settlement: Settlement, key: tuple[str, int]) -> SettlementAppealItem:
    decision = session.scalar(select(SettlementRecordDecision).where(
        SettlementRecordDecision.settlement_id == settlement.id, SettlementRecordDecision.record_kind == key[0],
        SettlementRecordDecision.record_id == key[1]))
    if decision is None or decision.decision != RecordDecision.REFUSE:
        raise ValidationFailed("只能对不予支付的记录提出申诉", {"items": "not refused"})
    return SettlementAppealItem(kind=AppealItemKind.REFUSAL.value, record_kind=key[0], record_id=key[1],
                                person_id=decision.person_id, service_date=decision.service_date,
                                billable=decision.deducted_billable, fund=decision.deducted_fund)


def _within_deduction(session: Session, settlement: Settlement,
                      items: list[SettlementAppealItem]) -> list[SettlementAppealItem]:
    """Refusal items claim their records' shares, but together never more than the audit deducted
    after re-pricing (a refused visit whose cap share paid another visit cost the provider nothing)
    less what other appeals (open or won) already claim."""
    audit = audit_row(session, settlement)
    claimed = session.execute(select(func.coalesce(func.sum(SettlementAppealItem.billable), 0),
                                     func.coalesce(func.sum(SettlementAppealItem.fund), 0))
                              .join(SettlementAppeal, SettlementAppeal.id == SettlementAppealItem.appeal_id)
                              .where(SettlementAppeal.settlement_id == settlement.id,
                                     SettlementAppeal.outcome.in_((AppealOutcome.OPEN.value, AppealOutcome.WON.value)),
                                     SettlementAppealItem.kind == AppealItemKind.REFUSAL.value)).one()
    left_billable = max(ZERO, audit.deducted_billable - to_money(str(claimed[0])))
    left_fund = max(ZERO, audit.deducted_fund - to_money(str(claimed[1])))
    for item in items:
        item.billable, item.fund = min(item.billable, left_billable), min(item.fund, left_fund)
        left_billable, left_fund = left_billable - item.billable, left_fund - item.fund
    return items


def _reject_units(session: Session, finding: Finding, line: SettlementLine) -> int:
    if line.unit == "minute" and finding.record_kind == "visit":
        return session.scalar(select(Visit.planned_minutes).where(Visit.id == finding.record_id)) or 0
    return 1


def _reject_item(session: Session, settlement: Settlement, finding_id: int) -> SettlementAppealItem:
    found = {f.id: (f, line_id) for f, line_id in reject_findings(session, settlement)}
    if finding_id not in found:
        raise ValidationFailed("只能对本结算的系统拒付记录提出申诉", {"items": "not a reject finding"})
    finding, line_id = found[finding_id]
    line = session.get(SettlementLine, line_id) if line_id else None
    units = _reject_units(session, finding, line) if line else 0
    billable, fund = line_amount(line, units) if line and line.payable_units else (ZERO, ZERO)
    if line is not None and not line.payable_units:  # a fully rejected line: its rate and ratio
        billable = to_money((line.rate / 60 if line.unit == "minute" else line.rate) * units)
        fund = to_money(billable * line.ratio)
    return SettlementAppealItem(kind=AppealItemKind.REJECT.value, record_kind=finding.record_kind,
                                record_id=finding.record_id, person_id=finding.person_id,
                                service_date=finding.service_date, rule=finding.rule, line_id=line_id, units=units,
                                billable=billable, fund=fund)


def file_appeal(session: Session, settlement: Settlement, *, refusals: list[tuple[str, int]],
                rejects: list[int], reason: str, actor: Actor, now: datetime) -> SettlementAppeal:
    """The provider's operator appeals refused records and/or REJECT findings (ids). Opens the appeal
    case and submits its first step. Raises Forbidden (not the provider), InvalidTransition (audit not
    decided, window closed), ValidationFailed (no item, an item that cannot be appealed, no reason)."""
    if actor.org_id != settlement.provider_id:
        raise Forbidden("只有本机构可以对本机构的结算提出申诉", {"settlement": "not your settlement"})
    deadline = appeal_deadline(session, settlement)
    today = local_today(now)
    if deadline is None or settlement.status not in APPEALABLE:
        raise InvalidTransition("商保公司审核完成后才能提出申诉", {"settlement": "not audited"})
    if today > deadline:
        raise InvalidTransition("申诉期已于 %(day)s 届满", {"settlement": "appeal window closed"},
                                params={"day": str(deadline)})
    if not (reason or "").strip():
        raise ValidationFailed("请写明申诉理由", {"reason": "required"})
    items = _within_deduction(session, settlement, [_refusal_item(session, settlement, key) for key in refusals])
    items += [_reject_item(session, settlement, finding_id) for finding_id in rejects]
    if not items:
        raise ValidationFailed("请选择申诉的记录", {"items": "required"})
    appeal = SettlementAppeal(settlement_id=settlement.id, provider_id=settlement.provider_id,
                              reason=reason.strip()[:1000], filed_on=today, filed_by=actor.user_id)
    session.add(appeal)
    session.flush()
    for item in items:
        item.appeal_id = appeal.id
        session.add(item)
    case = engine.open_case(session, case_type=APPEAL_CASE, subject_id=appeal.id, actor=actor, now=now)
    appeal.case_id = case.id
    engine.decide(session, case, DecisionInput("approve", reason_text=appeal.reason), actor=actor, now=now)
    write_event(session, settlement, ReviewAction.APPEAL_FILED, actor=actor, now=now, text=appeal.reason,
                appeal_id=appeal.id, data={"items": len(items), "case": case.id})
    session.flush()
    return appeal


def decide_appeal(session: Session, appeal: SettlementAppeal, *, upheld: bool, actor: Actor, now: datetime,
                  reason_code: str | None = None, reason_text: str | None = None) -> SettlementAppeal:
    """The insurer's reviewer upholds (approve: adjustments follow) or rejects the appeal."""
    case = session.get(ReviewCase, appeal.case_id)
    data = DecisionInput("approve", reason_text=reason_text) if upheld else DecisionInput("reject", reason_code,
                                                                                         reason_text)
    engine.decide(session, case, data, actor=actor, now=now)
    return appeal


def appeal_won(session: Session, case: ReviewCase, *, actor: Actor, now: datetime) -> None:
    """Completion hook: every item becomes an adjustment (+) for the provider's next regular settlement."""
    appeal = session.get(SettlementAppeal, case.subject_id)
    settlement = session.get(Settlement, appeal.settlement_id)
    appeal.outcome, appeal.decided_at = AppealOutcome.WON.value, now
    for item in session.scalars(select(SettlementAppealItem).where(SettlementAppealItem.appeal_id == appeal.id)):
        item.adjustment_id = raise_adjustment(session, settlement, item, case, actor=actor, now=now).id
    write_event(session, settlement, ReviewAction.APPEAL_WON, actor=actor, now=now, appeal_id=appeal.id,
                data={"case": case.id})
    session.flush()


def appeal_ended(session: Session, case: ReviewCase, *, actor: Actor, now: datetime) -> None:
    """End hook: rejected (lost) or cancelled; the refusals stand."""
    appeal = session.get(SettlementAppeal, case.subject_id)
    settlement = session.get(Settlement, appeal.settlement_id)
    lost = case.status == "rejected"
    appeal.outcome = (AppealOutcome.LOST if lost else AppealOutcome.CANCELLED).value
    appeal.decided_at = now
    if lost:
        write_event(session, settlement, ReviewAction.APPEAL_LOST, actor=actor, now=now, appeal_id=appeal.id,
                    text=case.close_reason, data={"case": case.id})
    session.flush()


def raise_adjustment(session: Session, settlement: Settlement, item: SettlementAppealItem, case: ReviewCase, *,
                     actor: Actor, now: datetime) -> SettlementAdjustment:
    """The adjustment a won appeal item books into the provider's next regular settlement (bill-core's
    generation turns it into an adjustment line)."""
    line = session.get(SettlementLine, item.line_id) if item.line_id else None
    adjustment = SettlementAdjustment(
        provider_id=settlement.provider_id, person_id=item.person_id, care_type=line.care_type if line else None,
        reason=AdjustmentReason.APPEAL.value, service_month=settlement.month, corrects_settlement_id=settlement.id,
        record_kind=item.record_kind, record_id=item.record_id, service_date=item.service_date,
        unit=line.unit if line else None, units=item.units, rate=line.rate if line else 0, billable=item.billable,
        ratio=line.ratio if line else 0, fund=item.fund, copay=item.billable - item.fund,
        note="申诉成立：%(month)s 结算的记录予以支付（申诉案件 %(case)s）",
        params={"month": settlement.month.strftime("%Y-%m"), "case": case.id}, case_id=case.id,
        created_by=actor.user_id, created_at=now)
    session.add(adjustment)
    session.flush()
    return adjustment


def appeals_of(session: Session, settlement: Settlement) -> list[SettlementAppeal]:
    return list(session.scalars(select(SettlementAppeal).where(SettlementAppeal.settlement_id == settlement.id)
                                .order_by(SettlementAppeal.id)))


