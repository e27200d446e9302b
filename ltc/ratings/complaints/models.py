"""Complaints (投诉, SPEC §8): registered by the insurer or the MIA from the person or the family, by
phone or at the counter, about a provider (and a carer); handled by the insurer within N working days
(``due_on``, derived from the entry date on read so a calendar change moves it; ``overdue_marked_on``
set by the daily 06:00 job); closed with an outcome and the reply to the complainant.
``ComplaintEvent`` is the write-once history."""
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check, write_once
from ltc.ratings.complaints.kinds import Channel, Complainant, EventKind, Outcome, Status

NAME_MAX, PHONE_MAX, TEXT_MAX, REASON_MAX = 50, 30, 2000, 300


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        enum_check("complainant", Complainant),
        enum_check("channel", Channel),
        enum_check("status", Status),
        enum_check("outcome", Outcome, nullable=True),
        CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)", name="closed_has_outcome"),
        Index("ix_complaints_provider_outcome", "provider_id", "outcome", "closed_on"),
        Index("ix_complaints_status", "status", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    #: the insurer that handles it (the contract of the person's district on the entry date)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    carer_id: Mapped[int | None] = mapped_column(ForeignKey("carers.id"))
    complainant: Mapped[str] = mapped_column(String(8))
    complainant_name: Mapped[str] = mapped_column(String(NAME_MAX))
    complainant_phone: Mapped[str | None] = mapped_column(String(PHONE_MAX))
    channel: Mapped[str] = mapped_column(String(8))
    #: what happened and when (the day it happened; the entry date starts the SLA)
    what: Mapped[str] = mapped_column(Text)
    happened_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default=Status.OPEN.value)
    overdue_marked_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(12))
    reply: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_org: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ComplaintEvent(Base):
    __tablename__ = "complaint_events"
    __table_args__ = (enum_check("kind", EventKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    data: Mapped[dict] = mapped_column(JSON, default=dict)


write_once(ComplaintEvent)
