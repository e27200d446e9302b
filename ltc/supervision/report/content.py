"""What the monthly report shows, as plain values (JSON-safe: strings, numbers, lists, dicts), built from the
figure registry — the figures the MIA dashboard shows, computed by their own ``compute`` for the whole city.

Report month M (the due date's previous month, SPEC §9): activity figures cover the 12 months ending M; the
settlement themes (``SETTLED_THEMES``: the settlements and the fund spending they pay) end with M−1, the month
paid by day 3. One section per theme in ``THEMES`` order, each figure with its chart (as a chart spec, drawn
when the PDF is rendered) and its table; the report is Chinese: its cells, notes and
chart words are the dashboards' (``present``) in Chinese.
"""
from collections.abc import Sequence
from datetime import date, datetime

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.clock import to_local
from ltc.core.months import add_months, first_of_month
from ltc.orgs.models import Organisation
from ltc.supervision import present
from ltc.supervision.facts import refreshed_at
from ltc.supervision.figures import (THEMES, Audience, Chart, Column, Figure, FigureData, Filters, ValueKind, Viewer,
                                     as_decimal, figures)

TITLE = "监管月报"
REPORT_LOCALE = "zh_CN"
#: themes read from settlements: they end with the month before the report month (paid by day 3)
SETTLED_THEMES = frozenset({"settlements", "fund"})
ACTIVITY_MONTHS = 12
#: series shown on the cover per theme (the first figure over months of each theme)
HEADLINE_SERIES = 3
MIA_VIEWER = Viewer(Audience.MIA)


def report_month(due_at: datetime) -> date:
    """The month a run due at ``due_at`` reports on: the due date's previous month (a catch-up on day 5 still
    reports the previous month)."""
    return add_months(first_of_month(to_local(due_at).date()), -1)


def theme_filters(theme: str, month: date) -> Filters:
    """The 12 months a theme's figures cover in the report of ``month``."""
    return _twelve_months(add_months(month, -1) if theme in SETTLED_THEMES else month)


def _twelve_months(last: date) -> Filters:
    return Filters(month_from=add_months(last, -(ACTIVITY_MONTHS - 1)), month_to=last)


def months_read(month: date) -> list[date]:
    """Every month the report of ``month`` reads (its facts are refreshed first)."""
    return [add_months(month, -k) for k in range(ACTIVITY_MONTHS, -1, -1)]


def report_values(session: Session, month: date, *, number: str, now: datetime) -> dict:
    """The plain values of the report of ``month`` (JSON-safe), computed now from the registry, in Chinese
    whoever asked for it."""
    with force_locale(REPORT_LOCALE):
        themes = [section for key in THEMES if (section := _theme(session, key, month)) is not None]
    stamp = refreshed_at(session, months_read(month))
    return {
        "title": TITLE, "number": number, "issuer_name": _issuer(session),
        "issued_on": to_local(now).date().isoformat(), "month_text": month_text(month),
        "activity_period": _period(_twelve_months(month)),
        "settled_period": _period(_twelve_months(add_months(month, -1))),
        "as_of": to_local(stamp).strftime("%Y-%m-%d %H:%M") if stamp else "",
        "headline": [row for section in themes for row in section.pop("headline")],
        "themes": themes,
    }


def month_text(month: date) -> str:
    return f"{month.year}年{month.month}月"


def _period(filters: Filters) -> str:
    return f"{month_text(filters.month_from)}至{month_text(filters.month_to)}"


def _issuer(session: Session) -> str:
    name = session.scalar(select(Organisation.name).where(Organisation.kind == "mia").order_by(Organisation.id))
    return name or "医疗保障经办机构"


def _theme(session: Session, key: str, month: date) -> dict | None:
    shown = figures(Audience.MIA, key)
    if not shown:
        return None
    filters = theme_filters(key, month)
    computed = [(figure, figure.compute(session, MIA_VIEWER, filters)) for figure in shown]
    return {"key": key, "title": THEMES[key], "period": _period(filters),
            "figures": [figure_values(figure, data) for figure, data in computed],
            "headline": _headline(computed, filters.month_to)}


def figure_values(figure: Figure, data: FigureData) -> dict:
    """One figure: its title, description, chart spec (None for a table-only figure), table and notes."""
    return {
        "key": figure.key, "title": figure.title, "description": figure.description,
        "chart": None if figure.chart == Chart.TABLE else _chart(figure, data),
        **(_across_months(data) if data.columns[data.x].kind == ValueKind.MONTH else _table(data)),
        "notes": [present.note_words(note) for note in data.notes],
    }


def _table(data: FigureData) -> dict:
    return {"columns": [column.title for column in data.columns],
            "numeric": [column.kind not in (ValueKind.TEXT, ValueKind.MONTH) for column in data.columns],
            "rows": [[cell_text(value, column) for value, column in zip(row, data.columns, strict=True)]
                     for row in data.rows]}


def _across_months(data: FigureData) -> dict:
    """A table over months turned sideways (a column per month, a row per other column), so a theme's
    figures fit its page."""
    x_column = data.columns[data.x]
    others = [i for i in range(len(data.columns)) if i != data.x]
    return {"columns": [x_column.title, *(cell_text(v, x_column) for v in data.column_values(data.x))],
            "numeric": [False, *(True for _ in data.rows)],
            "rows": [[data.columns[i].title, *(cell_text(v, data.columns[i]) for v in data.column_values(i))]
                     for i in others]}


def _chart(figure: Figure, data: FigureData) -> dict:
    """The dashboards' chart spec, stored as plain values (numbers as strings)."""
    spec = present.chart_spec(figure, data)
    return {"kind": spec.kind.value, "title": spec.title, "x_labels": list(spec.x_labels),
            "series": [[name, [_number(v) for v in values]] for name, values in spec.series],
            "percent": spec.percent}


def cell_text(value, column: Column) -> str:
    """A table value in words, as the dashboards show it, with a dash for no value."""
    return present.cell(value, column, empty="—")


def _number(value) -> str | None:
    return None if value is None else str(as_decimal(value))


def _headline(computed: Sequence[tuple[Figure, FigureData]], last: date) -> list[dict]:
    """The first figure over months of a theme: its series' values in the theme's last month."""
    for figure, data in computed:
        if data.columns[data.x].kind != ValueKind.MONTH or not data.series:
            continue
        row = next((r for r in data.rows if r[data.x] == last), None)
        if row is None:
            return []
        return [{"label": f"{figure.title}：{data.columns[i].title}", "month": month_text(last),
                 "value": cell_text(row[i], data.columns[i])} for i in data.series[:HEADLINE_SERIES]]
    return []
