"""Supervision figures (SPEC §1 dashboards; issue 13), as data (pure).

A **figure** is one chart with the table behind it. Each theme module declares its figures as
``Figure`` values and lists them in a module-level ``FIGURES`` tuple; ``ltc.supervision.wire`` registers
them in the order of its theme list, so a dashboard, its exports and the monthly report all read the
same registry. ``Figure.compute(session, viewer, filters)`` answers a ``FigureData`` from indexed queries
or the monthly facts (``ltc.supervision.facts``), never by scanning all records.

Words: ``FigureData`` carries codes and Chinese msgids, never translated text; the edge (pages, report)
translates a column's values through its ``labels`` table (``ltc.web.labels``) and every msgid.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ltc.core.months import add_months, first_of_month


class Audience(StrEnum):
    """Who sees a figure: the MIA (whole city), an insurer (its districts, by the contracts in force in
    each month), a provider or an agency (its own organisation)."""
    MIA = "mia"
    INSURER = "insurer"
    PROVIDER = "provider"
    AGENCY = "agency"


class Chart(StrEnum):
    LINE = "line"
    BAR = "bar"
    STACKED_BAR = "stacked_bar"
    HORIZONTAL_BAR = "horizontal_bar"
    PIE = "pie"
    TABLE = "table"      # no chart: the table alone (e.g. a ranking)


class Dim(StrEnum):
    """The filters a figure may honour (it declares which; the page says which it ignores)."""
    DISTRICT = "district"
    CARE_TYPE = "care_type"
    LEVEL = "level"
    MONTH = "month"


class ValueKind(StrEnum):
    TEXT = "text"        # a name or a code (translated through the column's labels)
    COUNT = "count"      # an integer
    MONEY = "money"      # Decimal, 2 places
    SHARE = "share"      # Decimal fraction 0–1, shown as a percentage
    NUMBER = "number"    # Decimal, 2 places
    MONTH = "month"      # a date, the first of a month, shown as YYYY-MM


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters: months ``[month_from, month_to]`` (first days, inclusive) and optional
    district, care type and level."""
    month_from: date
    month_to: date
    district: str | None = None
    care_type: str | None = None
    level: int | None = None

    def __post_init__(self):
        if self.month_from.day != 1 or self.month_to.day != 1 or self.month_from > self.month_to:
            raise ValueError(f"invalid months {self.month_from}–{self.month_to}")

    @classmethod
    def last_months(cls, today: date, count: int = 12, **dims) -> "Filters":
        """The ``count`` months ending with ``today``'s month."""
        last = first_of_month(today)
        return cls(month_from=add_months(last, -(count - 1)), month_to=last, **dims)

    @property
    def months(self) -> tuple[date, ...]:
        out, month = [], self.month_from
        while month <= self.month_to:
            out.append(month)
            month = add_months(month, 1)
        return tuple(out)

    def key(self) -> str:
        """A stable text of the filters (the chart cache's key)."""
        return "|".join(str(v) if v is not None else "" for v in
                        (self.month_from, self.month_to, self.district, self.care_type, self.level))


@dataclass(frozen=True)
class Viewer:
    """Whose figures: ``org_id`` is None for the MIA (the whole city)."""
    audience: Audience
    org_id: int | None = None

    def __post_init__(self):
        if (self.audience == Audience.MIA) != (self.org_id is None):
            raise ValueError(f"invalid viewer {self!r}")


@dataclass(frozen=True)
class Column:
    title: str                       # Chinese msgid
    kind: ValueKind = ValueKind.COUNT
    labels: str | None = None        # a ``ltc.web.labels`` table for TEXT codes (None: shown as stored)


@dataclass(frozen=True)
class FigureData:
    """The table behind a chart, wide: ``columns[x]`` holds the categories (x axis, or slices of a pie),
    each column in ``series`` one series of the chart. ``notes`` are msgids with params shown under the
    figure (flags, alerts), ``{"detail": msgid, "params": {...}}`` or a plain msgid."""
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    x: int = 0
    series: tuple[int, ...] = ()
    notes: tuple[Any, ...] = ()

    def __post_init__(self):
        width = len(self.columns)
        if any(len(row) != width for row in self.rows):
            raise ValueError("every row needs one value per column")
        if not 0 <= self.x < width or any(not 0 <= s < width for s in self.series):
            raise ValueError("x and series must name columns")

    def column_values(self, index: int) -> tuple[Any, ...]:
        return tuple(row[index] for row in self.rows)


Compute = Callable[..., FigureData]   # (session, viewer: Viewer, filters: Filters) -> FigureData


@dataclass(frozen=True)
class Figure:
    key: str                         # url-safe, unique: "beneficiaries_by_level"
    title: str                       # Chinese msgid
    theme: str                       # a THEMES key: the page section and the report page
    chart: Chart
    audiences: frozenset[Audience]
    compute: Compute
    dims: frozenset[Dim] = field(default_factory=lambda: frozenset(Dim))
    description: str = ""            # Chinese msgid: what the figure counts, how

    def for_audience(self, audience: Audience) -> bool:
        return audience in self.audiences


#: the themes, in page and report order (Chinese msgids)
THEMES: dict[str, str] = {
    "beneficiaries": "待遇享受人员",
    "fund": "基金支出",
    "assessment": "失能评估",
    "reviews": "审核时效",
    "findings": "智能监管",
    "settlements": "月度结算",
    "stars": "星级评定",
    "provider": "本机构概况",
    "agency": "本机构评估工作",
}

_FIGURES: dict[str, Figure] = {}


def register_figure(figure: Figure) -> None:
    """Add ``figure`` (idempotent for the same figure; a second figure under one key is a bug)."""
    if figure.theme not in THEMES:
        raise ValueError(f"unknown theme {figure.theme!r}")
    known = _FIGURES.get(figure.key)
    if known is not None and known != figure:
        raise ValueError(f"figure key {figure.key!r} registered twice")
    _FIGURES[figure.key] = figure


def figures(audience: Audience | None = None, theme: str | None = None) -> tuple[Figure, ...]:
    """The registered figures (in registration order), of one audience and theme when given."""
    return tuple(f for f in _FIGURES.values()
                 if (audience is None or f.for_audience(audience)) and (theme is None or f.theme == theme))


def get_figure(key: str) -> Figure | None:
    return _FIGURES.get(key)


def as_decimal(value) -> Decimal | None:
    """A table value as a Decimal for charts (None stays None; shares stay fractions)."""
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(value)
