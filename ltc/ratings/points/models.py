"""Violation points (SPEC §6, §8): the append-only ledger per carer, the suspensions 12 points
triggered, and which submitted settlements the daily job is done with.

* ``ViolationPoint``: one row per (settlement, record, rule) whose finding was confirmed: the carer,
  the points, the day they attached and why (write-once).
* ``PointSuspension``: a suspension the points triggered (the 12th point's day, the points counted),
  linked to the carer's dated ``CarerSuspensionPeriod`` that P02 reads.
* ``PointSettlementMark``: a settlement whose appeal window is closed and whose appeals are all decided:
  every point it can give has attached, the job no longer reads it.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check, write_once
from ltc.providers.kinds import RecordKind
from ltc.ratings.points.kinds import PointCause, PointRule

NOTE_MAX = 1000


@write_once
class ViolationPoint(Base):
    __tablename__ = "violation_points"
    __table_args__ = (
        enum_check("rule", PointRule), enum_check("cause", PointCause), enum_check("record_kind", RecordKind),
        CheckConstraint("points > 0", name="points_positive"),
        UniqueConstraint("settlement_id", "record_kind", "record_id", "rule"),
        Index("ix_violation_points_carer_day", "carer_id", "attached_on"),
        Index("ix_violation_points_provider_day", "provider_id", "attached_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carers.id"))
    #: the carer's provider (the pages' scope)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    rule: Mapped[str] = mapped_column(String(10))
    record_kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int]
    service_date: Mapped[date] = mapped_column(Date)
    #: the REJECT or FLAG finding (None: the insurer's fraud finding, which is a refusal)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id"))
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"))
    #: the insurer's refusal (FLAG, falsified, fraud) and the lost appeal, when they made the points
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_record_decisions.id"))
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_appeals.id"))
    points: Mapped[int]
    attached_on: Mapped[date] = mapped_column(Date)
    cause: Mapped[str] = mapped_column(String(20))
    #: the insurer's words (its refusal's reason text, the evidence of a fraud finding)
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@write_once
class PointSuspension(Base):
    __tablename__ = "point_suspensions"
    __table_args__ = (UniqueConstraint("carer_id", "triggered_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carers.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: the day of the point that reached the threshold, and the points counted then
    triggered_on: Mapped[date] = mapped_column(Date)
    points: Mapped[int]
    #: the dated suspension (None: the carer was already suspended until further notice)
    suspension_id: Mapped[int | None] = mapped_column(ForeignKey("carer_suspension_periods.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PointSettlementMark(Base):
    __tablename__ = "point_settlement_marks"

    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), primary_key=True)
    done_on: Mapped[date] = mapped_column(Date)
    points: Mapped[int] = mapped_column(default=0)
