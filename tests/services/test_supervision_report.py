"""The monthly supervision report (issue 13 point 3, SPEC §9 day 3 04:00): built from the registered figures
(small test figures here, the registry monkeypatched), activity over the 12 months ending M, the settlement
themes ending M−1; the job refreshes the facts it reads, renders after the commit, is idempotent and takes its
month from the due time; the real PDF holds the Chinese titles, the charts and the tables."""
import subprocess
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import Numeric, literal, select

from ltc.supervision import facts as facts_module
from ltc.supervision import figures as figures_module
from ltc.supervision.facts import FactSource, fact_rows
from ltc.supervision.figures import Audience, Chart, Column, Figure, FigureData, ValueKind
from ltc.supervision.models import FactRefresh
from ltc.supervision.report import content, jobs, pdf, services
from ltc.supervision.report.models import ReportStatus, SupervisionReport

NOVEMBER = date(2026, 11, 1)
#: the day-3 run of December 2026 (04:00 Shanghai = 20:00 UTC the day before)
DUE = datetime(2026, 12, 2, 20, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 12, 2, 20, 1, tzinfo=timezone.utc)
METRIC = "test_report_people"


def _people_by_month(month: date):
    # a hand-known fact: the month's number × 10 people in 东城区
    return select(literal("东城区").label("district"),
                  literal(Decimal(month.month * 10), Numeric(16, 2)).label("value"))


def _monthly(title: str):
    def compute(session, viewer, filters):
        rows = fact_rows(session, METRIC, viewer, filters, by=("month",))
        return FigureData(columns=(Column("月份", ValueKind.MONTH), Column(title, ValueKind.COUNT)),
                          rows=tuple((month, int(value)) for month, value in rows), x=0, series=(1,))
    return compute


def _by_care_type(session, viewer, filters):
    return FigureData(columns=(Column("服务形式", ValueKind.TEXT, "care_type"), Column("基金支付", ValueKind.MONEY)),
                      rows=(("home", Decimal("1234.50")), ("institution", Decimal("88.00"))), x=0, series=(1,),
                      notes=({"detail": "截至%(month)s", "params": {"month": f"{filters.month_to:%Y-%m}"}},))


FIGURES = (
    Figure("test_people", "测试享受待遇人数趋势", "beneficiaries", Chart.LINE, frozenset(Audience), _monthly("人数")),
    Figure("test_people_table", "测试人数明细表", "beneficiaries", Chart.TABLE, frozenset({Audience.MIA}),
           _monthly("人次")),
    Figure("test_paid", "测试结算支付分布", "settlements", Chart.BAR, frozenset({Audience.MIA}), _by_care_type),
    Figure("test_paid_trend", "测试结算月度趋势", "settlements", Chart.LINE, frozenset({Audience.MIA}),
           _monthly("结算人数")),
    Figure("test_own", "测试本机构图表", "provider", Chart.BAR, frozenset({Audience.PROVIDER}), _by_care_type),
)


@pytest.fixture
def registered(monkeypatch):
    """Only the test figures and their fact source are registered."""
    monkeypatch.setattr(figures_module, "_FIGURES", {})
    monkeypatch.setattr(facts_module, "_SOURCES", {})
    facts_module.register_fact_source(FactSource(METRIC, _people_by_month))
    for figure in FIGURES:
        figures_module.register_figure(figure)


def pdf_pages(content_: bytes) -> list[str]:
    """The PDF's text per page, every blank removed (table cells and letter spacing split words)."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content_, capture_output=True,
                          check=True).stdout.decode()
    return ["".join(page.split()) for page in text.split("\f")]


# --- the month and the periods -----------------------------------------------------------------------------

@pytest.mark.parametrize("due_at,month", [
    (DUE, NOVEMBER),
    (datetime(2026, 12, 4, 20, 0, tzinfo=timezone.utc), NOVEMBER),        # a catch-up on day 5
    (datetime(2027, 1, 2, 20, 0, tzinfo=timezone.utc), date(2026, 12, 1)),  # across the year
    (datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc), NOVEMBER),        # 1 Dec 01:00 in Shanghai
])
def test_report_month_is_the_due_dates_previous_month_in_shanghai(due_at, month):
    assert content.report_month(due_at) == month


def test_activity_themes_cover_12_months_ending_m_and_settlement_themes_end_with_m_minus_1():
    activity = content.theme_filters("beneficiaries", NOVEMBER)
    settled = [content.theme_filters(theme, NOVEMBER) for theme in ("settlements", "fund")]
    assert (activity.month_from, activity.month_to) == (date(2025, 12, 1), NOVEMBER)
    assert {(f.month_from, f.month_to) for f in settled} == {(date(2025, 11, 1), date(2026, 10, 1))}
    assert content.months_read(NOVEMBER)[0] == date(2025, 11, 1) and content.months_read(NOVEMBER)[-1] == NOVEMBER


# --- the values ---------------------------------------------------------------------------------------------

def test_values_have_one_section_per_theme_in_order_with_each_mia_figure_from_the_registry(session, world, registered):
    for month in content.months_read(NOVEMBER):
        facts_module.refresh_month(session, month, now=NOW)
    values = content.report_values(session, NOVEMBER, number="JGYB-2026-11", now=NOW)
    assert [(t["title"], [f["title"] for f in t["figures"]]) for t in values["themes"]] == [
        ("待遇享受人员", ["测试享受待遇人数趋势", "测试人数明细表"]),
        ("月度结算", ["测试结算支付分布", "测试结算月度趋势"])]
    people, table = values["themes"][0]["figures"]
    # a table over months is turned sideways: a column per month
    assert people["columns"][:2] == ["月份", "2025-12"] and people["columns"][-1] == "2026-11"
    assert people["rows"] == [["人数", "120", *[str(m * 10) for m in range(1, 12)]]]
    assert people["chart"]["x_labels"][-1] == "2026-11" and people["chart"]["series"] == [
        ["人数", ["120", *[str(m * 10) for m in range(1, 12)]]]]
    assert table["chart"] is None
    paid, trend = values["themes"][1]["figures"]
    assert paid["rows"] == [["居家上门护理", "1,234.50"], ["机构护理", "88.00"]]
    assert paid["notes"] == ["截至2026-10"] and trend["rows"][0][-1] == "100" and trend["columns"][-1] == "2026-10"
    assert values["issuer_name"] == "市医保中心" and values["month_text"] == "2026年11月"
    assert values["headline"] == [
        {"label": "测试享受待遇人数趋势：人数", "month": "2026年11月", "value": "110"},
        {"label": "测试结算月度趋势：结算人数", "month": "2026年10月", "value": "100"}]


def test_values_are_the_dashboards_words_in_chinese_whoever_asks_and_a_dash_for_no_value(
        app, session, world, registered):
    for month in content.months_read(NOVEMBER):
        facts_module.refresh_month(session, month, now=NOW)
    with app.test_request_context("/", headers={"Accept-Language": "en"}), force_locale("en"):
        values = content.report_values(session, NOVEMBER, number="JGYB-2026-11", now=NOW)
        assert content.cell_text(None, Column("基金支付", ValueKind.MONEY)) == "—"
    paid = values["themes"][1]["figures"][0]
    assert paid["rows"] == [["居家上门护理", "1,234.50"], ["机构护理", "88.00"]] and paid["notes"] == ["截至2026-10"]
    assert paid["chart"]["x_labels"] == ["居家上门护理", "机构护理"] and paid["chart"]["title"] == "测试结算支付分布"


# --- the job ------------------------------------------------------------------------------------------------

def test_job_refreshes_the_months_it_reads_builds_renders_then_a_second_run_does_nothing(session, world, registered):
    assert jobs.reports_to_build(session, due_at=DUE) == ["2026-11"]
    assert jobs.build_report(session, "2026-11", now=NOW, due_at=DUE) == {"issued": 1}
    report = session.scalar(select(SupervisionReport))
    assert (report.number, report.status, report.month) == ("JGYB-2026-11", ReportStatus.ISSUED, NOVEMBER)
    assert report.content.startswith(b"%PDF") and report.size == len(report.content) and report.data["themes"]
    refreshed = set(session.scalars(select(FactRefresh.month).where(FactRefresh.metric == METRIC)))
    assert refreshed == set(content.months_read(NOVEMBER))
    assert jobs.reports_to_build(session, due_at=DUE) == []
    assert jobs.build_report(session, "2026-11", now=NOW, due_at=DUE) == {"already_issued": 1}
    assert session.scalar(select(SupervisionReport.sha256)) == report.sha256


def test_a_catch_up_on_day_5_reports_the_previous_month(session, world, registered):
    late = datetime(2026, 12, 4, 20, 0, tzinfo=timezone.utc)
    assert jobs.reports_to_build(session, due_at=late) == ["2026-11"]


def test_a_failed_render_leaves_the_report_pending_with_its_values_and_the_next_run_renders_it(
        session, world, registered, monkeypatch):
    working, down = pdf.render_report, {"now": True}

    def flaky(values):
        if down["now"]:
            raise RuntimeError("renderer down")
        return working(values)
    monkeypatch.setattr(pdf, "render_report", flaky)
    with pytest.raises(RuntimeError):
        jobs.build_report(session, "2026-11", now=NOW, due_at=DUE)
    session.rollback()  # what the runner does with a failed unit: the values were committed before the render
    report = session.scalar(select(SupervisionReport))
    assert report.status == ReportStatus.PENDING and report.data is not None and report.content is None
    down["now"] = False
    next_month = datetime(2027, 1, 2, 20, 0, tzinfo=timezone.utc)
    assert jobs.reports_to_build(session, due_at=next_month) == ["2026-11", "2026-12"]
    assert jobs.build_report(session, "2026-11", now=NOW, due_at=next_month) == {"issued": 1}


def test_run_now_creates_the_report_pending_and_queues_the_job_without_rendering(session, world, registered):
    from ltc.auth.services import actor_of
    from ltc.core.audit import AuditEntry
    from ltc.core.errors import Conflict, ValidationFailed
    from ltc.scheduler.models import JobRun, RunStatus

    actor = actor_of(world.users["mia_admin"])
    report = services.request_report(session, date(2026, 10, 1), actor=actor, now=NOW)
    assert (report.status, report.content, report.requested_by_id) == (
        ReportStatus.PENDING, None, world.users["mia_admin"].id)
    run = session.scalar(select(JobRun).where(JobRun.job_id == "supervision_report"))
    assert run.status == RunStatus.QUEUED and run.triggered_by_id == actor.user_id
    created = session.scalar(select(AuditEntry).where(AuditEntry.entity == "supervision_report"))
    assert (created.action, created.user_id, created.after["month"]) == ("create", actor.user_id, "2026-10-01")
    assert jobs.reports_to_build(session, due_at=DUE) == ["2026-10", "2026-11"]
    with pytest.raises(ValidationFailed):
        services.request_report(session, date(2026, 12, 1), actor=actor, now=NOW)  # not over yet
    jobs.build_report(session, "2026-10", now=NOW, due_at=DUE)
    with pytest.raises(Conflict):
        services.request_report(session, date(2026, 10, 1), actor=actor, now=NOW)


# --- the real PDF -------------------------------------------------------------------------------------------

def test_the_pdf_has_a_cover_then_one_page_per_theme_with_chinese_titles_charts_and_tables(
        session, world, registered, real_pdf):
    jobs.build_report(session, "2026-11", now=NOW, due_at=DUE)
    pages = pdf_pages(session.scalar(select(SupervisionReport)).content)
    cover, people, settlements = [page for page in pages if page]  # a cover, then a page per theme
    assert "监管月报" in cover and "2026年11月" in cover and "JGYB-2026-11" in cover and "市医保中心" in cover
    assert "测试享受待遇人数趋势：人数" in cover and "2026年12月3日" in cover
    assert "待遇享受人员" in people and "月度结算" not in people
    assert "月度结算" in settlements and "待遇享受人员" not in settlements
    # each charted figure's title twice (its heading and the chart's own title, drawn from the SVG); the
    # table-only figure's once
    assert people.count("测试享受待遇人数趋势") == 2 and people.count("测试人数明细表") == 1
    assert settlements.count("测试结算支付分布") == 2 and settlements.count("测试结算月度趋势") == 2
    assert "居家上门护理1,234.50" in settlements and "2025-11" in settlements and "2026-11" not in settlements


def test_through_the_scheduler_a_failed_render_ends_partial_and_the_rerun_issues_it_from_the_run(
        session, world, registered, monkeypatch):
    from ltc.scheduler.registry import get_job
    from ltc.scheduler.runner import run_job

    job = get_job("supervision_report")
    assert (job.schedule.day, job.schedule.time) == (3, "04:00")
    working, down = pdf.render_report, {"now": True}

    def flaky(values):
        if down["now"]:
            raise RuntimeError("renderer down")
        return working(values)
    monkeypatch.setattr(pdf, "render_report", flaky)
    first = run_job(session, job, DUE)
    assert first.status == "partial"
    report = session.scalar(select(SupervisionReport))
    assert report.status == ReportStatus.PENDING and report.run_id == first.run_id and report.built_at is not None
    down["now"] = False
    second = run_job(session, job, DUE, skip_if_done=True)
    assert (second.status, second.run_id, second.counts) == ("success", first.run_id, {"issued": 1})
    session.expire_all()
    assert session.scalar(select(SupervisionReport.status)) == ReportStatus.ISSUED
    third = run_job(session, job, DUE)
    assert (third.status, third.counts) == ("success", {})  # nothing left for the month
