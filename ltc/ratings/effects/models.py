"""Dynamic management (SPEC §8 effects): rectification notices with the provider's responses and the
insurer's checks, agreement-review proposals for the MIA, and the write-once events of every step."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.ratings.effects.kinds import (CheckDecision, EffectAction, NoticeStatus, ProposalCause, ProposalDecision,
                                       ProposalStatus)

TEXT_MAX = 2000
REASON_MAX = 500


class RectificationNotice(Base):
    """整改通知: issued when the provider's monthly star of ``month`` first fell to ★2 or below; the
    checking insurer is the one whose contract covered the provider's district on the issue day."""

    __tablename__ = "rectification_notices"
    __table_args__ = (
        enum_check("status", NoticeStatus),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
        UniqueConstraint("provider_id", "month"),
        Index("ix_rectification_notices_insurer_status", "insurer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    insurer_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    district: Mapped[str | None] = mapped_column(String(50))
    #: the rated month (its first day) whose star triggered the notice
    month: Mapped[date] = mapped_column(Date)
    stars: Mapped[int]
    issued_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    responses: Mapped[list["RectificationResponse"]] = relationship(order_by="RectificationResponse.id")


class RectificationResponse(Base):
    """One written response of the provider, and the insurer's check of it (empty until checked)."""

    __tablename__ = "rectification_responses"
    __table_args__ = (
        enum_check("decision", CheckDecision, nullable=True),
        CheckConstraint("decision IS NULL OR (checked_by IS NOT NULL AND checked_at IS NOT NULL)", name="checked"),
        CheckConstraint("decision IS NULL OR decision = 'accepted' OR check_reason IS NOT NULL", name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("rectification_notices.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(40))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_path: Mapped[str | None] = mapped_column(String(100))
    responded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    responded_at: Mapped[datetime]
    decision: Mapped[str | None] = mapped_column(String(20))
    check_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    checked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None]


class AgreementReviewProposal(Base):
    """协议处理建议: the annual star of ``year`` calls for an agreement review; the MIA decides."""

    __tablename__ = "agreement_review_proposals"
    __table_args__ = (
        enum_check("cause", ProposalCause),
        enum_check("status", ProposalStatus),
        enum_check("decision", ProposalDecision, nullable=True),
        UniqueConstraint("provider_id", "year"),
        CheckConstraint("status = 'pending' OR (decision IS NOT NULL AND decided_by IS NOT NULL "
                        "AND reason IS NOT NULL)", name="decided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    stars: Mapped[int]
    cause: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), index=True)
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(20))
    #: the first day suspended, or the day the agreement ends (its first day no longer covered)
    effective_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]


class EffectEvent(Base):
    """Write-once: every step of a notice or a proposal, with who (user, organisation), when and why."""

    __tablename__ = "rating_effect_events"
    __table_args__ = (
        enum_check("action", EffectAction),
        CheckConstraint("(notice_id IS NULL) <> (proposal_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("rectification_notices.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_review_proposals.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(String(TEXT_MAX))
