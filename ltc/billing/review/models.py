"""The settlement review's tables (SPEC §7.3), next to bill-core's settlement tables.

* ``SettlementAudit``: one row per submitted settlement: the sample (rate, star read, size, seed),
  the deductions' totals, and the payment (date, bank reference).
* ``SettlementRemark``: the provider's remark and evidence on a flagged record, given at submission.
* ``SettlementRecordDecision``: the insurer's pay / refuse on one record (flagged or sampled); a
  refusal is a deduction (its billable and fund share) with its reason.
* ``SettlementSample``: the persons drawn for the full review of their records.
* ``SettlementReviewEvent``: the trail (write-once): every decision, who, when, why.
* ``SettlementAppeal`` / ``SettlementAppealItem``: an appeal case (its own review case) and what it contests.
* ``PaymentBatch`` / ``PaymentBatchLine``: a bank batch file exported for approved settlements and
  the outcome of each line once the bank's return file is imported.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.billing.review.kinds import (AppealItemKind, AppealOutcome, BatchLineStatus, RecordDecision, RecordOrigin,
                                      ReviewAction)
from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check, write_once
from ltc.providers.kinds import RecordKind

ZERO = Decimal("0.00")
TEXT_MAX = 1000


class SettlementAudit(Base):
    __tablename__ = "settlement_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), unique=True)
    #: the sample: the provider's monthly star on the 1st of M+1 (None: no star yet), the rate it
    #: gave, the beneficiaries drawn from, the size and the seed that reproduces the draw
    star: Mapped[int | None]
    sample_rate: Mapped[Decimal | None] = mapped_column(Numeric(4, 2, asdecimal=True))
    beneficiaries: Mapped[int | None]
    sample_size: Mapped[int | None]
    sample_seed: Mapped[int | None] = mapped_column(BigInteger)
    sampled_at: Mapped[datetime | None]
    deducted_billable: Mapped[Decimal] = mapped_column(default=ZERO)
    deducted_fund: Mapped[Decimal] = mapped_column(default=ZERO)
    audited_at: Mapped[datetime | None]
    paid_on: Mapped[date | None] = mapped_column(Date)
    bank_reference: Mapped[str | None] = mapped_column(String(60))
    paid_at: Mapped[datetime | None]


class SettlementRemark(Base):
    __tablename__ = "settlement_remarks"
    __table_args__ = (enum_check("record_kind", RecordKind),
                      UniqueConstraint("settlement_id", "record_kind", "record_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"))
    record_kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int]
    remark: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    evidence: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    #: an evidence file (PDF, JPEG or PNG) stored by its SHA-256 under the documents folder
    evidence_file: Mapped[str | None] = mapped_column(String(200))
    evidence_type: Mapped[str | None] = mapped_column(String(40))
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_path: Mapped[str | None] = mapped_column(String(100))
    written_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(default=utcnow)


class SettlementRecordDecision(Base):
    __tablename__ = "settlement_record_decisions"
    __table_args__ = (
        enum_check("record_kind", RecordKind), enum_check("origin", RecordOrigin),
        enum_check("decision", RecordDecision),
        UniqueConstraint("settlement_id", "record_kind", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"))
    record_kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int]
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    carer_id: Mapped[int | None] = mapped_column(ForeignKey("carers.id"))
    service_date: Mapped[date] = mapped_column(Date)
    origin: Mapped[str] = mapped_column(String(10))
    decision: Mapped[str] = mapped_column(String(10))
    reason_code: Mapped[str | None] = mapped_column(String(20))
    reason_text: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    #: the deduction a refusal makes (zero when paid)
    deducted_billable: Mapped[Decimal] = mapped_column(default=ZERO)
    deducted_fund: Mapped[Decimal] = mapped_column(default=ZERO)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime]


class SettlementSample(Base):
    __tablename__ = "settlement_samples"
    __table_args__ = (UniqueConstraint("settlement_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"))


@write_once
class SettlementReviewEvent(Base):
    __tablename__ = "settlement_review_events"
    __table_args__ = (enum_check("action", ReviewAction), enum_check("record_kind", RecordKind, nullable=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), index=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_appeals.id"))
    action: Mapped[str] = mapped_column(String(20))
    record_kind: Mapped[str | None] = mapped_column(String(10))
    record_id: Mapped[int | None]
    reason_code: Mapped[str | None] = mapped_column(String(20))
    reason_text: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    actor_label: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


class SettlementAppeal(Base):
    __tablename__ = "settlement_appeals"
    __table_args__ = (enum_check("outcome", AppealOutcome),)

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id"))
    reason: Mapped[str] = mapped_column(String(TEXT_MAX))
    outcome: Mapped[str] = mapped_column(String(10), default=AppealOutcome.OPEN.value)
    filed_on: Mapped[date] = mapped_column(Date)
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]


class SettlementAppealItem(Base):
    __tablename__ = "settlement_appeal_items"
    __table_args__ = (enum_check("kind", AppealItemKind), enum_check("record_kind", RecordKind),
                      UniqueConstraint("appeal_id", "record_kind", "record_id", "rule"))

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("settlement_appeals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    record_kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int]
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"))
    service_date: Mapped[date] = mapped_column(Date)
    #: the REJECT rule contested ("" for a refusal)
    rule: Mapped[str] = mapped_column(String(4), default="")
    line_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_lines.id"))
    units: Mapped[int] = mapped_column(default=0)
    billable: Mapped[Decimal] = mapped_column(default=ZERO)
    fund: Mapped[Decimal] = mapped_column(default=ZERO)
    #: the adjustment a won appeal raised
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_adjustments.id"))


class PaymentBatch(Base):
    __tablename__ = "payment_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    total: Mapped[Decimal] = mapped_column(default=ZERO)
    returned_at: Mapped[datetime | None]


class PaymentBatchLine(Base):
    __tablename__ = "payment_batch_lines"
    __table_args__ = (enum_check("status", BatchLineStatus), Index("ix_payment_batch_lines_settlement",
                                                                   "settlement_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"))
    amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(10), default=BatchLineStatus.PENDING.value)
    bank_reference: Mapped[str | None] = mapped_column(String(60))
    paid_on: Mapped[date | None] = mapped_column(Date)
    error: Mapped[str | None] = mapped_column(String(300))


class SettlementApprovalRequest(Base):
    """A settlement in a queued bulk approval (a run of the ``settlement_approval`` job), with the MIA
    reviewer who asked: the scheduler approves each as them, one unit (and one event) per settlement."""

    __tablename__ = "settlement_approval_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("job_runs.id"), index=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"))
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
