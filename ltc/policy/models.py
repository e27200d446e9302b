"""Policy versions and their events (SPEC §0.3).

A version moves ``draft → published → retired`` (a draft may also be retired unpublished).
Published versions never overlap: the service layer checks it on every database and, on
PostgreSQL, an ``EXCLUDE USING gist`` constraint limited to published rows enforces it.
"""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, column, func
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.auth.models import User
from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.core.errors import InvalidTransition


class PolicyStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class PolicyAction(StrEnum):
    CREATED = "created"
    EDITED = "edited"
    PUBLISHED = "published"
    RETIRED = "retired"


TRANSITIONS: dict[PolicyStatus, set[PolicyStatus]] = {
    PolicyStatus.DRAFT: {PolicyStatus.PUBLISHED, PolicyStatus.RETIRED},
    PolicyStatus.PUBLISHED: {PolicyStatus.RETIRED},
    PolicyStatus.RETIRED: set(),
}
STATUS_LABELS = {PolicyStatus.DRAFT: "草稿", PolicyStatus.PUBLISHED: "已发布", PolicyStatus.RETIRED: "已废止"}
ACTION_LABELS = {PolicyAction.CREATED: "创建", PolicyAction.EDITED: "修改",
                 PolicyAction.PUBLISHED: "发布", PolicyAction.RETIRED: "废止"}


def check_transition(current: str, target: PolicyStatus) -> None:
    """Raises InvalidTransition unless ``current → target`` is allowed."""
    if target not in TRANSITIONS[PolicyStatus(current)]:
        raise InvalidTransition(
            "政策版本状态不能从 %(source)s 变为 %(target)s", {"status": f"{current} -> {target}"},
            params={"source": STATUS_LABELS[PolicyStatus(current)], "target": STATUS_LABELS[target]})


class PolicyVersion(Base):
    __tablename__ = "policy_versions"
    __table_args__ = (
        enum_check("status", PolicyStatus),
        CheckConstraint("effective_to IS NULL OR effective_to > effective_from", name="period_order"),
        CheckConstraint(f"status <> '{PolicyStatus.PUBLISHED.value}' OR effective_from IS NOT NULL",
                        name="published_has_start"),
        ExcludeConstraint(
            (func.daterange(column("effective_from"), column("effective_to"), "[)"), "&&"),
            using="gist", name="ex_policy_versions_no_overlap",
            where=column("status") == PolicyStatus.PUBLISHED.value,
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=PolicyStatus.DRAFT.value, index=True)
    #: a draft has no range until it is published
    effective_from: Mapped[date | None] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(500))

    events: Mapped[list["PolicyEvent"]] = relationship(
        back_populates="version", order_by="PolicyEvent.id", cascade="all, delete-orphan")

    def covers(self, day: date) -> bool:
        return (self.effective_from is not None and self.effective_from <= day
                and (self.effective_to is None or day < self.effective_to))

    def __repr__(self) -> str:
        return f"<PolicyVersion {self.number} {self.status} [{self.effective_from}, {self.effective_to})>"


class PolicyEvent(Base):
    """One state change of a version: who, when, what, why. Never updated."""

    __tablename__ = "policy_events"
    __table_args__ = (enum_check("action", PolicyAction),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(String(500))

    version: Mapped[PolicyVersion] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()
