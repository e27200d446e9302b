"""The settlement's own review case (SPEC §7.3) on the engine: submit, finish the audit, approve or
return, and the status the settlement shows at each step. Services flush, never commit.

The case is opened when the provider's operator submits (its first step is decided at once, so the
stage records whether the submission met day 5); every later step is decided through these
functions, which keep ``Settlement.status`` in step with the case.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.kinds import SettlementStatus
from ltc.billing.models import Settlement
from ltc.billing.settled import mark_settled
from ltc.billing.review.case_types import SETTLEMENT_CASE
from ltc.billing.review.kinds import ReviewAction
from ltc.billing.review.models import SettlementAudit, SettlementRemark
from ltc.billing.review.trail import ensure_not_paid, write_event
from ltc.core.audit import Actor
from ltc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase, ReviewStage

#: set while these services decide a step: the steps' preconditions refuse a decision taken elsewhere
#: (the engine's own case page), which would skip the settlement's part of it (remarks, re-pricing,
#: the status, the deposit at approval)
_THROUGH_REVIEW: ContextVar[bool] = ContextVar("settlement_review_deciding", default=False)
ELSEWHERE = "请在结算审核页面办理本步骤"


@contextmanager
def deciding():
    token = _THROUGH_REVIEW.set(True)
    try:
        yield
    finally:
        _THROUGH_REVIEW.reset(token)


def decided_elsewhere() -> str | None:
    """The precondition of the settlement's steps: None inside these services, else why not."""
    return None if _THROUGH_REVIEW.get() else ELSEWHERE


#: the settlement's status while its case waits at a step
STATUS_AT_STEP = {"submit": SettlementStatus.SUBMITTED, "audit": SettlementStatus.SUBMITTED,
                  "approval": SettlementStatus.AUDITED, "payment": SettlementStatus.APPROVED}


def case_of(session: Session, settlement: Settlement) -> ReviewCase | None:
    return session.get(ReviewCase, settlement.case_id) if settlement.case_id else None


def audit_row(session: Session, settlement: Settlement) -> SettlementAudit:
    """The settlement's audit row (created on first use)."""
    row = session.scalar(select(SettlementAudit).where(SettlementAudit.settlement_id == settlement.id))
    if row is None:
        row = SettlementAudit(settlement_id=settlement.id)
        session.add(row)
        session.flush()
    return row


def at_step(session: Session, settlement: Settlement, step: str) -> ReviewCase:
    """The settlement's open case, at ``step``. Raises InvalidTransition otherwise (paid: immutable)."""
    ensure_not_paid(settlement)
    case = case_of(session, settlement)
    if case is None or case.step_code != step:
        raise InvalidTransition("该结算当前不在此审核环节", {"settlement": "not at this step"})
    return case


def ensure_owner(session: Session, case: ReviewCase, actor: Actor) -> None:
    stage = engine.current_stage(session, case)
    if stage is None or stage.owner_org_id != actor.org_id:
        raise Forbidden("当前步骤不由贵机构办理", {"decision": "not your step"})


def sync_status(session: Session, settlement: Settlement, case: ReviewCase) -> None:
    """The settlement's status after its case moved: the step it waits at (``returned`` while the MIA's
    return waits at the insurer), ``paid`` when completed."""
    if case.status == "completed":
        settlement.status = SettlementStatus.PAID.value
        return
    status = STATUS_AT_STEP.get(case.step_code or "", SettlementStatus.SUBMITTED)
    last_left = session.scalar(select(ReviewStage).where(ReviewStage.case_id == case.id,
                                                         ReviewStage.left_at.is_not(None))
                               .order_by(ReviewStage.id.desc()).limit(1))
    returned = last_left is not None and last_left.step_code == "approval" and last_left.decision == "return"
    settlement.status = (SettlementStatus.RETURNED if returned else status).value
    session.flush()


def submit(session: Session, settlement: Settlement, *, remarks: dict[tuple[str, int], tuple[str, str]],
           actor: Actor, now: datetime, note: str | None = None, files: dict | None = None) -> ReviewCase:
    """The provider's operator submits its draft (or resubmits after the insurer's return), with a remark
    and evidence per flagged record (``{(kind, id): (remark, evidence)}``; ``files``: ``{(kind, id):
    StoredDocument}`` already checked and stored). Opens the settlement case. Raises Forbidden (another
    organisation), InvalidTransition (not a draft, or not at the provider)."""
    ensure_not_paid(settlement)
    if actor.org_id != settlement.provider_id:
        raise Forbidden("只有本机构可以提交本机构的结算", {"settlement": "not your settlement"})
    case = case_of(session, settlement)
    if case is None:
        if settlement.status != SettlementStatus.DRAFT.value:
            raise InvalidTransition("只有草稿状态的结算可以提交", {"settlement": "not a draft"})
        case = engine.open_case(session, case_type=SETTLEMENT_CASE, subject_id=settlement.id, actor=actor, now=now,
                                note=note)
        settlement.case_id = case.id
    elif case.step_code != "submit":
        raise InvalidTransition("该结算已提交", {"settlement": "already submitted"})
    case.subject_revision = settlement.revision
    _save_remarks(session, settlement, remarks, files or {}, actor=actor, now=now)
    with deciding():
        engine.decide(session, case, DecisionInput("approve"), actor=actor, now=now)
    mark_settled(session, settlement, now=now)  # the records are append-only from now on (SPEC §5.4)
    settlement.submitted_at = now
    audit_row(session, settlement)
    sync_status(session, settlement, case)
    write_event(session, settlement, ReviewAction.SUBMITTED, actor=actor, now=now, text=note,
                data={"revision": settlement.revision, "remarks": len(remarks)})
    session.flush()
    return case


def _save_remarks(session: Session, settlement: Settlement, remarks, files, *, actor: Actor,
                  now: datetime) -> None:
    from ltc.billing.review.records import flagged_records

    flagged = {r.key for r in flagged_records(session, settlement)}
    for key in set(remarks) | set(files):
        remark, evidence = remarks.get(key, ("", ""))
        stored = files.get(key)
        if key not in flagged:
            raise ValidationFailed("只能对待审核的记录填写说明", {"remarks": "not a flagged record"})
        if not ((remark or "").strip() or (evidence or "").strip() or stored):
            continue
        row = session.scalar(select(SettlementRemark).where(
            SettlementRemark.settlement_id == settlement.id, SettlementRemark.record_kind == key[0],
            SettlementRemark.record_id == key[1]))
        if row is None:
            row = SettlementRemark(settlement_id=settlement.id, record_kind=key[0], record_id=key[1])
            session.add(row)
        row.remark, row.evidence = (remark or "").strip() or None, (evidence or "").strip() or None
        if stored is not None:
            row.evidence_file, row.evidence_type = stored.file_name, stored.content_type
            row.evidence_sha256, row.evidence_path = stored.sha256, stored.storage_path
        row.written_by, row.written_at = actor.user_id, now
        write_event(session, settlement, ReviewAction.REMARK, actor=actor, now=now, record=key, text=row.remark,
                    data={"evidence": row.evidence, "file": row.evidence_file, "sha256": row.evidence_sha256})


def decide_step(session: Session, settlement: Settlement, step: str, data: DecisionInput, action: ReviewAction, *,
                actor: Actor, now: datetime, facts: dict | None = None) -> ReviewCase:
    """Decide the case's ``step`` through the engine, then record it (and ``facts``) on the settlement's trail."""
    case = at_step(session, settlement, step)
    with deciding():
        engine.decide(session, case, data, actor=actor, now=now)
    sync_status(session, settlement, case)
    write_event(session, settlement, action, actor=actor, now=now, code=data.reason_code, text=data.reason_text,
                data={"step": step, "decision": data.decision, **(facts or {})})
    return case
