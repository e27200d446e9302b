"""Monthly settlements (结算, SPEC §7.2, §7.3): the settlement of a provider-month, its revisions,
its lines (one per rate row), the records each line's units came from, the findings each revision
read, and the adjustments waiting to be booked into a provider's next regular settlement.

* ``Settlement``: one regular settlement per (provider, service month); ``revision`` is the number of
  the current ``SettlementRevision``; the totals are those of the current revision's lines:
  ``billable`` / ``fund`` / ``copay`` over the regular and late lines, ``adjustments`` the fund of the
  adjustment lines (no deposit on them), ``deposit`` withheld at approval, ``net`` = fund − deposit +
  adjustments (a negative net is carried forward, never paid out).
* ``SettlementRevision``: every generation that changed something (a draft is replaced by a new
  revision, never edited); ``diff`` compares it with the previous revision (totals and lines).
* ``SettlementLine``: one rate row of one revision: regular lines of the service month, late lines
  (补记: records of an already submitted month, priced on the cap left) and ± adjustment lines.
  The current lines are those with ``revision == settlement.revision``; older revisions' are kept.
* ``SettlementLineRecord``: which record (and service dates) a line's units came from, so the audit,
  the statements, late lines and re-evaluation find the records of a settlement and the other way round.
* ``SettlementFinding``: the compliance findings a revision was generated with (linked, not copied).
* ``SettlementAdjustment``: a ± correction of an earlier month (re-evaluation, a won appeal, a recovery,
  a deposit release) waiting for, then booked into, a provider's next regular settlement; each
  generation of that draft turns its adjustments into adjustment lines.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.billing.kinds import (AdjustmentReason, LineKind, RevisionSource, SettlementKind, SettlementStatus,
                               Unit)
from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.orgs.kinds import CareType
from ltc.providers.kinds import RecordKind

ZERO = Decimal("0.00")
Ratio = Numeric(4, 2, asdecimal=True)
NOTE_MAX = 300


class Settlement(Base):
    __tablename__ = "settlements"
    __table_args__ = (
        enum_check("kind", SettlementKind),
        enum_check("status", SettlementStatus),
        UniqueConstraint("provider_id", "month", "kind"),
        Index("ix_settlements_month_status", "month", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: the first day of the service month
    month: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10), default=SettlementKind.REGULAR.value)
    status: Mapped[str] = mapped_column(String(10), default=SettlementStatus.DRAFT.value)
    #: the number of the current revision (its lines are the settlement's lines)
    revision: Mapped[int] = mapped_column(default=1)
    billable: Mapped[Decimal] = mapped_column(default=ZERO)
    fund: Mapped[Decimal] = mapped_column(default=ZERO)
    copay: Mapped[Decimal] = mapped_column(default=ZERO)
    #: Σ fund of the adjustment lines (± ; no deposit on them)
    adjustments: Mapped[Decimal] = mapped_column(default=ZERO)
    #: the quality deposit withheld at approval (SPEC §7.3)
    deposit: Mapped[Decimal] = mapped_column(default=ZERO)
    net: Mapped[Decimal] = mapped_column(default=ZERO)
    #: how many beneficiaries the regular and late lines name (the audit's sample size reads it)
    beneficiaries: Mapped[int] = mapped_column(default=0)
    #: the review case (SPEC §7.3) once the provider submitted
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id"))
    #: the provider's queued regeneration (a scheduler run with progress), the latest one
    regeneration_run_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id"), unique=True)
    #: the business date the current revision was generated as of, and when
    as_of: Mapped[date] = mapped_column(Date)
    generated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Settlement {self.id} provider {self.provider_id} {self.month:%Y-%m} {self.status} r{self.revision}>"


class SettlementRevision(Base):
    __tablename__ = "settlement_revisions"
    __table_args__ = (
        enum_check("source", RevisionSource),
        UniqueConstraint("settlement_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"))
    number: Mapped[int]
    source: Mapped[str] = mapped_column(String(10))
    as_of: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: who asked for it (None: a scheduled run)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    billable: Mapped[Decimal] = mapped_column(default=ZERO)
    fund: Mapped[Decimal] = mapped_column(default=ZERO)
    copay: Mapped[Decimal] = mapped_column(default=ZERO)
    adjustments: Mapped[Decimal] = mapped_column(default=ZERO)
    lines: Mapped[int] = mapped_column(default=0)
    #: against the previous revision: {"totals": {name: [old, new]}, "added": [line…],
    #: "removed": [line…], "changed": [{"key": …, "fields": {name: [old, new]}}]} (empty for the first)
    diff: Mapped[dict] = mapped_column(JSON, default=dict)


class SettlementLine(Base):
    __tablename__ = "settlement_lines"
    __table_args__ = (
        enum_check("care_type", CareType, nullable=True),
        enum_check("unit", Unit),
        enum_check("kind", LineKind),
        enum_check("reason", AdjustmentReason, nullable=True),
        Index("ix_settlement_lines_settlement_revision", "settlement_id", "revision"),
        Index("ix_settlement_lines_person", "person_id", "settlement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"))
    revision: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10), default=LineKind.REGULAR.value)
    #: None only for a provider-level adjustment (e.g. a deposit release)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("insured_persons.id"))
    entitlement_id: Mapped[int | None] = mapped_column(ForeignKey("entitlements.id"))
    care_type: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[int | None]
    #: the rate row's dates [date_from, date_to)
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    #: the unit amount (per day, per hour for minutes, per visit, per package already prorated)
    rate: Mapped[Decimal] = mapped_column(default=ZERO)
    unit: Mapped[str] = mapped_column(String(10))
    payable_units: Mapped[int] = mapped_column(default=0)
    #: units under an open FLAG (a subset of the payable ones)
    held_units: Mapped[int] = mapped_column(default=0)
    #: rule code (or "late_limit" for a late record beyond the limit) → units not payable
    rejected: Mapped[dict] = mapped_column(JSON, default=dict)
    billable: Mapped[Decimal] = mapped_column(default=ZERO)
    ratio: Mapped[Decimal] = mapped_column(Ratio, default=ZERO)
    fund: Mapped[Decimal] = mapped_column(default=ZERO)
    copay: Mapped[Decimal] = mapped_column(default=ZERO)
    #: late and adjustment lines: the earlier service month they belong to
    service_month: Mapped[date | None] = mapped_column(Date)
    #: adjustment lines: why, and the adjustment they book
    reason: Mapped[str | None] = mapped_column(String(20))
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_adjustments.id"), index=True)
    #: a msgid with %(name)s placeholders from ``params`` (the explanation of a late or adjustment line)
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    params: Mapped[dict] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<SettlementLine {self.id} {self.kind} {self.care_type} {self.date_from}–{self.date_to} {self.fund}>"


class SettlementLineRecord(Base):
    """The units a record gave a line: a visit's one service date, or a run of a stay's bed-days
    ``[service_date, service_to)``."""

    __tablename__ = "settlement_line_records"
    __table_args__ = (
        enum_check("record_kind", RecordKind),
        Index("ix_settlement_line_records_record", "record_kind", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("settlement_lines.id"), index=True)
    record_kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int]
    service_date: Mapped[date] = mapped_column(Date)
    #: bed-days: the exclusive end of the run of days (None for a visit or a package)
    service_to: Mapped[date | None] = mapped_column(Date)
    #: payable units (days, minutes, visits) and how many of them are held by an open FLAG
    units: Mapped[int] = mapped_column(default=0)
    held: Mapped[int] = mapped_column(default=0)


class SettlementFinding(Base):
    """A compliance finding a revision was generated with."""

    __tablename__ = "settlement_findings"
    __table_args__ = (UniqueConstraint("settlement_id", "revision", "finding_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"))
    revision: Mapped[int]
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    #: the line whose units the finding is about (None: no line, e.g. a finding outside every entitlement)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_lines.id"))


class SettlementAdjustment(Base):
    """A ± correction of an earlier month for a provider's next regular settlement (SPEC §7.3).

    ``settlement_id`` is the regular settlement it is booked into: set by the first generation after
    it was raised, and kept (later generations of that draft book it again). The amounts are signed.
    """

    __tablename__ = "settlement_adjustments"
    __table_args__ = (
        enum_check("reason", AdjustmentReason),
        enum_check("care_type", CareType, nullable=True),
        enum_check("record_kind", RecordKind, nullable=True),
        enum_check("unit", Unit, nullable=True),
        Index("ix_settlement_adjustments_provider", "provider_id", "settlement_id"),
        Index("ix_settlement_adjustments_record", "record_kind", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    care_type: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(20))
    #: the month it corrects and that month's settlement (None: not settled, e.g. a deposit release)
    service_month: Mapped[date] = mapped_column(Date)
    corrects_settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"))
    record_kind: Mapped[str | None] = mapped_column(String(10))
    record_id: Mapped[int | None]
    service_date: Mapped[date | None] = mapped_column(Date)
    service_to: Mapped[date | None] = mapped_column(Date)
    unit: Mapped[str | None] = mapped_column(String(10))
    units: Mapped[int] = mapped_column(default=0)
    rate: Mapped[Decimal] = mapped_column(default=ZERO)
    billable: Mapped[Decimal] = mapped_column(default=ZERO)
    ratio: Mapped[Decimal] = mapped_column(Ratio, default=ZERO)
    fund: Mapped[Decimal] = mapped_column(default=ZERO)
    copay: Mapped[Decimal] = mapped_column(default=ZERO)
    note: Mapped[str] = mapped_column(String(NOTE_MAX))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the case it comes from (a won appeal), if any
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id"))
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<SettlementAdjustment {self.id} {self.reason} {self.service_month:%Y-%m} {self.fund}>"
