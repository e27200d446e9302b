"""Service catalogue (服务项目, SPEC §5.2): items, who may deliver them, the care types they
belong to, and their dated standard minutes (SPEC §0.2)."""
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.core.db import Base, enum_check
from ltc.core.periods import PeriodMixin, period_table_args
from ltc.orgs.kinds import CareType
from ltc.providers.kinds import ITEM_CLASS_LABELS, STAFF_TYPE_LABELS, ItemClass, StaffType  # noqa: F401

ITEM_CLASSES = tuple(c.value for c in ItemClass)
STAFF_TYPES = tuple(t.value for t in StaffType)
CARE_TYPES = tuple(t.value for t in CareType)
NATIONAL_CODE_LENGTH = 17


class ServiceItem(Base):
    __tablename__ = "service_items"
    __table_args__ = (
        enum_check("item_class", ItemClass),
        CheckConstraint("national_code IS NULL OR length(national_code) = 17", name="national_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    #: 17-character NHSA code; NULL until mapped
    national_code: Mapped[str | None] = mapped_column(String(NATIONAL_CODE_LENGTH))
    item_class: Mapped[str] = mapped_column(String(10))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    staff_type_rows: Mapped[list["ServiceItemStaffType"]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceItemStaffType.staff_type")
    care_type_rows: Mapped[list["ServiceItemCareType"]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceItemCareType.care_type")

    @property
    def staff_types(self) -> list[str]:
        return [row.staff_type for row in self.staff_type_rows]

    @property
    def care_types(self) -> list[str]:
        return [row.care_type for row in self.care_type_rows]

    def name(self, locale: str | None = None) -> str:
        if locale and locale.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class ServiceItemStaffType(Base):
    """A staff type allowed to deliver the item."""

    __tablename__ = "service_item_staff_types"
    __table_args__ = (
        enum_check("staff_type", StaffType),
        UniqueConstraint("item_id", "staff_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))
    staff_type: Mapped[str] = mapped_column(String(20))


class ServiceItemCareType(Base):
    """A care type the item belongs to."""

    __tablename__ = "service_item_care_types"
    __table_args__ = (
        enum_check("care_type", CareType),
        UniqueConstraint("item_id", "care_type"),
        Index("ix_service_item_care_types_care_type", "care_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))
    care_type: Mapped[str] = mapped_column(String(20))


class ServiceItemMinutes(PeriodMixin, Base):
    """The item's standard minutes, per period."""

    __tablename__ = "service_item_minutes"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes"),
        *period_table_args("service_item_minutes", "item_id"),
    )
    period_key = ("item_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"), index=True)
    minutes: Mapped[int]
