"""What the care themes (findings, settlements, stars, the provider's own dashboard) share: the provider's
district on a date as a join, monthly fact rows pivoted into wide figure tables, rates per 100 records.

Pure helpers over the facts' rows, plus SQL fragments the fact sources compose (no Flask)."""
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from ltc.core.months import first_of_next_month
from ltc.providers.models import ProviderDistrictPeriod
from ltc.supervision.figures import Column, FigureData, ValueKind

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def provider_district_on(provider_id, day: date) -> ColumnElement[bool]:
    """The join condition of ``ProviderDistrictPeriod`` to the provider's district in force on ``day``."""
    period = ProviderDistrictPeriod
    return and_(period.org_id == provider_id, period.valid_from <= day,
                or_(period.valid_to.is_(None), period.valid_to > day))


def in_month(column, month: date) -> ColumnElement[bool]:
    """``column`` (a date) within ``month`` (its first day): index-friendly bounds."""
    return and_(column >= month, column < first_of_next_month(month))


def as_int(value) -> int:
    return int(value or 0)


def per_hundred(findings, records) -> Decimal | None:
    """Findings per 100 records, 2 places half-up (None without records)."""
    if not records:
        return None
    return (Decimal(findings) * HUNDRED / Decimal(records)).quantize(CENT, ROUND_HALF_UP)


def month_series(rows: Iterable[Sequence], months: Sequence[date], keys: Sequence[Any], *,
                 kind: ValueKind = ValueKind.COUNT) -> tuple[tuple, ...]:
    """Rows ``(month, key, value)`` as one row per month with a value per key (0 where none)."""
    values: dict[tuple, Decimal] = {}
    for month, key, value in rows:
        values[(month, key)] = values.get((month, key), Decimal(0)) + value
    convert = as_int if kind == ValueKind.COUNT else _money
    return tuple((month, *(convert(values.get((month, key), 0)) for key in keys)) for month in months)


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def monthly_figure(rows: Iterable[Sequence], months: Sequence[date], series: Sequence[tuple[Any, str]], *,
                   kind: ValueKind = ValueKind.COUNT, notes: tuple = ()) -> FigureData:
    """A wide table: the months down, one column per ``(key, title msgid)`` of ``series``."""
    columns = (Column("月份", ValueKind.MONTH), *(Column(title, kind) for _, title in series))
    table = month_series(rows, months, [key for key, _ in series], kind=kind)
    return FigureData(columns=columns, rows=table, x=0, series=tuple(range(1, len(columns))), notes=notes)


def present_keys(rows: Iterable[Sequence], order: Sequence[Any]) -> list[Any]:
    """The keys (second values of ``rows``) that occur, in ``order`` (unknown ones last, sorted)."""
    seen = {row[1] for row in rows}
    known = [key for key in order if key in seen]
    return known + sorted(seen - set(order), key=str)
