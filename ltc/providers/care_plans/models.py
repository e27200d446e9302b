"""Care plans (护理计划, SPEC §5.3): versioned per (person, provider, care type).

Every save is a new version pointing to the previous one; a version is never edited in
place: only its status moves (``draft → final`` when the entitlement is granted; a version
saved after the grant ``pending → final | rejected | replaced`` through its revision case) and a
final version gets the entitlement it belongs to and the day it takes effect
(``effective_from``, SPEC §4.2).
"""
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.core.db import Base, enum_check
from ltc.providers.catalogue.models import ServiceItem
from ltc.orgs.kinds import CareType
# the statuses and units live in a pure module; re-exported here for existing callers
from ltc.providers.kinds import PLAN_STATUS_LABELS as STATUS_LABELS  # noqa: F401
from ltc.providers.kinds import UNIT_LABELS, FrequencyUnit, PlanStatus  # noqa: F401


class CarePlan(Base):
    __tablename__ = "care_plans"
    __table_args__ = (
        enum_check("care_type", CareType),
        enum_check("status", PlanStatus),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("level BETWEEN 0 AND 5", name="level"),
        UniqueConstraint("person_id", "provider_id", "care_type", "version"),
        Index("ix_care_plans_provider", "provider_id", "care_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    care_type: Mapped[str] = mapped_column(String(20))
    level: Mapped[int]
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=PlanStatus.DRAFT.value)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("care_plans.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(String(500))
    #: the entitlement the version belongs to (set at the grant, or when saved after it)
    entitlement_id: Mapped[int | None] = mapped_column(ForeignKey("entitlements.id"), index=True)
    #: a revision after the grant: the day the provider asked it to take effect
    requested_from: Mapped[date | None] = mapped_column(Date)
    #: the first day the version is in force (final versions only)
    effective_from: Mapped[date | None] = mapped_column(Date)

    visit_types: Mapped[list["CarePlanVisitType"]] = relationship(
        cascade="all, delete-orphan", order_by="CarePlanVisitType.position", back_populates="plan")

    def __repr__(self) -> str:
        return f"<CarePlan {self.id} v{self.version}>"


class CarePlanVisitType(Base):
    """A kind of visit in the plan: how often, how long, which catalogue items."""

    __tablename__ = "care_plan_visit_types"
    __table_args__ = (
        CheckConstraint("frequency > 0", name="frequency"),
        enum_check("frequency_unit", FrequencyUnit),
        CheckConstraint("planned_minutes > 0", name="planned_minutes"),
        CheckConstraint("weekdays IS NULL OR weekdays <> ''", name="weekdays"),
        UniqueConstraint("plan_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plans.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    frequency: Mapped[int]
    frequency_unit: Mapped[str] = mapped_column(String(10))
    planned_minutes: Mapped[int]
    #: the usual weekdays of a weekly visit type, ISO numbers in order ("135" = Mon, Wed, Fri)
    weekdays: Mapped[str | None] = mapped_column(String(7))
    #: the usual start time (Asia/Shanghai wall clock) the schedule and punctuality use; required for a
    #: weekly visit type saved since it was introduced (older rows keep NULL), optional for a monthly one
    start_time: Mapped[time | None] = mapped_column(Time)

    plan: Mapped[CarePlan] = relationship(back_populates="visit_types")
    items: Mapped[list["CarePlanVisitItem"]] = relationship(
        cascade="all, delete-orphan", order_by="CarePlanVisitItem.id")


class CarePlanVisitItem(Base):
    __tablename__ = "care_plan_visit_items"
    __table_args__ = (UniqueConstraint("visit_type_id", "service_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_type_id: Mapped[int] = mapped_column(ForeignKey("care_plan_visit_types.id"), index=True)
    service_item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))

    item: Mapped[ServiceItem] = relationship(lazy="joined")
