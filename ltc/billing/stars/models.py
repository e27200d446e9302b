"""The monthly and annual star of a provider as dated attributes (SPEC §0.2, §8), and the event
of every star set or corrected (who, when, why, the value before).

* ``ProviderMonthlyStar``: the star of ``month`` M, in force from the 1st of M+1 until the next
  month's star (``valid_to`` is the next star's ``valid_from``; open-ended for the latest).
* ``ProviderAnnualStar``: the star of ``year`` Y, the period ``[1 January Y, 1 January Y+1)``.
* ``ProviderStarEvent``: write-once history of both.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.billing.stars.kinds import StarKind, StarSource
from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.core.periods import PeriodMixin, period_table_args

REASON_MAX = 300


class _StarColumns:
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    stars: Mapped[int]
    source: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProviderMonthlyStar(_StarColumns, PeriodMixin, Base):
    __tablename__ = "provider_monthly_stars"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
        enum_check("source", StarSource),
        UniqueConstraint("org_id", "month"),
        *period_table_args("provider_monthly_stars", "org_id"),
    )
    period_key = ("org_id",)

    #: the first day of the rated month M (the star is in force from the 1st of M+1)
    month: Mapped[date] = mapped_column(Date)


class ProviderAnnualStar(_StarColumns, PeriodMixin, Base):
    __tablename__ = "provider_annual_stars"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
        enum_check("source", StarSource),
        UniqueConstraint("org_id", "year"),
        *period_table_args("provider_annual_stars", "org_id"),
    )
    period_key = ("org_id",)

    year: Mapped[int]


class ProviderStarEvent(Base):
    __tablename__ = "provider_star_events"
    __table_args__ = (
        enum_check("kind", StarKind),
        enum_check("source", StarSource),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
        Index("ix_provider_star_events_org", "org_id", "kind", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(10))
    #: the rated month's first day, or 1 January of the rated year
    period: Mapped[date] = mapped_column(Date)
    before: Mapped[int | None]
    stars: Mapped[int]
    source: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
