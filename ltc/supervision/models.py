"""Maintained monthly aggregates of the supervision figures (issue 13 point 5).

``MonthlyFact``: one row per (month, metric, dimensions) with a value — beneficiary-months, fund,
records, findings, applications by state … Each metric is filled by a registered fact source
(``ltc.supervision.facts``) with one ``INSERT … SELECT`` per month, replaced whole by the nightly refresh,
so the dashboards sum a few thousand rows instead of scanning millions of records per request.
Dimensions a metric does not have stay NULL. ``FactRefresh`` records when each month's metric was last
refreshed (shown under the dashboards: "figures as of …").
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base, UtcDateTime

METRIC_MAX = 60
DIM_MAX = 60


class MonthlyFact(Base):
    __tablename__ = "supervision_monthly_facts"
    __table_args__ = (
        Index("ix_supervision_monthly_facts_metric_month", "metric", "month"),
        Index("ix_supervision_monthly_facts_provider", "provider_id", "metric", "month"),
        Index("ix_supervision_monthly_facts_agency", "agency_id", "metric", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the first day of the month the value counts
    month: Mapped[date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(METRIC_MAX))
    district: Mapped[str | None] = mapped_column(String(50))
    care_type: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[int | None] = mapped_column(SmallInteger)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    #: a further dimension the metric names (a rule code, a state, a refusal reason, a review step …)
    dim: Mapped[str | None] = mapped_column(String(DIM_MAX))
    #: a count or an amount (money in yuan, 2 places)
    value: Mapped[Decimal] = mapped_column(Numeric(16, 2))


class FactRefresh(Base):
    __tablename__ = "supervision_fact_refreshes"
    __table_args__ = (UniqueConstraint("month", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(METRIC_MAX))
    refreshed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(default=0)


class ChartCache(Base):
    """A rendered chart (SVG), kept per figure, filters, viewer, language and the facts' refresh stamp of
    the figure's months (``key`` is the digest of all of them). A refresh of a month changes the stamp, so
    older entries are never read again; the nightly refresh deletes the entries whose months it replaced."""
    __tablename__ = "supervision_chart_cache"
    __table_args__ = (Index("ix_supervision_chart_cache_months", "month_from", "month_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    figure: Mapped[str] = mapped_column(String(METRIC_MAX))
    month_from: Mapped[date] = mapped_column(Date)
    month_to: Mapped[date] = mapped_column(Date)
    svg: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
