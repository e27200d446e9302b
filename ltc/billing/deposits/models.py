"""The quality deposit ledger (质量保证金, SPEC §7.3), the net payment of each approved settlement and
the year-end clearing of a provider's year.

* ``DepositEntry``: one movement of a provider's deposit, always a positive amount: withheld from the
  settlement of ``month``, released by the clearing of ``year`` (with the adjustment that pays it), or
  returned to the fund. Balance of a year = withheld − released − returned.
* ``SettlementNet``: approved fund − deposit ± adjustments + the negative net carried in from the
  provider's previous settlement = net; ``payable`` = max(net, 0) is paid, ``carried_out`` =
  min(net, 0) goes to the next settlement (never paid out as negative).
* ``DepositClearing``: one per provider and year, with the annual star and share it released by.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.billing.deposits.kinds import EntryKind
from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check

ZERO = Decimal("0.00")
Ratio = Numeric(4, 2, asdecimal=True)


class DepositEntry(Base):
    __tablename__ = "deposit_entries"
    __table_args__ = (
        enum_check("kind", EntryKind),
        CheckConstraint("amount > 0", name="amount"),
        UniqueConstraint("settlement_id", "kind"),
        Index("ix_deposit_entries_provider_year", "provider_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(10))
    #: the service month the deposit belongs to (withheld: the settlement's; release, return: December)
    month: Mapped[date] = mapped_column(Date)
    year: Mapped[int]
    amount: Mapped[Decimal]
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"))
    clearing_id: Mapped[int | None] = mapped_column(ForeignKey("deposit_clearings.id"))
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_adjustments.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SettlementNet(Base):
    __tablename__ = "settlement_nets"
    __table_args__ = (
        CheckConstraint("deposit >= 0", name="deposit"),
        CheckConstraint("payable >= 0", name="payable"),
        CheckConstraint("carried_out <= 0", name="carried_out"),
        CheckConstraint("carried_in <= 0", name="carried_in"),
        Index("ix_settlement_nets_provider_month", "provider_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    month: Mapped[date] = mapped_column(Date)
    approved_fund: Mapped[Decimal]
    deposit_ratio: Mapped[Decimal] = mapped_column(Ratio)
    deposit: Mapped[Decimal]
    adjustments: Mapped[Decimal]
    #: the negative net of the provider's previous settlement brought into this one (≤ 0)
    carried_in: Mapped[Decimal] = mapped_column(default=ZERO)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_nets.id"), unique=True)
    net: Mapped[Decimal]
    payable: Mapped[Decimal]
    carried_out: Mapped[Decimal] = mapped_column(default=ZERO)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class DepositClearing(Base):
    __tablename__ = "deposit_clearings"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
        UniqueConstraint("provider_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int]
    stars: Mapped[int]
    release_ratio: Mapped[Decimal] = mapped_column(Ratio)
    withheld: Mapped[Decimal]
    released: Mapped[Decimal]
    returned: Mapped[Decimal]
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_adjustments.id"))
    cleared_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
