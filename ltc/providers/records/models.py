"""Service records (服务记录, SPEC §5.4).

* **Stays** (``special``, ``institution``): admission and discharge of a beneficiary at a
  bed-based provider; bed-days are derived from them by the 算入不算出 rule, never stored per day.
* **Leaves** (请假) ``[out_on, back_on)`` inside a stay.
* **Visits** (``home``, ``outreach``, ``family`` package): scheduled from the care plan, then checked
  in and out. ``service_date`` is the Asia/Shanghai date of the check-in (of the scheduled start
  while there is none), stored so every period reader can use an index.

A correction of an unsettled record bumps ``version`` and keeps the previous values in
``record_versions`` (who, when, why); a settled record (``settled_at`` set by billing) is never
changed again — corrections are adjustments in a later settlement.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.providers.catalogue.models import ServiceItem
from ltc.providers.kinds import BedCareType, RecordKind, RecordSource, VisitCareType, VisitStatus

NOTE_MAX = 1000
Coordinate = Numeric(9, 6, asdecimal=True)


class RecordMixin:
    """What every service record keeps: its version (bumped by a correction), who entered it and
    when, and when a settlement took it (then it is never changed again)."""

    version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    settled_at: Mapped[datetime | None]


class Stay(RecordMixin, Base):
    __tablename__ = "stays"
    __table_args__ = (
        enum_check("care_type", BedCareType),
        enum_check("source", RecordSource),
        CheckConstraint("discharged_on IS NULL OR discharged_on >= admitted_on", name="discharge_order"),
        Index("ix_stays_provider_admitted", "provider_id", "admitted_on"),
        Index("ix_stays_provider_discharged", "provider_id", "discharged_on"),
        Index("ix_stays_person_admitted", "person_id", "admitted_on"),
        Index("ix_stays_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"))
    care_type: Mapped[str] = mapped_column(String(20))
    admitted_on: Mapped[date] = mapped_column(Date)
    #: the discharge day (not a bed-day unless it is also the admission day); None while in
    discharged_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    source: Mapped[str] = mapped_column(String(10), default=RecordSource.WEB.value)

    leaves: Mapped[list["Leave"]] = relationship(back_populates="stay", order_by="Leave.out_on")

    def __repr__(self) -> str:
        return f"<Stay {self.id} {self.care_type} {self.admitted_on}>"


class Leave(RecordMixin, Base):
    """A leave of absence ``[out_on, back_on)``; ``back_on`` None while the person is still away."""

    __tablename__ = "leaves"
    __table_args__ = (
        enum_check("source", RecordSource),
        CheckConstraint("back_on IS NULL OR back_on > out_on", name="leave_order"),
        Index("ix_leaves_provider_out", "provider_id", "out_on"),
        Index("ix_leaves_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stays.id"), index=True)
    #: copied from the stay so that period readers need no join
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    out_on: Mapped[date] = mapped_column(Date)
    back_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(10), default=RecordSource.WEB.value)

    stay: Mapped[Stay] = relationship(back_populates="leaves")


class Visit(RecordMixin, Base):
    __tablename__ = "visits"
    __table_args__ = (
        enum_check("care_type", VisitCareType),
        enum_check("status", VisitStatus),
        enum_check("source", RecordSource),
        #: 0 on a visit outside any care plan until its check-out names the items (migration 0042)
        CheckConstraint("planned_minutes >= 0", name="planned_minutes"),
        CheckConstraint("actual_minutes IS NULL OR actual_minutes >= 0", name="actual_minutes"),
        CheckConstraint("check_out_at IS NULL OR (check_in_at IS NOT NULL AND check_out_at >= check_in_at)",
                        name="check_out_order"),
        CheckConstraint("scheduled_start IS NOT NULL OR check_in_at IS NOT NULL", name="has_time"),
        Index("ix_visits_provider_date", "provider_id", "service_date"),
        Index("ix_visits_carer_date", "carer_id", "service_date"),
        Index("ix_visits_person_date", "person_id", "service_date"),
        Index("ix_visits_updated_at", "updated_at"),
        # the supervision facts read one month of every provider's visits (migration 0053)
        Index("ix_visits_service_date", "service_date", "status"),
        # S01 looks visits up by photo and GPS point (entry-time checks and the nightly scan)
        Index("ix_visits_photo_hash", "photo_hash"),
        Index("ix_visits_check_in_point", "check_in_lat", "check_in_lon"),
        Index("ix_visits_check_out_point", "check_out_lat", "check_out_lon"),
        #: one visit per slot of the plan: two schedule runs at once cannot both add it
        UniqueConstraint("visit_type_id", "slot_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"))
    #: None on a scheduled visit not yet given to a carer; required to check in
    carer_id: Mapped[int | None] = mapped_column(ForeignKey("carers.id"))
    care_type: Mapped[str] = mapped_column(String(20))
    #: the plan version and its visit type the visit was scheduled from (None: unplanned visit)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("care_plans.id"))
    visit_type_id: Mapped[int | None] = mapped_column(ForeignKey("care_plan_visit_types.id"))
    status: Mapped[str] = mapped_column(String(12), default=VisitStatus.SCHEDULED.value)
    scheduled_start: Mapped[datetime | None]
    #: the start the month's schedule generated the visit at (its slot in the plan), kept when the
    #: visit is moved; None on a visit not generated from the plan
    slot_start: Mapped[datetime | None]
    check_in_at: Mapped[datetime | None]
    check_out_at: Mapped[datetime | None]
    #: Asia/Shanghai date of the check-in (of the scheduled start before it)
    service_date: Mapped[date] = mapped_column(Date)
    planned_minutes: Mapped[int]
    actual_minutes: Mapped[int | None]
    check_in_lat: Mapped[Decimal | None] = mapped_column(Coordinate)
    check_in_lon: Mapped[Decimal | None] = mapped_column(Coordinate)
    check_out_lat: Mapped[Decimal | None] = mapped_column(Coordinate)
    check_out_lon: Mapped[Decimal | None] = mapped_column(Coordinate)
    device_id: Mapped[str | None] = mapped_column(String(100))
    photo_hash: Mapped[str | None] = mapped_column(String(128))
    notes: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    source: Mapped[str] = mapped_column(String(10), default=RecordSource.WEB.value)
    #: when the check-in reached the server (V12 compares it with the check-in)
    uploaded_at: Mapped[datetime | None]
    #: checked out by the nightly scan at its planned minutes (V13)
    closed_by_scan: Mapped[bool] = mapped_column(default=False)

    items: Mapped[list["VisitItem"]] = relationship(cascade="all, delete-orphan", order_by="VisitItem.id")

    def __repr__(self) -> str:
        return f"<Visit {self.id} {self.care_type} {self.service_date}>"


class VisitItem(Base):
    """A catalogue item delivered during the visit (planned items until check-out)."""

    __tablename__ = "visit_items"
    __table_args__ = (UniqueConstraint("visit_id", "service_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    service_item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))

    item: Mapped[ServiceItem] = relationship(lazy="joined")


class RecordVersion(Base):
    """The values a record had before a correction (write-once): who changed it, when and why."""

    __tablename__ = "record_versions"
    __table_args__ = (
        enum_check("record_kind", RecordKind),
        UniqueConstraint("record_kind", "record_id", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int]
    #: the version these values were (the record itself now holds version + 1)
    version: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(500))


class BeneficiaryCarer(Base):
    """The carer a provider's operator chose for a beneficiary: the schedule gives them the visits it
    generates (each visit can still be given to another carer)."""

    __tablename__ = "beneficiary_carers"
    __table_args__ = (UniqueConstraint("provider_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carers.id"), index=True)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScheduleRequest(Base):
    """A whole month's schedule of a provider asked for from the schedule page and generated by the
    scheduler process (one per queued run; its units are the beneficiaries)."""

    __tablename__ = "schedule_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("job_runs.id"), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: the first day of the month
    month: Mapped[date] = mapped_column(Date)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
