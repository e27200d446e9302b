"""What the ratings run stores (SPEC §8), per run and provider, so the provider sees every component:

* ``CarerStar``: a carer's monthly score and star with its components (n, raw, adjusted, weight).
* ``CostQuarter``: a provider's quarterly cost-performance with its terms.
* ``RatingRun``: one run of a kind (``monthly`` for month M, ``annual`` for year Y), its windows and
  the scheme means every component is shrunk toward.
* ``ProviderRating``: a provider's composite and star of that run, and ``RatingComponent`` each of
  its components with its inputs (n, raw mean, scheme mean, adjusted value, weight, and the figures
  behind the raw mean).

A rerun of the same month or year updates these rows in place (unique keys), never duplicates them.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.ratings.run.kinds import ComponentName, RunKind

Score = Numeric(5, 2, asdecimal=True)


class CarerStar(Base):
    __tablename__ = "carer_stars"
    __table_args__ = (UniqueConstraint("carer_id", "month"),
                      CheckConstraint("star BETWEEN 1 AND 5", name="star"))

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("carers.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: the first day of the rated month
    month: Mapped[date] = mapped_column(Date, index=True)
    score: Mapped[Decimal] = mapped_column(Score)
    star: Mapped[int]
    components: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class CostQuarter(Base):
    __tablename__ = "provider_cost_quarters"
    __table_args__ = (UniqueConstraint("provider_id", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: the first day of the quarter
    quarter: Mapped[date] = mapped_column(Date, index=True)
    beneficiary_months: Mapped[int]
    fund_ratio: Mapped[Decimal | None] = mapped_column(Numeric(8, 2, asdecimal=True))
    fund_term: Mapped[Decimal] = mapped_column(Score)
    refusal_term: Mapped[Decimal] = mapped_column(Score)
    complaint_rate: Mapped[Decimal] = mapped_column(Numeric(8, 2, asdecimal=True))
    complaint_term: Mapped[Decimal] = mapped_column(Score)
    score: Mapped[Decimal] = mapped_column(Score)
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RatingRun(Base):
    __tablename__ = "rating_runs"
    __table_args__ = (UniqueConstraint("kind", "period"), enum_check("kind", RunKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: the rated month's first day, or 1 January of the rated year
    period: Mapped[date] = mapped_column(Date)
    activity_from: Mapped[date] = mapped_column(Date)
    activity_to: Mapped[date] = mapped_column(Date)
    settled_from: Mapped[date] = mapped_column(Date)
    settled_to: Mapped[date] = mapped_column(Date)
    #: component → the scheme mean (a string Decimal, or None)
    scheme: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProviderRating(Base):
    __tablename__ = "provider_ratings"
    __table_args__ = (UniqueConstraint("run_id", "provider_id"),
                      CheckConstraint("star IS NULL OR star BETWEEN 1 AND 5", name="star"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("rating_runs.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    score: Mapped[Decimal | None] = mapped_column(Score)
    star: Mapped[int | None]
    fraud_capped: Mapped[bool] = mapped_column(default=False)
    uses_staffing: Mapped[bool] = mapped_column(default=False)
    last_fraud_on: Mapped[date | None] = mapped_column(Date)
    #: why the rating was last recomputed (None: the scheduled run)
    reason: Mapped[str | None] = mapped_column(String(1000))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RatingComponent(Base):
    __tablename__ = "provider_rating_components"
    __table_args__ = (UniqueConstraint("rating_id", "component"), enum_check("component", ComponentName))

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("provider_ratings.id"))
    component: Mapped[str] = mapped_column(String(12))
    n: Mapped[int]
    raw: Mapped[Decimal | None] = mapped_column(Score)
    scheme_mean: Mapped[Decimal | None] = mapped_column(Score)
    adjusted: Mapped[Decimal | None] = mapped_column(Score)
    weight: Mapped[Decimal] = mapped_column(Numeric(4, 2, asdecimal=True))
    #: the figures behind the raw mean (counts, deductions, quarters …)
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)
