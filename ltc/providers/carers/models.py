"""Carers (护理人员, SPEC §1, §0.2): a provider's staff register.

A carer belongs to one provider (the same person working for two providers is two rows, one per
register). Qualifications and suspensions are dated attribute tables (no overlap per carer and
staff type / per carer, enforced by the service and on PostgreSQL by ``EXCLUDE``); certificates
(上岗证, 健康证 …) and training hours are plain dated rows. P02 reads them "as of the service date".
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.core.periods import PeriodMixin, period_table_args
from ltc.providers.kinds import StaffType

NAME_MAX = 50


class Carer(Base):
    __tablename__ = "carers"
    __table_args__ = (
        enum_check("staff_type", StaffType),
        CheckConstraint("left_on IS NULL OR left_on > employed_from", name="employment_order"),
        UniqueConstraint("provider_id", "id_number"),
        Index("ix_carers_provider_name", "provider_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    #: normalised resident ID number (SPEC §2), ASCII only
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    staff_type: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(30))
    #: the carer's own login (role ``carer``), optional
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    #: employment with this provider, half-open ``[employed_from, left_on)``
    employed_from: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def employed_on(self, day: date) -> bool:
        return self.employed_from <= day and (self.left_on is None or day < self.left_on)

    def __repr__(self) -> str:
        return f"<Carer {self.id} {self.staff_type}>"


class CarerQualificationPeriod(PeriodMixin, Base):
    """A qualification (执业/职业资格) for a staff type, valid ``[valid_from, valid_to)``."""

    __tablename__ = "carer_qualification_periods"
    __table_args__ = (
        enum_check("staff_type", StaffType),
        *period_table_args("carer_qualification_periods", "carer_id", "staff_type"),
    )
    period_key = ("carer_id", "staff_type")

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carers.id"), index=True)
    staff_type: Mapped[str] = mapped_column(String(20))
    certificate_no: Mapped[str] = mapped_column(String(50))
    issuer: Mapped[str | None] = mapped_column(String(100))


class CarerCertificate(Base):
    """Another certificate the provider keeps on file (上岗证, 健康证 …), reminded before it expires."""

    __tablename__ = "carer_certificates"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="period_order"),
        Index("ix_carer_certificates_valid_to", "valid_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    number: Mapped[str | None] = mapped_column(String(50))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class CarerTraining(Base):
    """Training hours on a day (the carer star's training component reads the last 12 months)."""

    __tablename__ = "carer_trainings"
    __table_args__ = (CheckConstraint("hours > 0", name="hours"),
                      Index("ix_carer_trainings_carer_day", "carer_id", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carers.id"))
    day: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    topic: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CarerSuspensionPeriod(PeriodMixin, Base):
    """A dated suspension (P02 rejects the carer's visits while it runs): entered by the provider or
    the insurer, or started by 12 violation points (SPEC §6, §8)."""

    __tablename__ = "carer_suspension_periods"
    __table_args__ = period_table_args("carer_suspension_periods", "carer_id")
    period_key = ("carer_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carers.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
