"""Wide tables of monthly facts for the beneficiaries and fund themes: one row per month (or per
category), one column per series, zeros where a month has no fact (a month without beneficiaries is a
real zero, not a gap)."""
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from ltc.supervision.facts import fact_rows
from ltc.supervision.figures import Column, Dim, FigureData, Filters, ValueKind, Viewer

MONTH = Column("月份", ValueKind.MONTH)
ZERO = Decimal("0.00")


def as_count(value: Decimal) -> int:
    return int(value)


def by_month(session: Session, metric: str, viewer: Viewer, filters: Filters, key: str, *,
             dims: frozenset[Dim], where: Mapping[str, str] | None = None) -> dict[tuple[date, object], Decimal]:
    """``metric`` summed per (month, ``key`` value), for the viewer within the filters; ``where`` keeps the
    rows whose dimension equals a value (e.g. ``{"dim": "settled"}``)."""
    by = ("month", key, *(where or {}))
    out: dict[tuple[date, object], Decimal] = {}
    for row in fact_rows(session, metric, viewer, filters, by=by, dims=dims):
        month, value_of_key, *rest, total = row
        if where and tuple(rest) != tuple(where.values()):
            continue
        out[(month, value_of_key)] = out.get((month, value_of_key), ZERO) + total
    return out


def monthly_table(months: Sequence[date], keys: Iterable[object], titles: Mapping[object, Column],
                  values: Mapping[tuple[date, object], Decimal], *, kind: ValueKind = ValueKind.COUNT,
                  notes: tuple = ()) -> FigureData:
    """A row per month, a column per key (titled by ``titles``), the value or zero."""
    keys = list(keys)
    cast = as_count if kind == ValueKind.COUNT else (lambda v: v)
    rows = tuple((month, *(cast(values.get((month, key), ZERO)) for key in keys)) for month in months)
    columns = (MONTH, *(titles[key] for key in keys))
    return FigureData(columns, rows, x=0, series=tuple(range(1, len(columns))), notes=notes)
