"""Follow-up visits (回访评价, SPEC §8).

* ``FollowUp``: one person on an insurer's worklist, why (``origin`` and its ``source_key``, unique per
  person so every feed is idempotent), by when, who does it; once made, the record: date, channel,
  satisfaction 1–5 on four items, services confirmed or not, findings, and the reassessment a "no longer
  fits the level" finding opened. A "not confirmed" record holds the person's records of ``held_month``.
* ``FollowUpEvent``: write-once history (created, assigned, reassigned, recorded: who, when, why).
* ``FollowUpDraw``: the monthly sample of one insurer: its month, the stored seed, how many were drawn.
"""
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check, write_once
from ltc.ratings.followups.kinds import Channel, EventKind, Origin, Status

FINDINGS_MAX, REASON_MAX = 2000, 300


class FollowUp(Base):
    __tablename__ = "follow_ups"
    __table_args__ = (
        enum_check("origin", Origin),
        enum_check("status", Status),
        enum_check("channel", Channel, nullable=True),
        UniqueConstraint("person_id", "source_key"),
        CheckConstraint("attitude IS NULL OR attitude BETWEEN 1 AND 5", name="attitude"),
        CheckConstraint("punctuality IS NULL OR punctuality BETWEEN 1 AND 5", name="punctuality"),
        CheckConstraint("skill IS NULL OR skill BETWEEN 1 AND 5", name="skill"),
        CheckConstraint("overall IS NULL OR overall BETWEEN 1 AND 5", name="overall"),
        CheckConstraint("(status = 'done') = (visited_on IS NOT NULL)", name="done_has_date"),
        Index("ix_follow_ups_insurer_status", "insurer_id", "status", "due_on"),
        Index("ix_follow_ups_held", "held_month", "confirmed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    #: the insurer whose worklist holds it (the contract of the person's district when it was listed)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: the provider of the person's entitlement when it was listed (None: none then)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    origin: Mapped[str] = mapped_column(String(16))
    #: what listed it, unique per person: ``grant:<entitlement>``, ``sample:<YYYY-MM>``, ``flag:<YYYY-MM>``,
    #: ``complaint:<id>`` (a feed run twice lists nobody twice)
    source_key: Mapped[str] = mapped_column(String(40))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up_draws.id"))
    listed_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(8), default=Status.OPEN.value)
    visited_on: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(String(8))
    attitude: Mapped[int | None]
    punctuality: Mapped[int | None]
    skill: Mapped[int | None]
    overall: Mapped[int | None]
    confirmed: Mapped[bool | None]
    #: the first day of the month whose records a "not confirmed" record holds (the visit's month)
    held_month: Mapped[date | None] = mapped_column(Date)
    findings: Mapped[str | None] = mapped_column(Text)
    level_mismatch: Mapped[bool] = mapped_column(default=False)
    reassessment_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUpEvent(Base):
    __tablename__ = "follow_up_events"
    __table_args__ = (enum_check("kind", EventKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_ups.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    data: Mapped[dict] = mapped_column(JSON, default=dict)


write_once(FollowUpEvent)


class FollowUpDraw(Base):
    __tablename__ = "follow_up_draws"
    __table_args__ = (UniqueConstraint("insurer_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: the first day of the month the sample is drawn for (the due date's month)
    month: Mapped[date] = mapped_column(Date)
    seed: Mapped[int]
    active: Mapped[int]
    sampled: Mapped[int]
    flagged: Mapped[int]
    flag_sampled: Mapped[int]
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)
