"""The monthly facts: registered sources, the set-based refresh, and the scoped reader (issue 13 point 5).

A theme registers a ``FactSource`` per metric: ``select(month)`` returns a SELECT whose columns are
labelled with any of ``DIMENSIONS`` plus ``value`` (already grouped: one row per dimension values).
``refresh_month`` replaces a month's rows of every metric with one ``INSERT … SELECT`` each — no row
passes through Python. ``fact_rows`` sums the facts of one metric for a viewer and filters, grouped by
the dimensions asked for; an insurer sees the facts of the districts its contracts covered in each month.
"""
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Select, delete, func, literal, null, select
from sqlalchemy.orm import Session

from ltc.core.months import first_of_month
from ltc.orgs.contracts import covered_on
from ltc.supervision.figures import Audience, Dim, Filters, Viewer
from ltc.supervision.models import FactRefresh, MonthlyFact

#: the advisory-lock class of the facts' months (any int4 no other lock uses: "SU")
LOCK_SPACE = 0x5355
DIMENSIONS = ("district", "care_type", "level", "provider_id", "agency_id", "dim")


@dataclass(frozen=True)
class FactSource:
    metric: str
    #: month (first day) → SELECT of labelled DIMENSIONS (any subset) and ``value``
    select: Callable[[date], Select]
    description: str = ""            # what it counts (for the reader of the code and the admin page)


_SOURCES: dict[str, FactSource] = {}


def register_fact_source(source: FactSource) -> None:
    known = _SOURCES.get(source.metric)
    if known is not None and known != source:
        raise ValueError(f"metric {source.metric!r} registered twice")
    _SOURCES[source.metric] = source


def fact_sources() -> tuple[FactSource, ...]:
    return tuple(_SOURCES.values())


def refresh_month(session: Session, month: date, *, now: datetime,
                  metrics: Iterable[str] | None = None) -> int:
    """Replace ``month``'s facts of ``metrics`` (all registered when None) from their sources, set-based.
    Returns the rows written. Flushes, never commits (the job commits per month)."""
    month = first_of_month(month)
    _lock_month(session, month)
    wanted = set(metrics) if metrics is not None else set(_SOURCES)
    written = 0
    for source in (s for s in _SOURCES.values() if s.metric in wanted):
        session.execute(delete(MonthlyFact).where(MonthlyFact.month == month, MonthlyFact.metric == source.metric))
        sub = source.select(month).subquery()
        columns = [literal(month, Date).label("month"), literal(source.metric).label("metric")]
        columns += [sub.c[d] if d in sub.c else null().label(d) for d in DIMENSIONS]
        columns.append(sub.c.value)
        session.execute(MonthlyFact.__table__.insert().from_select(
            ["month", "metric", *DIMENSIONS, "value"], select(*columns).where(sub.c.value.is_not(None))))
        # counted on the index (a driver's rowcount of INSERT … SELECT is not reliable across dialects)
        count = session.scalar(select(func.count()).where(MonthlyFact.month == month,
                                                          MonthlyFact.metric == source.metric))
        written += count
        _mark(session, month, source.metric, now, count)
    session.flush()
    return written


def _lock_month(session: Session, month: date) -> None:
    """Two refreshes of one month (the nightly job and the report's) take turns: on PostgreSQL a transaction
    lock per month (SQLite has one writer anyway), so neither sees the other's half-written rows."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(LOCK_SPACE, month.year * 100 + month.month)))


def _mark(session: Session, month: date, metric: str, now: datetime, rows: int) -> None:
    mark = session.scalar(select(FactRefresh).where(FactRefresh.month == month, FactRefresh.metric == metric))
    if mark is None:
        session.add(FactRefresh(month=month, metric=metric, refreshed_at=now, rows=rows))
    else:
        mark.refreshed_at, mark.rows = now, rows


def refreshed_at(session: Session, months: Sequence[date]) -> datetime | None:
    """The oldest refresh among ``months`` (what "figures as of" shows), None when one was never refreshed."""
    stamps = session.execute(select(FactRefresh.month, func.min(FactRefresh.refreshed_at))
                             .where(FactRefresh.month.in_(months)).group_by(FactRefresh.month)).all()
    if len(stamps) < len(set(months)):
        return None
    return min(stamp for _, stamp in stamps)


def fact_rows(session: Session, metric: str, viewer: Viewer, filters: Filters, *,
              by: Sequence[str] = ("month",), dims: frozenset[Dim] = frozenset(Dim)) -> list[tuple]:
    """``metric``'s summed value grouped by ``by`` (``month`` and/or DIMENSIONS), for ``viewer`` within
    ``filters`` (the filters in ``dims`` only), ordered by ``by``. Rows: (*by values, Decimal sum)."""
    keys = [getattr(MonthlyFact, name) for name in by]
    stmt = (select(*keys, func.sum(MonthlyFact.value))
            .where(MonthlyFact.metric == metric, *_filtered(filters, dims), *_scoped(viewer))
            .group_by(*keys).order_by(*keys))
    return [(*row[:-1], _decimal(row[-1])) for row in session.execute(stmt)]


def fact_total(session: Session, metric: str, viewer: Viewer, filters: Filters, *,
               dims: frozenset[Dim] = frozenset(Dim)) -> Decimal:
    """``metric``'s sum over the whole filtered range."""
    total = session.scalar(select(func.sum(MonthlyFact.value))
                           .where(MonthlyFact.metric == metric, *_filtered(filters, dims), *_scoped(viewer)))
    return _decimal(total)


def _filtered(filters: Filters, dims: frozenset[Dim]) -> list:
    clauses = [MonthlyFact.month >= filters.month_from, MonthlyFact.month <= filters.month_to]
    if Dim.DISTRICT in dims and filters.district:
        clauses.append(MonthlyFact.district == filters.district)
    if Dim.CARE_TYPE in dims and filters.care_type:
        clauses.append(MonthlyFact.care_type == filters.care_type)
    if Dim.LEVEL in dims and filters.level is not None:
        clauses.append(MonthlyFact.level == filters.level)
    return clauses


def _scoped(viewer: Viewer) -> list:
    if viewer.audience == Audience.MIA:
        return []
    if viewer.audience == Audience.INSURER:
        return [covered_on(viewer.org_id, MonthlyFact.district, MonthlyFact.month)]
    if viewer.audience == Audience.PROVIDER:
        return [MonthlyFact.provider_id == viewer.org_id]
    return [MonthlyFact.agency_id == viewer.org_id]


def _decimal(value) -> Decimal:
    # SQLite sums NUMERIC as REAL: back to two places (counts and yuan amounts are exact at 2 places)
    if value is None:
        return Decimal("0.00")
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(Decimal("0.01"))
