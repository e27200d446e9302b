"""The supervision dashboards (SPEC §1 who sees them, §10 exports / CSP / words; issue 13 points 1, 2 and 4):
every registered figure of the user's audience, grouped by theme, filtered and scoped; its chart as an
SVG of its own (own CSP, cached), its table as CSV and XLSX equal to the page's."""
import csv
import html as html_lib
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ltc.supervision.models import ChartCache, FactRefresh
from ltc.supervision.views import SVG_CSP
from tests.conftest import login
from tests.supervision_page_builders import ARGS, REFRESHED, add_facts, install_figures
from tests.web.test_no_raw_codes import _codes, _forbidden_in, visible


@pytest.fixture
def dashboards(session, world, monkeypatch):
    install_figures(monkeypatch)
    add_facts(session, world)
    session.commit()
    return world


def page_of(client, **args) -> str:
    response = client.get("/supervision/", query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def figure_html(page: str, key: str) -> str:
    return page.split(f'data-figure="{key}"', 1)[1].split('data-testid="figure"', 1)[0]


def table_of(fragment: str) -> list[list[str]]:
    table = fragment.split('data-testid="figure-table"', 1)[1].split("</table>", 1)[0]
    return [[html_lib.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def options(page: str, name: str) -> list[str]:
    select_ = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option[^>]*value="([^"]*)"', select_)


def test_the_mia_sees_every_figure_by_theme_with_its_table_chart_and_exports(client, dashboards):
    login(client, "mia_admin")
    page = page_of(client, **ARGS)
    assert re.findall(r'data-testid="theme" data-theme="(\w+)"', page) == ["beneficiaries", "fund"]
    assert '<a href="#theme-beneficiaries">待遇享受人员</a>' in page and '<a href="#theme-fund">基金支出</a>' in page
    level = figure_html(page, "test_by_level")
    assert table_of(level) == [["失能等级", "数量", "金额", "基金比例"], ["中度失能", "4", "4,001.00", "50.0%"],
                               ["重度失能Ⅱ级", "4", "4,001.00", "50.0%"]]
    assert 'src="/supervision/figures/test_by_level.svg?from=2026-04&amp;to=2026-05"' in level
    assert 'alt="失能等级"' in level
    assert 'href="/supervision/figures/test_by_level.csv?from=2026-04&amp;to=2026-05"' in level
    assert 'href="/supervision/figures/test_by_level.xlsx?from=2026-04&amp;to=2026-05"' in level
    assert "本图不按以下条件筛选：服务形式" in level and "已审批 8 份结算" in level
    assert "数据截至 2026-06-03 05:00" in level
    assert table_of(figure_html(page, "test_mia_only"))[1:] == [["2026-04", "3.00"], ["2026-05", "5.00"]]
    table_only = figure_html(page, "test_table")
    assert "<img" not in table_only and table_of(table_only)[1:] == [["居家上门护理", "4"], ["机构护理", "4"]]


def test_filters_narrow_the_figures_and_months_without_facts_say_so(client, dashboards):
    login(client, "mia_admin")
    level = figure_html(page_of(client, **ARGS, level="4", care_type="home"), "test_by_level")
    assert table_of(level)[1:] == [["重度失能Ⅱ级", "4", "4,001.00", "100.0%"]]
    assert "level=4" in level and "care_type=home" in level  # the chart and exports get the same filters
    assert "数据尚未计算" in page_of(client, **{"from": "2025-01", "to": "2025-02"})


def test_an_insurer_is_offered_only_its_districts_and_sees_only_their_facts(client, dashboards):
    login(client, "ins_op")
    page = page_of(client, **ARGS)
    assert options(page, "district") == ["", "东城区", "西城区"]
    assert table_of(figure_html(page, "test_by_level"))[1:] == [["重度失能Ⅱ级", "4", "4,001.00", "100.0%"]]
    assert 'data-figure="test_mia_only"' not in page
    refused = page_of(client, **ARGS, district="南城区")
    assert 'data-testid="filter-error"' in refused and 'data-testid="figure"' not in refused
    assert client.get("/supervision/figures/test_by_level.csv", query_string={"district": "南城区"}).status_code == 400


def test_a_provider_sees_its_own_figures_without_a_district_filter(client, dashboards):
    login(client, "pr_admin")
    page = page_of(client, **ARGS)
    assert 'name="district"' not in page and 'name="level"' in page
    assert re.findall(r'data-figure="(\w+)"', page) == ["test_by_level"]
    assert table_of(figure_html(page, "test_by_level"))[1:] == [["重度失能Ⅱ级", "4", "4,001.00", "100.0%"]]
    for path in ("test_mia_only.svg", "test_mia_only.csv", "test_table.xlsx", "nothing.svg"):
        assert client.get(f"/supervision/figures/{path}").status_code == 404, path


@pytest.mark.parametrize("username", ["pr_carer", "ag_assessor", "mia_op", "mia_rev"])
def test_carers_and_others_may_not_open_the_dashboards(client, dashboards, username):
    login(client, username)
    assert client.get("/supervision/").status_code == 403
    assert client.get("/supervision/figures/test_by_level.svg").status_code == 403


@pytest.mark.parametrize("args, field", [
    ({"from": "2026-13"}, "from"), ({"to": "26-05"}, "to"), ({"from": "2026-06", "to": "2026-01"}, "to"),
    ({"from": "2010-01", "to": "2026-01"}, "to"), ({"level": "9"}, "level"), ({"care_type": "<b>"}, "care_type"),
    ({"district": "nowhere"}, "district"), ({"level": "１"}, "level")])
def test_bad_filters_are_form_errors_never_a_server_error(client, dashboards, args, field):
    login(client, "mia_admin")
    page = page_of(client, **args)
    assert 'data-testid="filter-error"' in page and 'data-testid="figure"' not in page
    assert client.get("/supervision/figures/test_by_level.svg", query_string=args).status_code == 400


def test_the_svg_has_its_own_csp_no_script_and_is_cached_until_a_refresh(client, dashboards, session):
    login(client, "mia_admin")
    response = client.get("/supervision/figures/test_by_level.svg", query_string=ARGS)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == SVG_CSP
    body = response.get_data(as_text=True)
    assert body.startswith("<?xml") and "<script" not in body.lower() and "重度失能Ⅱ级" in body
    page = client.get("/supervision/", query_string=ARGS)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]  # the page keeps the strict one
    again = client.get("/supervision/figures/test_by_level.svg", query_string=ARGS).get_data(as_text=True)
    assert again == body and session.scalar(select(func.count(ChartCache.id))) == 1
    client.post("/lang/en")
    english = client.get("/supervision/figures/test_by_level.svg", query_string=ARGS).get_data(as_text=True)
    assert "Severe" in english and session.scalar(select(func.count(ChartCache.id))) == 2
    mark = session.scalars(select(FactRefresh)).first()
    mark.refreshed_at = REFRESHED.replace(day=3)
    session.commit()
    client.get("/supervision/figures/test_by_level.svg", query_string=ARGS)
    assert session.scalar(select(func.count(ChartCache.id))) == 3  # a refresh: a new entry, the old unreachable
    assert client.get("/supervision/figures/test_table.svg").status_code == 404  # a table has no chart


def test_the_csv_and_xlsx_hold_the_table_of_the_page(client, dashboards):
    login(client, "mia_admin")
    shown = table_of(figure_html(page_of(client, **ARGS), "test_by_level"))
    response = client.get("/supervision/figures/test_by_level.csv", query_string=ARGS)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))) == shown
    xlsx = client.get("/supervision/figures/test_by_level.xlsx", query_string=ARGS)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == shown[0] and values[1][:3] == ["中度失能", 4, 4001] and float(values[1][3]) == 0.5


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("username", ["mia_admin", "ins_rev", "pr_op"])
def test_the_dashboards_show_words_not_codes_in_both_languages(client, dashboards, username, lang):
    login(client, username)
    if lang == "en":
        client.post("/lang/en")
    page = page_of(client, **ARGS)
    assert _forbidden_in(visible(page), _codes(None), lang == "en") == []
    if lang == "en":
        assert "Disability level" in page and "Severe" in page and "Dashboard</h1>" in page
        assert re.search(r"<th[^>]*>[^<]*[\u4e00-\u9fff]", page) is None  # every header translated


@pytest.mark.parametrize("username, shown", [("mia_admin", True), ("ins_op", True), ("ag_admin", True),
                                             ("pr_admin", True), ("pr_carer", False), ("mia_op", False)])
def test_the_menu_and_the_home_page_link_to_the_dashboard(client, dashboards, username, shown):
    login(client, username)
    home = client.get("/").get_data(as_text=True)
    assert ('href="/supervision/"' in home) is shown
    assert ('data-testid="dashboard-link"' in home) is shown


def test_the_form_shows_the_months_applied(client, dashboards):
    login(client, "mia_admin")
    page = page_of(client, to="2026-05")
    assert re.search(r'<input[^>]*name="from"[^>]*value="2025-06"', page)
    assert re.search(r'<input[^>]*name="to"[^>]*value="2026-05"', page)
