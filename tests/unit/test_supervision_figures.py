"""The supervision figures' data shapes and the server-side SVG charts (pure)."""
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from ltc.supervision.charts import ChartSpec, render_svg
from ltc.supervision.figures import Audience, Chart, Column, FigureData, Filters, Viewer


def test_filters_list_their_months_and_refuse_a_reversed_range():
    f = Filters(date(2025, 11, 1), date(2026, 2, 1), district="东城区")
    assert f.months == (date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1))
    assert Filters.last_months(date(2026, 3, 17), 3).months == (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1))
    assert f.key() != Filters(date(2025, 11, 1), date(2026, 2, 1)).key()
    with pytest.raises(ValueError):
        Filters(date(2026, 2, 1), date(2025, 11, 1))
    with pytest.raises(ValueError):
        Filters(date(2026, 2, 2), date(2026, 3, 1))


def test_a_viewer_is_the_city_or_one_organisation():
    assert Viewer(Audience.MIA).org_id is None
    with pytest.raises(ValueError):
        Viewer(Audience.MIA, 3)
    with pytest.raises(ValueError):
        Viewer(Audience.PROVIDER)


def test_figure_data_needs_a_value_per_column_and_series_that_name_columns():
    cols = (Column("月份"), Column("人数"))
    FigureData(cols, ((date(2026, 1, 1), 3),), x=0, series=(1,))
    with pytest.raises(ValueError):
        FigureData(cols, ((date(2026, 1, 1),),))
    with pytest.raises(ValueError):
        FigureData(cols, (), series=(2,))


@pytest.mark.parametrize("kind", [Chart.LINE, Chart.BAR, Chart.STACKED_BAR, Chart.HORIZONTAL_BAR, Chart.PIE])
def test_a_chart_is_an_svg_document_with_its_chinese_words_and_no_script(kind):
    svg = render_svg(ChartSpec(kind, "待遇享受人员", ["2026-01", "2026-02"],
                               [("重度失能一级", [Decimal("12"), Decimal("15.5")]), ("二级", [None, 4])]))
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = svg.decode("utf-8")
    named = "2026-02" if kind == Chart.PIE else "重度失能一级"   # a pie's slices are the x labels
    assert "待遇享受人员" in text and named in text
    assert "<script" not in text and "javascript" not in text


def test_a_table_only_figure_has_no_chart():
    with pytest.raises(ValueError):
        render_svg(ChartSpec(Chart.TABLE, "排名", [], []))


def test_a_share_chart_labels_values_as_percentages():
    svg = render_svg(ChartSpec(Chart.BAR, "按时办结率", ["甲"], [("比例", [Decimal("0.875")])], percent=True))
    assert "87.5%" in svg.decode("utf-8")
