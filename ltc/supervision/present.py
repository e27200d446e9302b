"""A figure's data in the reader's words (the edge of the dashboards and the exports): cells formatted by
their ``ValueKind`` and labels table, headers, notes and chart titles translated, and the ``ChartSpec``
that ``render_svg`` draws. ``FigureData`` itself holds codes and msgids only."""
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext

from ltc.supervision.charts import ChartSpec
from ltc.supervision.figures import Chart, Column, Dim, Figure, FigureData, ValueKind, as_decimal
from ltc.web.labels import label

CENT = Decimal("0.01")
#: the filters a page offers, with their words (msgids), in the order of the filter form
DIM_WORDS = {Dim.MONTH: "月份", Dim.DISTRICT: "区县", Dim.CARE_TYPE: "服务形式", Dim.LEVEL: "失能等级"}


def cell(value: Any, column: Column, *, empty: str = "") -> str:
    """One value as the page (and the CSV) shows it; ``empty`` for no value (the report prints a dash)."""
    if value is None or value == "":
        return empty
    if column.kind == ValueKind.MONEY or column.kind == ValueKind.NUMBER:
        return f"{Decimal(value).quantize(CENT):,.2f}"
    if column.kind == ValueKind.SHARE:
        return f"{Decimal(value) * 100:.1f}%"
    if column.kind == ValueKind.COUNT:
        return f"{int(value):,}"
    if column.kind == ValueKind.MONTH or isinstance(value, date):
        return value.strftime("%Y-%m")
    return label(value, column.labels) if column.labels else str(value)


def typed(value: Any, column: Column) -> Any:
    """One value for a spreadsheet: numbers stay numbers (a share as its fraction), the rest as shown."""
    if value is None:
        return None
    if column.kind in (ValueKind.MONEY, ValueKind.NUMBER):
        return Decimal(value).quantize(CENT)
    if column.kind == ValueKind.COUNT:
        return int(value)
    if column.kind == ValueKind.SHARE:
        return Decimal(value).quantize(Decimal("0.0001"))
    return cell(value, column)


def headers(data: FigureData) -> list[str]:
    return [gettext(c.title) for c in data.columns]


def numeric(data: FigureData) -> list[bool]:
    """Which columns hold numbers (right-aligned on the page)."""
    return [c.kind not in (ValueKind.TEXT, ValueKind.MONTH) for c in data.columns]


def rows(data: FigureData) -> list[list[str]]:
    return [[cell(v, c) for v, c in zip(row, data.columns, strict=True)] for row in data.rows]


def typed_rows(data: FigureData) -> list[list[Any]]:
    return [[typed(v, c) for v, c in zip(row, data.columns, strict=True)] for row in data.rows]


def note_words(note: Any) -> str:
    """A note (a plain msgid, or ``{"detail": msgid, "params": {...}}``) in the reader's language."""
    if isinstance(note, dict):
        params = {k: _param(v) for k, v in (note.get("params") or {}).items()}
        return gettext(note["detail"], **params)
    return gettext(str(note))


def _param(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def ignored(figure: Figure, offered: tuple[Dim, ...]) -> list[str]:
    """The words of the offered filters that ``figure`` does not honour."""
    return [gettext(DIM_WORDS[d]) for d in offered if d not in figure.dims]


def chart_spec(figure: Figure, data: FigureData) -> ChartSpec:
    """What ``render_svg`` draws, translated: the x column's cells as labels, one series per series column."""
    x_column = data.columns[data.x]
    x_labels = [cell(v, x_column) for v in data.column_values(data.x)]
    series = [(gettext(data.columns[i].title), [as_decimal(v) for v in data.column_values(i)]) for i in data.series]
    percent = bool(data.series) and all(data.columns[i].kind == ValueKind.SHARE for i in data.series)
    return ChartSpec(kind=figure.chart, title=gettext(figure.title), x_labels=x_labels, series=series,
                     percent=percent, no_data=gettext("暂无数据"))


def has_chart(figure: Figure) -> bool:
    return figure.chart != Chart.TABLE
