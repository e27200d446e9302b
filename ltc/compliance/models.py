"""Findings (SPEC §6): what a rule found on a service record, with its evidence and explanation.

A finding points at one record (``record_kind``, ``record_id``) and one service date: a bed-day
finding is per day of a stay, a visit finding per visit, F01 per provider-month package. Findings are
never deleted: a later check that no longer finds one marks it ``cleared`` (when, by which source).
The explanation is a msgid with ``params``, translated when shown.
"""
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.compliance.kinds import FindingSource, FindingStatus, RuleCode, Severity
from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.providers.kinds import RecordKind


class Finding(Base):
    __tablename__ = "findings"
    __table_args__ = (
        enum_check("rule", RuleCode),
        enum_check("severity", Severity),
        enum_check("record_kind", RecordKind),
        enum_check("status", FindingStatus),
        enum_check("source", FindingSource),
        Index("ix_findings_record", "record_kind", "record_id", "status"),
        Index("ix_findings_provider_month", "provider_id", "month", "rule"),
        Index("ix_findings_month_rule", "month", "rule", "status"),
        Index("ix_findings_carer_month", "carer_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(4))
    severity: Mapped[str] = mapped_column(String(6))
    record_kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int]
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    carer_id: Mapped[int | None] = mapped_column(ForeignKey("carers.id"))
    service_date: Mapped[date] = mapped_column(Date)
    #: the first day of the service date's month (filters and settlement readers)
    month: Mapped[date] = mapped_column(Date)
    #: the values the rule compared (distance in metres, minutes, the other record's id …)
    evidence: Mapped[dict] = mapped_column(JSON)
    #: the explanation, a msgid with %(name)s placeholders filled from ``params`` when shown
    message: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict] = mapped_column(JSON)
    #: V07: the minutes of the visit over the segment's cap (a partial visit is paid for the rest)
    minutes_over: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default=FindingStatus.OPEN.value)
    source: Mapped[str] = mapped_column(String(10))
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Finding {self.rule} {self.record_kind}:{self.record_id} {self.service_date}>"


class ScanMark(Base):
    """When the nightly scan last checked a provider's month (SPEC §9): the next scan checks the
    month again only when one of its records, or a dated fact of a person, carer or the
    provider around them, changed after ``scanned_at``."""

    __tablename__ = "compliance_scan_marks"
    __table_args__ = (UniqueConstraint("provider_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    month: Mapped[date] = mapped_column(Date)
    #: the clock when it scanned (changes after it call for another scan)
    scanned_at: Mapped[datetime]
    #: the business date it scanned as of (a month not over then is scanned again once it is: F01)
    as_of: Mapped[date] = mapped_column(Date)
    findings_open: Mapped[int] = mapped_column(default=0)
