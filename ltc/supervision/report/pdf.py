"""The report's PDF: its stored plain values, each chart drawn as the dashboards draw it (``render_svg``) and
embedded as a ``data:`` URI (the PDF renderer's URL fetcher serves those and the static folder, nothing else),
rendered by the notices' renderer (WeasyPrint: strict Jinja, plain values only, the CJK font)."""
import base64
from decimal import Decimal

from ltc.notices.pdf import notice_renderer
from ltc.supervision.charts import ChartSpec, render_svg
from ltc.supervision.figures import Chart

TEMPLATE = "supervision_report.html"
#: the chart's drawing size (the page scales it to the text width)
CHART_SIZE = {"width": 800, "height": 280}


def render_report(values: dict) -> bytes:
    """The PDF of a report's stored values. Raises whatever the renderer raises."""
    themes = [{**theme, "figures": [_with_chart(figure) for figure in theme["figures"]]}
              for theme in values["themes"]]
    return notice_renderer()(TEMPLATE, {**values, "themes": themes})


def _with_chart(figure: dict) -> dict:
    chart = figure["chart"]
    if chart is None:
        return {**figure, "chart_uri": None}
    svg = render_svg(chart_spec(chart), **CHART_SIZE)
    return {**figure, "chart_uri": "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")}


def chart_spec(chart: dict) -> ChartSpec:
    """The stored chart (values as strings) as the spec ``render_svg`` draws."""
    return ChartSpec(kind=Chart(chart["kind"]), title=chart["title"], x_labels=chart["x_labels"],
                     series=[(name, [None if v is None else Decimal(v) for v in values])
                             for name, values in chart["series"]],
                     percent=chart["percent"])
