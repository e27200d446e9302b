"""Review cases, their stages (a stay at a step) and their immutable events (SPEC §4.1)."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.core.clock import utcnow
from ltc.core.db import Base, UtcDateTime, enum_check, write_once
from ltc.reviews.states import CaseStatus

CASE_STATUSES = tuple(status.value for status in CaseStatus)


class ReviewCase(Base):
    """One review of one subject. ``definition`` freezes the case type's steps at opening,
    so a policy change never rewrites a running case. ``version`` is the optimistic lock."""

    __tablename__ = "review_cases"
    __table_args__ = (
        enum_check("status", CaseStatus),
        Index("ix_review_cases_subject", "subject_type", "subject_id"),
        Index("ix_review_cases_type_status", "case_type", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_type: Mapped[str] = mapped_column(String(40))
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("policy_versions.id"))
    definition: Mapped[dict] = mapped_column(JSON)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    subject_revision: Mapped[int] = mapped_column(default=1)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN.value)
    step_code: Mapped[str | None] = mapped_column(String(40))
    round: Mapped[int] = mapped_column(default=1)
    owners: Mapped[dict] = mapped_column(JSON)  # step code → owning organisation id
    opened_on: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    close_reason: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(default=1)

    stages: Mapped[list["ReviewStage"]] = relationship(order_by="ReviewStage.id", viewonly=True)
    events: Mapped[list["ReviewEvent"]] = relationship(order_by="ReviewEvent.id", viewonly=True)

    def __repr__(self) -> str:
        return f"<ReviewCase {self.id} {self.case_type} {self.status} {self.step_code}>"


class ReviewParty(Base):
    """An organisation owning a step of a case: the case is in its scope."""

    __tablename__ = "review_parties"
    __table_args__ = (UniqueConstraint("case_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)


class ReviewStage(Base):
    """One stay of a case at a step (a stage), due at the step's SLA rule applied to the entry
    date. The owning organisation and the roles that may decide are those of the step on entry."""

    __tablename__ = "review_stages"
    __table_args__ = (
        Index("ix_review_stages_inbox", "owner_org_id", "left_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"), index=True)
    step_code: Mapped[str] = mapped_column(String(40))
    round: Mapped[int]
    owner_kind: Mapped[str] = mapped_column(String(20))
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    roles: Mapped[str] = mapped_column(String(100))  # who may decide, space-separated, as the step named them
    entered_on: Mapped[date] = mapped_column(Date)
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    due_on: Mapped[date] = mapped_column(Date)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    left_on: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(20))
    overdue_marked_on: Mapped[date | None] = mapped_column(Date)

    @property
    def role_names(self) -> tuple[str, ...]:
        return tuple(self.roles.split())

    def overdue(self, today: date) -> bool:
        """Open and past its due date, or decided after it."""
        return (self.left_on or today) > self.due_on


@write_once
class ReviewEvent(Base):
    """An immutable entry of a case's trail, with the facts the decider saw."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"), index=True)
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("review_stages.id"))
    round: Mapped[int]
    step_code: Mapped[str | None] = mapped_column(String(40))
    subject_revision: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))  # opened, approve, return, decline, reject, revised, cancelled
    reason_code: Mapped[str | None] = mapped_column(String(20))
    reason_text: Mapped[str | None] = mapped_column(String(1000))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    actor_label: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    snapshot: Mapped[dict | None] = mapped_column(JSON)
