"""Entitlement requests: the subject of the four-party entitlement review (SPEC §4.2).

A request names the person, the final conclusion it rests on, the care type and the provider
chosen, and — for a change case — the entitlement it replaces and the trigger date. It is
opened automatically when a conclusion at or above the benefit threshold becomes final (for
the care type and provider preferred on the application), or by an insurer operator for
another choice. When the level is not allowed for the care type, or no provider was chosen,
the request is kept as ``not_opened`` with the reason, so the insurer sees why.
"""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ltc.core.db import Base, enum_check
from ltc.core.clock import utcnow
from ltc.entitlements.states import RequestKind, RequestStatus
from ltc.orgs.kinds import CareType

STATUSES = tuple(status.value for status in RequestStatus)


class EntitlementRequest(Base):
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
    care_type: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("entitlements.id"))
    trigger_date: Mapped[date] = mapped_column(Date)
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


def open_requests_of(session: Session, person_id: int) -> list[EntitlementRequest]:
    return list(session.scalars(select(EntitlementRequest).where(
        EntitlementRequest.person_id == person_id, EntitlementRequest.status == RequestStatus.OPEN)))
