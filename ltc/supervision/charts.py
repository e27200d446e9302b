"""Charts as SVG, rendered on the server with pygal (pure: plain strings and numbers in, SVG bytes out).

The SVG is served as its own response (``<img src>``) and embedded in PDFs, so it carries no script:
pygal always writes a config ``<script>`` (for its tooltips), which ``render_svg`` removes from the tree
before serialising; what stays is the chart's own inline ``<style>``, which the SVG responses' CSP allows.
Text uses the CJK font the PDFs use, so Chinese titles and labels render on pages and in the report.
"""
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree

import pygal
from pygal.style import Style

from ltc.supervision.figures import Chart

# pygal appends a legacy import hook for its map plugins (no ``find_spec``, so every later import through it
# warns, an error under the tests' ``filterwarnings = error``); no chart here draws a map
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', sans-serif"
SVG_NS = "http://www.w3.org/2000/svg"
#: a quiet palette that stays readable in print
STYLE = Style(font_family=FONT, background="white", plot_background="white", foreground="#333",
              foreground_strong="#111", foreground_subtle="#777", opacity=".85", opacity_hover=".95",
              colors=("#2f6db3", "#e0803a", "#3a9b5b", "#c64646", "#7b5ea7", "#8c6d46", "#d672b5", "#6f7a85",
                      "#b8b23a", "#2fb3b3"),
              title_font_size=16, label_font_size=11, major_label_font_size=11, legend_font_size=12,
              value_font_size=11)

_KINDS = {
    Chart.LINE: pygal.Line, Chart.BAR: pygal.Bar, Chart.STACKED_BAR: pygal.StackedBar,
    Chart.HORIZONTAL_BAR: pygal.HorizontalBar, Chart.PIE: pygal.Pie,
}


@dataclass(frozen=True)
class ChartSpec:
    """A chart in words already translated: the x labels (or pie slices) and each series' values."""
    kind: Chart
    title: str
    x_labels: Sequence[str]
    series: Sequence[tuple[str, Sequence[Decimal | int | None]]]
    percent: bool = False            # values are fractions, shown as percentages
    no_data: str = "无数据"


def render_svg(spec: ChartSpec, *, width: int = 800, height: int = 360) -> bytes:
    """The chart as a standalone SVG document (UTF-8), without scripts. Raises ValueError for a table-only
    figure (Chart.TABLE has no chart)."""
    if spec.kind not in _KINDS:
        raise ValueError(f"no chart for {spec.kind}")
    chart = _KINDS[spec.kind](width=width, height=height, style=STYLE, js=[], title=spec.title,
                              no_data_text=spec.no_data, truncate_legend=-1, truncate_label=-1,
                              legend_at_bottom=True, legend_at_bottom_columns=4, x_label_rotation=0,
                              print_values=False, show_minor_x_labels=True, include_x_axis=True,
                              value_formatter=_formatter(spec.percent), disable_xml_declaration=True)
    if spec.kind == Chart.PIE:
        values = list(spec.series[0][1]) if spec.series else []
        for label, value in zip(spec.x_labels, values, strict=False):
            chart.add(label, [_number(value)])
    else:
        chart.x_labels = list(spec.x_labels)
        for name, values in spec.series:
            chart.add(name, [_number(v) for v in values])
    return _without_scripts(chart.render_tree())


def _number(value) -> float | None:
    # pygal draws floats; the table behind the chart keeps the exact Decimal
    return None if value is None else float(value)


def _formatter(percent: bool):
    if percent:
        return lambda v: "" if v is None else f"{v * 100:.1f}%"
    return lambda v: "" if v is None else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}")


def _without_scripts(tree) -> bytes:
    for parent in tree.iter():
        for child in list(parent):
            if _local(child.tag) == "script":
                parent.remove(child)
    ElementTree.register_namespace("", SVG_NS)
    body = ElementTree.tostring(tree, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
