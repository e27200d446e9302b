"""The insurer's audit of a submitted settlement (SPEC §7.3): pay or refuse each flagged record and each
record of the sampled persons, one at a time or in bulk by filter; a refusal is a deduction (the
record's billable and fund share) with its reason. The audit is done when every flagged record and
every sampled record is decided; finishing it decides the case's audit step. Flushes, never commits.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.billing.models import Settlement
from ltc.billing.pricing.units import FOLLOW_UP
from ltc.billing.review.kinds import REASONS_WITH_TEXT, RecordDecision, RecordOrigin, RefusalReason, ReviewAction
from ltc.billing.review.models import SettlementRecordDecision
from ltc.billing.review.records import FlaggedRecord, RecordRow, flagged_records, record_share, records_of_persons
from ltc.billing.review.repricing import reprice
from ltc.billing.review.sampling import sampled_persons
from ltc.billing.review.trail import write_event
from ltc.billing.review.workflow import at_step, audit_row, decide_step, ensure_owner
from ltc.core.audit import Actor
from ltc.core.errors import ValidationFailed
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RecordFilter:
    """Which flagged records a bulk decision covers (every given criterion must hold)."""

    rule: str | None = None
    carer_id: int | None = None
    person_id: int | None = None
    undecided_only: bool = True

    def matches(self, record: FlaggedRecord, decided: set[tuple[str, int]]) -> bool:
        return ((self.rule is None or self.rule in record.rules)
                and (self.carer_id is None or record.carer_id == self.carer_id)
                and (self.person_id is None or record.person_id == self.person_id)
                and not (self.undecided_only and record.key in decided))


def decisions(session: Session, settlement: Settlement) -> dict[tuple[str, int], SettlementRecordDecision]:
    rows = session.scalars(select(SettlementRecordDecision).where(
        SettlementRecordDecision.settlement_id == settlement.id))
    return {(r.record_kind, r.record_id): r for r in rows}


def _check_reason(decision: str, code: str | None, text: str | None) -> None:
    if decision not in {d.value for d in RecordDecision}:
        raise ValidationFailed("请选择予以支付或不予支付", {"decision": "unknown"})
    if decision == RecordDecision.REFUSE:
        if code not in {r.value for r in RefusalReason}:
            raise ValidationFailed("不予支付须选择原因", {"reason_code": "required"})
        if code in REASONS_WITH_TEXT and not (text or "").strip():
            raise ValidationFailed(REASONS_WITH_TEXT[RefusalReason(code)], {"reason_text": "required"})


def _record(session: Session, settlement: Settlement, key: tuple[str, int],
            origin: RecordOrigin, person_id: int, carer_id, service_date, decision: str, code, text,
            *, actor: Actor, now: datetime) -> SettlementRecordDecision:
    share = record_share(session, settlement, *key) if decision == RecordDecision.REFUSE else None
    row = decisions(session, settlement).get(key)
    if row is None:
        row = SettlementRecordDecision(settlement_id=settlement.id, record_kind=key[0], record_id=key[1],
                                       person_id=person_id, carer_id=carer_id, service_date=service_date,
                                       origin=origin.value)
        session.add(row)
    row.decision = decision
    row.reason_code = code if decision == RecordDecision.REFUSE else None
    row.reason_text = (text or "").strip() or None
    row.deducted_billable = share.billable if share else ZERO
    row.deducted_fund = share.fund if share else ZERO
    row.decided_by, row.decided_at = actor.user_id, now
    write_event(session, settlement, ReviewAction.RECORD_DECIDED, actor=actor, now=now, record=key,
                code=row.reason_code, text=row.reason_text, data={"decision": decision, "origin": origin.value,
                                            "deducted_fund": row.deducted_fund})
    return row


def _auditable(session: Session, settlement: Settlement, actor: Actor) -> ReviewCase:
    case = at_step(session, settlement, "audit")
    ensure_owner(session, case, actor)
    return case


def decide_flagged(session: Session, settlement: Settlement, keys: list[tuple[str, int]], decision: str, *,
                   reason_code: str | None = None, reason_text: str | None = None, actor: Actor,
                   now: datetime) -> int:
    """Pay or refuse the given flagged records. Raises ValidationFailed for a record that is not flagged
    or a refusal without reason; InvalidTransition / Forbidden when not the insurer's audit step."""
    _auditable(session, settlement, actor)
    _check_reason(decision, reason_code, reason_text)
    flagged = {r.key: r for r in flagged_records(session, settlement)}
    for key in keys:
        record = flagged.get(key)
        if record is None:
            raise ValidationFailed("该记录不是本结算的待审核记录", {"record": "not flagged"})
        origin = RecordOrigin.FOLLOW_UP if record.rules == [FOLLOW_UP] else RecordOrigin.FLAG
        _record(session, settlement, key, origin, record.person_id, record.carer_id, record.service_date,
                decision, reason_code, reason_text, actor=actor, now=now)
    _total(session, settlement)
    return len(keys)


def decide_flagged_by_filter(session: Session, settlement: Settlement, where: RecordFilter, decision: str, *,
                             reason_code: str | None = None, reason_text: str | None = None, actor: Actor,
                             now: datetime) -> int:
    """Bulk: the same decision on every flagged record the filter matches (e.g. all V01 flags of a carer).
    Returns how many records were decided (one event each)."""
    _auditable(session, settlement, actor)
    decided = set(decisions(session, settlement))
    keys = [r.key for r in flagged_records(session, settlement) if where.matches(r, decided)]
    if not keys:
        return 0
    return decide_flagged(session, settlement, keys, decision, reason_code=reason_code, reason_text=reason_text,
                          actor=actor, now=now)


def sample_records(session: Session, settlement: Settlement) -> list[RecordRow]:
    return records_of_persons(session, settlement, sampled_persons(session, settlement))


def decide_sampled(session: Session, settlement: Settlement, keys: list[tuple[str, int]] | None, decision: str, *,
                   person_id: int | None = None, reason_code: str | None = None, reason_text: str | None = None,
                   actor: Actor, now: datetime) -> int:
    """Pay or refuse records of the sampled persons: the given ones, or (``keys`` None) every undecided
    record of ``person_id``. Raises ValidationFailed for a record outside the sample."""
    _auditable(session, settlement, actor)
    _check_reason(decision, reason_code, reason_text)
    rows = {(r.record_kind, r.record_id): r for r in sample_records(session, settlement)}
    if keys is None:
        known = decisions(session, settlement)
        keys = [k for k, r in rows.items() if r.person_id == person_id and k not in known]
    for key in keys:
        row = rows.get(key)
        if row is None:
            raise ValidationFailed("该记录不属于抽查对象", {"record": "not sampled"})
        existing = decisions(session, settlement).get(key)
        origin = RecordOrigin(existing.origin) if existing else RecordOrigin.SAMPLE
        _record(session, settlement, key, origin, row.person_id, None, row.service_date, decision, reason_code,
                reason_text, actor=actor, now=now)
    _total(session, settlement)
    return len(keys)


def _total(session: Session, settlement: Settlement) -> None:
    session.flush()
    billable, fund = session.execute(select(
        func.coalesce(func.sum(SettlementRecordDecision.deducted_billable), 0),
        func.coalesce(func.sum(SettlementRecordDecision.deducted_fund), 0)).where(
        SettlementRecordDecision.settlement_id == settlement.id)).one()
    row = audit_row(session, settlement)
    row.deducted_billable, row.deducted_fund = Decimal(str(billable)).quantize(ZERO), Decimal(str(fund)).quantize(ZERO)
    session.flush()


@dataclass(frozen=True)
class Progress:
    flagged: int
    flagged_decided: int
    sampled: bool
    sample_records: int
    sample_decided: int
    refused: int
    deducted_fund: Decimal

    @property
    def complete(self) -> bool:
        return (self.flagged_decided == self.flagged and self.sampled
                and self.sample_decided == self.sample_records)


def progress(session: Session, settlement: Settlement) -> Progress:
    known = decisions(session, settlement)
    flagged = [r.key for r in flagged_records(session, settlement)]
    sampled = [(r.record_kind, r.record_id) for r in sample_records(session, settlement)]
    row = audit_row(session, settlement)
    return Progress(len(flagged), sum(k in known for k in flagged), row.sample_seed is not None, len(sampled),
                    sum(k in known for k in sampled),
                    sum(d.decision == RecordDecision.REFUSE for d in known.values()), row.deducted_fund)


def audit_problem(session: Session, settlement: Settlement) -> str | None:
    """Why the audit step cannot be approved yet (None: it can)."""
    done = progress(session, settlement)
    if done.flagged_decided < done.flagged:
        return "尚有待审核记录未作决定"
    if not done.sampled:
        return "尚未抽取抽查样本"
    if done.sample_decided < done.sample_records:
        return "尚有抽查记录未审核"
    return None


def finish_audit(session: Session, settlement: Settlement, *, actor: Actor, now: datetime,
                 note: str | None = None) -> ReviewCase:
    """The insurer's reviewer approves the audit step (every record decided): the refusals stand as
    deductions, re-priced (``repricing``: a refused visit frees its cap share), and the case goes to
    the MIA. Raises ValidationFailed while the audit is incomplete."""
    _auditable(session, settlement, actor)
    if problem := audit_problem(session, settlement):
        raise ValidationFailed(problem, {"decision": problem})
    row = audit_row(session, settlement)
    priced = reprice(session, settlement, (row.deducted_billable, row.deducted_fund))
    row.deducted_billable, row.deducted_fund, row.audited_at = priced.billable, priced.fund, now
    return decide_step(session, settlement, "audit", DecisionInput("approve", reason_text=note),
                       ReviewAction.AUDIT_DONE, actor=actor, now=now,
                       facts={"deducted_billable": priced.billable, "deducted_fund": priced.fund,
                             "repriced": priced.repriced})


def return_to_provider(session: Session, settlement: Settlement, *, reason_code: str, reason_text: str,
                       actor: Actor, now: datetime) -> ReviewCase:
    """The insurer returns the submission to the provider (e.g. evidence missing); decisions are kept."""
    return decide_step(session, settlement, "audit", DecisionInput("return", reason_code, reason_text),
                       ReviewAction.AUDIT_RETURNED, actor=actor, now=now)
