"""A provider's dated agreement attributes and district (SPEC §0.2, §1)."""
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.db import Base, enum_check
from ltc.core.periods import PeriodMixin, period_table_args
from ltc.orgs.kinds import CareType, FacilityGrade


class ProviderCareTypePeriod(PeriodMixin, Base):
    """A care type in the provider's agreement, per period (one row per care type)."""

    __tablename__ = "provider_care_type_periods"
    __table_args__ = (
        enum_check("care_type", CareType),
        *period_table_args("provider_care_type_periods", "org_id", "care_type"),
    )
    period_key = ("org_id", "care_type")

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    care_type: Mapped[str] = mapped_column(String(20))


class ProviderGradePeriod(PeriodMixin, Base):
    __tablename__ = "provider_grade_periods"
    __table_args__ = (
        enum_check("grade", FacilityGrade),
        *period_table_args("provider_grade_periods", "org_id"),
    )
    period_key = ("org_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    grade: Mapped[str] = mapped_column(String(20))


class ProviderBedsPeriod(PeriodMixin, Base):
    __tablename__ = "provider_beds_periods"
    __table_args__ = (
        CheckConstraint("beds >= 0", name="beds"),
        *period_table_args("provider_beds_periods", "org_id"),
    )
    period_key = ("org_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    beds: Mapped[int]


class ProviderPricePeriod(PeriodMixin, Base):
    """Daily nursing price charged by an institution (priced up to the policy cap)."""

    __tablename__ = "provider_price_periods"
    __table_args__ = (
        CheckConstraint("daily_price >= 0", name="daily_price"),
        *period_table_args("provider_price_periods", "org_id"),
    )
    period_key = ("org_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    daily_price: Mapped[Decimal]


class ProviderDistrictPeriod(PeriodMixin, Base):
    """The district (区县) of the provider, a code of the MIA's district list."""

    __tablename__ = "provider_district_periods"
    __table_args__ = period_table_args("provider_district_periods", "org_id")
    period_key = ("org_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    district: Mapped[str] = mapped_column(String(50), ForeignKey("districts.code"), index=True)
