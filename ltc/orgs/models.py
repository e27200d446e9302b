"""Organisation and its dated status and agreement periods; the MIA's district list; insurers' contracts."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.core.periods import PeriodMixin, period_table_args
from ltc.orgs.kinds import OrgKind, OrgStatus


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (
        enum_check("kind", OrgKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    address: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    statuses: Mapped[list["OrgStatusPeriod"]] = relationship(
        back_populates="org", order_by="OrgStatusPeriod.valid_from")
    agreements: Mapped[list["AgreementPeriod"]] = relationship(
        back_populates="org", order_by="AgreementPeriod.valid_from")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind} {self.name}>"


class OrgStatusPeriod(PeriodMixin, Base):
    __tablename__ = "org_status_periods"
    __table_args__ = (
        enum_check("status", OrgStatus),
        *period_table_args("org_status_periods", "org_id"),
    )
    period_key = ("org_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    org: Mapped[Organisation] = relationship(back_populates="statuses")


class AgreementPeriod(PeriodMixin, Base):
    """The service agreement (协议) between the MIA and an organisation."""

    __tablename__ = "agreement_periods"
    __table_args__ = period_table_args("agreement_periods", "org_id")
    period_key = ("org_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    agreement_no: Mapped[str] = mapped_column(String(60))
    org: Mapped[Organisation] = relationship(back_populates="agreements")


class District(Base):
    """A district (区县) of the MIA's reference list (SPEC §1).

    Records name a district by its ``code`` (persons, insurers' contracts, providers' district
    periods), which never changes; the ``name`` is what users see and may be corrected. A district
    that is no longer used is deactivated: it stays for the records that name it.
    """

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<District {self.code} {self.name}>"


class InsurerContract(PeriodMixin, Base):
    """An insurer's contract (承办合同) for one district over ``[valid_from, valid_to)`` (SPEC §1).

    The contracts of one district never overlap, so on any date at most one insurer answers for
    a district; a re-tender ends one contract and starts another on the same date.
    """

    __tablename__ = "insurer_contracts"
    __table_args__ = period_table_args("insurer_contracts", "district")
    period_key = ("district",)

    id: Mapped[int] = mapped_column(primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    district: Mapped[str] = mapped_column(String(50), ForeignKey("districts.code"), index=True)
    contract_no: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    insurer: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:
        return f"<InsurerContract {self.district} insurer={self.insurer_id} [{self.valid_from}, {self.valid_to})>"
