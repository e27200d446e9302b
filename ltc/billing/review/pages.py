"""What the review pages show (SPEC §7.3), read in one place so the views stay thin: the insurer's
audit workspace (flagged records with their decisions and the provider's remarks, the sample with each
sampled person's records, deductions, progress, trail, appeals), the MIA's approval list with totals per
provider and district, and the insurer's payment page. Reads only."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.billing.models import Settlement
from ltc.billing.review import appeals, auditing, payment, sampling
from ltc.billing.review.auditing import RecordFilter
from ltc.billing.review.models import (PaymentBatch, PaymentBatchLine, SettlementAppeal, SettlementAppealItem,
                                       SettlementRemark, SettlementReviewEvent)
from ltc.billing.review.records import flagged_records, reject_findings
from ltc.billing.review.workflow import audit_row, case_of
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import NotFound
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.providers.carers.models import Carer
from ltc.providers.services import district_on
from ltc.reviews import engine
from ltc.reviews.models import ReviewCase, ReviewStage

ZERO = Decimal("0.00")
TRAIL_ROWS = 200


def _names(session: Session, model, ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    return dict(session.execute(select(model.id, model.name).where(model.id.in_(ids))).all()) if ids else {}


@dataclass
class Workspace:
    settlement: Settlement
    provider: Organisation
    case: ReviewCase | None
    stage: ReviewStage | None
    audit: object
    progress: auditing.Progress
    flagged: list = field(default_factory=list)
    sample: list = field(default_factory=list)            # [(person id, [records])]
    deductions: list = field(default_factory=list)
    events: list = field(default_factory=list)
    appeals: list = field(default_factory=list)           # [(appeal, case, items)]
    rejects: list = field(default_factory=list)           # [(finding, line id)]
    persons: dict = field(default_factory=dict)
    carers: dict = field(default_factory=dict)
    rules: list = field(default_factory=list)
    appeal_deadline: date | None = None
    can_audit: bool = False
    can_finish: bool = False
    can_appeal: bool = False
    can_decide_appeal: bool = False
    can_approve: bool = False


def _flagged_rows(session: Session, settlement: Settlement, where: RecordFilter, decided: dict) -> list[dict]:
    remarks = {(r.record_kind, r.record_id): r for r in session.scalars(select(SettlementRemark).where(
        SettlementRemark.settlement_id == settlement.id))}
    rows = []
    for record in flagged_records(session, settlement):
        if not where.matches(record, set(decided) if where.undecided_only else set()):
            continue
        rows.append({"record": record, "decision": decided.get(record.key), "remark": remarks.get(record.key),
                     "key": f"{record.record_kind}:{record.record_id}"})
    return rows


def _sample_rows(session: Session, settlement: Settlement, decided: dict) -> list[tuple[int, list[dict]]]:
    by_person = defaultdict(list)
    for row in auditing.sample_records(session, settlement):
        key = (row.record_kind, row.record_id)
        by_person[row.person_id].append({"record": row, "decision": decided.get(key),
                                         "key": f"{row.record_kind}:{row.record_id}"})
    return [(person_id, by_person.get(person_id, [])) for person_id in sampling.sampled_persons(session, settlement)]


def _appeal_rows(session: Session, settlement: Settlement) -> list[tuple]:
    found = []
    for appeal in appeals.appeals_of(session, settlement):
        items = session.scalars(select(SettlementAppealItem).where(SettlementAppealItem.appeal_id == appeal.id)).all()
        found.append((appeal, session.get(ReviewCase, appeal.case_id), items))
    return found


def workspace(session: Session, settlement: Settlement, user: User, where: RecordFilter) -> Workspace:
    case = case_of(session, settlement)
    stage = engine.current_stage(session, case) if case else None
    decided = auditing.decisions(session, settlement)
    page = Workspace(settlement, session.get(Organisation, settlement.provider_id), case, stage,
                     audit_row(session, settlement), auditing.progress(session, settlement))
    page.flagged = _flagged_rows(session, settlement, where, decided)
    page.sample = _sample_rows(session, settlement, decided)
    page.deductions = sorted((d for d in decided.values() if d.decision == "refuse"),
                             key=lambda d: (d.service_date, d.record_id))
    page.events = session.scalars(select(SettlementReviewEvent).where(
        SettlementReviewEvent.settlement_id == settlement.id).order_by(SettlementReviewEvent.id.desc())
        .limit(TRAIL_ROWS)).all()
    page.appeals = _appeal_rows(session, settlement)
    page.rejects = reject_findings(session, settlement)
    all_flags = flagged_records(session, settlement)
    page.rules = sorted({rule for r in all_flags for rule in r.rules})
    page.persons = _names(session, InsuredPerson, [r.person_id for r in all_flags] + [p for p, _ in page.sample]
                          + [d.person_id for d in decided.values()] + [f.person_id for f, _ in page.rejects])
    page.carers = _names(session, Carer, [r.carer_id for r in all_flags])
    page.appeal_deadline = appeals.appeal_deadline(session, settlement) if case else None
    _permissions(session, page, user)
    return page


def _owns(stage: ReviewStage | None, user: User, step: str) -> bool:
    return bool(stage and stage.step_code == step and stage.owner_org_id == user.org_id)


def _permissions(session: Session, page: Workspace, user: User) -> None:
    stage = page.stage
    page.can_audit = _owns(stage, user, "audit") and user.has_role("operator", "reviewer")
    page.can_finish = _owns(stage, user, "audit") and user.has_role("reviewer")
    page.can_approve = _owns(stage, user, "approval") and user.has_role("reviewer")
    today = local_today()
    page.can_appeal = (user.org_id == page.settlement.provider_id and user.has_role("operator")
                       and page.appeal_deadline is not None and today <= page.appeal_deadline
                       and page.settlement.status in appeals.APPEALABLE)
    page.can_decide_appeal = user.has_role("reviewer") and any(
        c is not None and c.step_code == "appeal_review" and engine.may_decide(session, c, user)
        for _a, c, _i in page.appeals)


@dataclass(frozen=True)
class ApprovalRow:
    settlement: Settlement
    provider: str
    district: str
    approved_fund: Decimal
    deducted: Decimal
    due_on: date | None


def approval_list(session: Session, mia_id: int) -> tuple[list[ApprovalRow], dict[str, dict[str, Decimal]]]:
    """The settlements waiting at the MIA's approval, and totals per district (fund, deductions, approved)."""
    rows = session.execute(
        select(Settlement, ReviewStage.due_on).join(ReviewCase, ReviewCase.id == Settlement.case_id)
        .join(ReviewStage, (ReviewStage.case_id == ReviewCase.id) & ReviewStage.left_at.is_(None))
        .where(ReviewCase.step_code == "approval", ReviewStage.owner_org_id == mia_id)
        .order_by(Settlement.month, Settlement.provider_id)).all()
    names = _names(session, Organisation, [s.provider_id for s, _ in rows])
    found, totals = [], defaultdict(lambda: {"fund": ZERO, "deducted": ZERO, "approved": ZERO, "count": 0})
    for settlement, due_on in rows:
        deducted = audit_row(session, settlement).deducted_fund
        district = district_on(session, settlement.provider_id, settlement.month) or ""
        row = ApprovalRow(settlement, names.get(settlement.provider_id, ""), district,
                          settlement.fund - deducted, deducted, due_on)
        found.append(row)
        total = totals[district]
        total["fund"] += settlement.fund
        total["deducted"] += deducted
        total["approved"] += row.approved_fund
        total["count"] += 1
    return found, dict(sorted(totals.items()))


@dataclass
class PaymentPage:
    awaiting: list = field(default_factory=list)        # [(settlement, provider name, amount)]
    batches: list = field(default_factory=list)         # [(batch, [(line, settlement, provider name)])]


def payment_page(session: Session, insurer_id: int) -> PaymentPage:
    page = PaymentPage()
    waiting = payment.awaiting_payment(session, insurer_id)
    names = _names(session, Organisation, [s.provider_id for s in waiting])
    page.awaiting = [(s, names.get(s.provider_id, ""), payment.payable_amount(session, s)) for s in waiting]
    for batch in session.scalars(select(PaymentBatch).where(PaymentBatch.insurer_id == insurer_id)
                                 .order_by(PaymentBatch.id.desc()).limit(20)):
        lines = session.execute(select(PaymentBatchLine, Settlement).join(
            Settlement, Settlement.id == PaymentBatchLine.settlement_id).where(PaymentBatchLine.batch_id == batch.id)
            .order_by(PaymentBatchLine.id)).all()
        providers = _names(session, Organisation, [s.provider_id for _, s in lines])
        page.batches.append((batch, [(line, s, providers.get(s.provider_id, "")) for line, s in lines]))
    return page


def appeal_of(session: Session, settlement: Settlement, appeal_id: int) -> SettlementAppeal | None:
    appeal = session.get(SettlementAppeal, appeal_id)
    return appeal if appeal is not None and appeal.settlement_id == settlement.id else None


def batch_of(session: Session, insurer_id: int, batch_id: int) -> PaymentBatch | None:
    batch = session.get(PaymentBatch, batch_id)
    return batch if batch is not None and batch.insurer_id == insurer_id else None


def evidence_file(session: Session, settlement: Settlement, remark_id: int, root: Path, *, actor: Actor,
                  now: datetime) -> tuple[SettlementRemark, Path]:
    """A remark's evidence file of ``settlement`` and its path; the download is audited. NotFound otherwise."""
    remark = session.get(SettlementRemark, remark_id)
    if remark is None or remark.settlement_id != settlement.id or not remark.evidence_path:
        raise NotFound("记录不存在或无权访问")
    path = root / remark.evidence_path
    if not path.is_file():
        raise NotFound("记录不存在或无权访问")
    audit.record(session, actor, "view", "settlement_evidence", remark.id, now=now,
                 detail=f"settlement {settlement.id} {remark.record_kind} {remark.record_id}")
    return remark, path
