"""The supervision dashboards under ``/supervision`` (SPEC §1, §10; issue 13 points 1, 2 and 4).

``GET /supervision/`` shows every registered figure of the user's audience, grouped by theme, each with
its chart (an ``<img>`` of the SVG), the table behind it, its exports and the filters it ignores.
``GET /supervision/figures/<key>.svg|.csv|.xlsx`` answers one figure for the same query parameters and
scope; a key that is not registered or not of the user's audience is a 404. The SVG carries a CSP of its
own (no script; the chart's inline style only) and is cached (``ltc.supervision.cache``).
"""
from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ltc.auth.permissions import Action
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.extensions import db
from ltc.supervision import present
from ltc.supervision.cache import as_of, cache_key, cached_svg, facts_stamp
from ltc.supervision.charts import render_svg
from ltc.supervision.figures import THEMES, Dim, Figure, Filters, Viewer, figures, get_figure
from ltc.supervision.forms import DashboardFilterForm
from ltc.supervision.services import OFFERED, district_choices, viewer_of
from ltc.web.exports import Column, export_response
from ltc.web.messages import list_sep
from ltc.web.transactions import records_view

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
#: the SVG's own policy: nothing loads, no script runs, the chart's inline <style> applies
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _form(viewer: Viewer) -> DashboardFilterForm:
    form = DashboardFilterForm(request.args, today=local_today())
    if Dim.DISTRICT in OFFERED[viewer.audience]:
        form.district.choices = [SelectChoice("", _("全部区县"))] + [
            SelectChoice(code, name) for code, name in district_choices(db.session, viewer)]
    else:
        del form.district
    return form


def _args(filters: Filters) -> dict[str, str]:
    """The query parameters of ``filters`` (the same on the page, the charts and the exports)."""
    args = {"from": filters.month_from.strftime("%Y-%m"), "to": filters.month_to.strftime("%Y-%m"),
            "district": filters.district, "care_type": filters.care_type, "level": filters.level}
    return {k: str(v) for k, v in args.items() if v is not None}


def _block(figure: Figure, viewer: Viewer, filters: Filters) -> dict:
    data = figure.compute(db.session, viewer, filters)
    link = {"key": figure.key, **_args(filters)}
    return {"figure": figure, "title": _(figure.title), "description": _(figure.description) if figure.description
            else "", "headers": present.headers(data), "rows": present.rows(data),
            "notes": [present.note_words(n) for n in data.notes],
            "ignored": list_sep().join(present.ignored(figure, OFFERED[viewer.audience])),
            "numeric": present.numeric(data),
            "svg": url_for(".figure_svg", **link) if present.has_chart(figure) else None,
            "csv": url_for(".figure_table", fmt="csv", **link), "xlsx": url_for(".figure_table", fmt="xlsx", **link)}


def _sections(viewer: Viewer, filters: Filters) -> list[dict]:
    sections = []
    for theme, title in THEMES.items():
        shown = figures(viewer.audience, theme)
        if shown:
            sections.append({"theme": theme, "title": _(title), "blocks": [_block(f, viewer, filters) for f in shown]})
    return sections


@bp.get("/")
@permission_required(Action.VIEW_DASHBOARDS)
def dashboard():
    viewer = viewer_of(current_user)
    form = _form(viewer)
    sections, stamp = [], None
    if form.validate():
        filters = form.filters()
        sections = _sections(viewer, filters)
        stamp = as_of(db.session, filters.months)
    return render_template("supervision/dashboard.html", form=form, sections=sections, as_of=stamp,
                           audience=viewer.audience, any_figure=bool(figures(viewer.audience)))


def _figure_of(viewer: Viewer, key: str) -> Figure:
    figure = get_figure(key)
    if figure is None or not figure.for_audience(viewer.audience):
        abort(404)
    return figure


def _filters(viewer: Viewer) -> Filters:
    form = _form(viewer)
    if not form.validate():
        abort(400, description=_("筛选条件有误"))
    return form.filters()


@bp.get("/figures/<key>.<any(csv, xlsx):fmt>")
@permission_required(Action.VIEW_DASHBOARDS)
def figure_table(key: str, fmt: str):
    """The table behind a figure, as the page shows it (CSV) or with numbers as numbers (XLSX)."""
    viewer = viewer_of(current_user)
    figure = _figure_of(viewer, key)
    filters = _filters(viewer)
    data = figure.compute(db.session, viewer, filters)
    columns = [Column(header, lambda row, i=i: row[i]) for i, header in enumerate(present.headers(data))]
    body = present.rows(data) if fmt == "csv" else present.typed_rows(data)
    args = _args(filters)
    return export_response(columns, body, fmt=fmt, filename=f"{_(figure.title)}-{args['from']}-{args['to']}",
                           title=_(figure.title))


@bp.get("/figures/<key>.svg")
@records_view  # a chart request may keep the rendered chart (the cache is a table)
@permission_required(Action.VIEW_DASHBOARDS)
def figure_svg(key: str):
    viewer = viewer_of(current_user)
    figure = _figure_of(viewer, key)
    return _svg(figure, viewer, _filters(viewer))


def _svg(figure: Figure, viewer: Viewer, filters: Filters) -> Response:
    if not present.has_chart(figure):
        abort(404)
    key = cache_key(figure.key, filters, viewer, str(get_locale()), facts_stamp(db.session, filters.months))

    def render() -> bytes:
        return render_svg(present.chart_spec(figure, figure.compute(db.session, viewer, filters)))

    svg = cached_svg(db.session, key=key, figure=figure.key, filters=filters, render=render, now=utcnow())
    db.session.commit()  # the kept chart
    return Response(svg, content_type="image/svg+xml", headers={  # UTF-8 declared by the document itself
        "Content-Security-Policy": SVG_CSP, "Cache-Control": "private, max-age=300",
        "X-Content-Type-Options": "nosniff"})
