"""An entitlement is an immutable period ``[valid_from, valid_to)`` of benefit (SPEC §4.2).

The only changes ever made to a stored entitlement are an earlier ``valid_to`` (death, transfer,
change) and ``status = void`` (death or transfer before it started; kept, never deleted), and
their undoing when a death recorded in error is removed; each one is an ``EntitlementEvent``.
Void entitlements are invisible to every reader (``Entitlement.live_filter``). A person has at
most one active entitlement on any date: ``add_period`` checks it on every database, and on
PostgreSQL an EXCLUDE constraint over the non-void rows enforces it. ``care_plan_id`` and
``review_case_id`` are plain integers until the care-plan and review tables exist (their
foreign keys come with those features).
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.core.clock import utcnow
from ltc.core.db import Base, ImmutableRecord, enum_check, write_once
from ltc.core.periods import PeriodMixin, period_table_args
from ltc.entitlements.states import END_REASON_LABELS, ORIGIN_LABELS, EndReason, Origin  # noqa: F401
from ltc.entitlements.states import EntitlementStatus, EventAction, RequestKind, RequestStatus, VoidReason
from ltc.orgs.kinds import CareType

ORIGINS = tuple(origin.value for origin in Origin)
END_REASONS = tuple(reason.value for reason in EndReason)
#: SPEC §3.2 level names (levels 1–5 can carry an entitlement)
LEVEL_NAMES = {1: "轻度失能", 2: "中度失能", 3: "重度失能Ⅰ级", 4: "重度失能Ⅱ级", 5: "重度失能Ⅲ级"}


class Entitlement(PeriodMixin, Base):
    __tablename__ = "entitlements"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
        CheckConstraint("conclusion_level BETWEEN 1 AND 5", name="conclusion_level"),
        enum_check("care_type", CareType),
        enum_check("origin", Origin),
        enum_check("end_reason", EndReason, nullable=True),
        CheckConstraint("valid_to IS NOT NULL", name="has_end"),
        enum_check("status", EntitlementStatus),
        enum_check("void_reason", VoidReason, nullable=True),
        CheckConstraint("(status = 'void') = (void_reason IS NOT NULL)", name="void_has_reason"),
        Index("ix_entitlements_provider_period", "provider_id", "valid_from", "valid_to"),
        *period_table_args("entitlements", "person_id", where="status <> 'void'"),
    )
    period_key = ("person_id",)

    @classmethod
    def live_filter(cls):
        return cls.status != EntitlementStatus.VOID.value

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    level: Mapped[int]
    care_type: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: the care-plan version in force at the grant (FK to care_plans added with that table)
    care_plan_id: Mapped[int | None]
    #: the conclusion it rests on (for a migrated entitlement, its stored migrated conclusion)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    conclusion_level: Mapped[int]
    conclusion_date: Mapped[date] = mapped_column(Date)
    conclusion_valid_to: Mapped[date] = mapped_column(Date)
    origin: Mapped[str] = mapped_column(String(10))
    #: the entitlement review that granted it (FK to the review cases added with that table)
    review_case_id: Mapped[int | None]
    end_reason: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=EntitlementStatus.ACTIVE.value)
    void_reason: Mapped[str | None] = mapped_column(String(10))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("entitlements.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    events: Mapped[list["EntitlementEvent"]] = relationship(order_by="EntitlementEvent.id", viewonly=True)

    def __repr__(self) -> str:
        return f"<Entitlement {self.id} person={self.person_id} [{self.valid_from}, {self.valid_to})>"


class EntitlementEvent(Base):
    """One change of an entitlement: an earlier end (``end``), a void (``void``) or the undoing
    of either (``restore``); who, when, why, the end and end reason before and after. Never
    updated."""

    __tablename__ = "entitlement_events"
    __table_args__ = (
        enum_check("reason", EndReason),
        enum_check("action", EventAction),
        enum_check("end_reason_before", EndReason, nullable=True),
        CheckConstraint("action <> 'end' OR valid_to_after < valid_to_before", name="shortens"),
        CheckConstraint("action <> 'void' OR valid_to_after = valid_to_before", name="void_keeps_dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("entitlements.id"), index=True)
    action: Mapped[str] = mapped_column(String(10), default=EventAction.END.value)
    #: why it ended or was voided; for a restore, the reason that was undone
    reason: Mapped[str] = mapped_column(String(10))
    valid_to_before: Mapped[date] = mapped_column(Date)
    valid_to_after: Mapped[date] = mapped_column(Date)
    end_reason_before: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(String(500))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


write_once(EntitlementEvent)
ImmutableEntitlementEvent = ImmutableRecord


STATUSES = tuple(status.value for status in RequestStatus)


class EntitlementRequest(Base):
    """The subject of the four-party entitlement review (SPEC §4.2).

    A request names the person, the final conclusion it rests on, the care type and the provider
    chosen, and — for a change case — the entitlement it replaces and the trigger date. It is
    opened when a conclusion at or above the benefit threshold becomes final (for the care type
    and provider preferred on the application), or by an insurer operator for another choice.
    When the level is not allowed for the care type, or no provider was chosen, the request is
    kept as ``not_opened`` with the reason, so the insurer sees why.
    """

    __tablename__ = "entitlement_requests"
    __table_args__ = (
        enum_check("status", RequestStatus),
        enum_check("kind", RequestKind),
        enum_check("care_type", CareType),
        Index("ix_entitlement_requests_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    level: Mapped[int]
    #: None only on a request kept as not opened because no care type was chosen
    care_type: Mapped[str | None] = mapped_column(String(20))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("entitlements.id"))
    trigger_date: Mapped[date] = mapped_column(Date)
    #: a change of care type or provider asked to start later than the month after completion
    requested_from: Mapped[date | None] = mapped_column(Date)
    care_plan_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.OPEN.value)
    reason: Mapped[str | None] = mapped_column(String(500))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id"))
    entitlement_id: Mapped[int | None] = mapped_column(ForeignKey("entitlements.id"))
    starts_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<EntitlementRequest {self.id} {self.kind} {self.care_type} {self.status}>"
