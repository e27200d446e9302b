"""The monthly supervision reports' pages (issue 13 point 3): the MIA admin lists them and downloads the PDF;
"run now" queues the report job for the scheduler process and renders nothing in the request; everyone else is
refused (SPEC §1: the reports are the MIA's)."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.scheduler.models import JobRun, RunStatus
from ltc.supervision.report import services
from ltc.supervision.report.models import ReportStatus, SupervisionReport
from ltc.core.clock import local_today
from tests.conftest import NOW, login

PDF = b"%PDF-1.4 report of February\n%%EOF"


@pytest.fixture
def issued(session, world):
    report = services.ensure_report(session, date(2026, 2, 1), now=NOW)
    services.store_values(session, report, {"themes": []}, run_id=None, now=NOW)
    services.store_pdf(session, report.id, PDF, now=NOW)
    session.commit()
    return report


def test_mia_admin_lists_the_reports_by_month_and_downloads_an_issued_one(client, issued):
    login(client, "mia_admin")
    page = client.get("/supervision/reports/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "JGYB-2026-02" in html and "已生成" in html and f"/supervision/reports/{issued.id}.pdf" in html
    download = client.get(f"/supervision/reports/{issued.id}.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf" and download.data == PDF


@pytest.mark.parametrize("username", ["ins_admin", "pr_admin", "ag_admin", "mia_op"])
def test_others_can_neither_list_nor_download_the_reports(client, issued, username):
    login(client, username)
    assert client.get("/supervision/reports/").status_code == 403
    assert client.get(f"/supervision/reports/{issued.id}.pdf").status_code == 403


def test_a_pending_or_absent_report_is_not_found(client, session, world):
    pending = services.ensure_report(session, date(2026, 1, 1), now=NOW)
    session.commit()
    login(client, "mia_admin")
    assert client.get(f"/supervision/reports/{pending.id}.pdf").status_code == 404
    assert client.get(f"/supervision/reports/{pending.id + 999}.pdf").status_code == 404


def test_run_now_queues_the_job_and_renders_nothing_in_the_request(client, session, world):
    login(client, "mia_admin")
    response = client.post("/supervision/reports/run", data={"month": "2026-01"})
    assert response.status_code == 302
    report = session.scalar(select(SupervisionReport).where(SupervisionReport.month == date(2026, 1, 1)))
    assert report.status == ReportStatus.PENDING and report.content is None and report.data is None
    run = session.scalar(select(JobRun).where(JobRun.job_id == "supervision_report"))
    assert run.status == RunStatus.QUEUED and run.triggered_by_id == world.users["mia_admin"].id
    page = client.get("/supervision/reports/").get_data(as_text=True)
    assert "正在生成" in page and "排队中" in page


def test_run_now_refuses_a_month_not_over_yet_and_an_issued_month(client, session, issued):
    login(client, "mia_admin")
    this_month = f"{local_today():%Y-%m}"  # the view's clock is the real one
    future = client.post("/supervision/reports/run", data={"month": this_month})
    assert future.status_code == 400 and "只能为已结束" in future.get_data(as_text=True)
    again = client.post("/supervision/reports/run", data={"month": "2026-02"})
    assert again.status_code == 409 and "已生成" in again.get_data(as_text=True)
    assert session.scalar(select(JobRun).where(JobRun.job_id == "supervision_report")) is None


def test_the_reports_page_speaks_english(client, issued):
    login(client, "mia_admin")
    client.post("/lang/en", data={"next": "/"})
    html = client.get("/supervision/reports/").get_data(as_text=True)
    assert "Supervision reports" in html and "监管月报" not in html
