"""The MIA admin's scheduled-jobs page: registry, history, "run now"."""
import re
from datetime import timedelta

from sqlalchemy import select

from ltc.auth.models import LoginAttempt
from ltc.core.clock import utcnow
from ltc.scheduler.models import JobRun
from tests.conftest import login


def test_mia_admin_sees_every_job_with_its_schedule(client, world):
    login(client, "mia_admin")
    page = client.get("/admin/jobs/")
    assert page.status_code == 200
    html = page.data.decode()
    assert 'data-job="purge_login_attempts"' in html and 'data-job="calendar_check"' in html
    assert "清理30天前的登录记录" in html and "每日 06:00" in html
    assert "从未运行" in html and "暂无运行记录" in html


def test_other_users_are_refused(client, world):
    for username in ("mia_op", "ins_admin", "pr_admin", "ag_admin"):
        login(client, username)
        assert client.get("/admin/jobs/").status_code == 403, username
        assert client.post("/admin/jobs/purge_login_attempts/run").status_code == 403, username
        client.post("/logout")
    assert client.get("/admin/jobs/").status_code == 302  # anonymous: to the login page


def test_run_now_runs_the_job_and_records_who_triggered_it(client, world, session):
    session.add(LoginAttempt(username="x", ip="10.0.0.1", at=utcnow() - timedelta(days=60), success=False))
    session.commit()
    login(client, "mia_admin")
    response = client.post("/admin/jobs/purge_login_attempts/run", follow_redirects=True)
    assert response.status_code == 200
    [run] = session.scalars(select(JobRun)).all()
    assert (run.job_id, run.status, run.counts) == ("purge_login_attempts", "success", {"deleted": 1})
    assert run.triggered_by_id == world.users["mia_admin"].id
    html = response.data.decode()
    assert "已运行成功" in html
    assert f'data-run="{run.id}"' in html and "deleted=1" in html
    assert 'data-testid="run-trigger">mia_admin<' in html


def test_history_is_paginated_and_filtered_by_job(client, world, session):
    now = utcnow()
    for i in range(30):
        session.add(JobRun(job_id="purge_login_attempts" if i % 2 else "calendar_check", due_at=now,
                           started_at=now, finished_at=now, status="failed" if i == 29 else "success",
                           error="boom <b>" if i == 29 else None, host="h", pid=i + 1))
    session.commit()
    login(client, "mia_admin")
    first = client.get("/admin/jobs/").data.decode()
    assert first.count("data-run=") == 25 and "1 / 2 (30)" in first
    assert "boom &lt;b&gt;" in first  # the error text is shown, escaped
    second = client.get("/admin/jobs/?page=2").data.decode()
    assert second.count("data-run=") == 5
    filtered = client.get("/admin/jobs/?job=calendar_check").data.decode()
    assert filtered.count("data-run=") == 15


def test_run_now_of_an_unknown_job_is_404(client, world):
    login(client, "mia_admin")
    assert client.post("/admin/jobs/no_such_job/run").status_code == 404


def test_run_now_needs_the_csrf_token(csrf_client, world, session):
    page = csrf_client.get("/login").data.decode()
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    csrf_client.post("/login", data={"username": "mia_admin", "password": "test-pass-123", "csrf_token": token})
    assert csrf_client.post("/admin/jobs/purge_login_attempts/run").status_code == 400
    assert session.scalars(select(JobRun)).all() == []
    jobs_page = csrf_client.get("/admin/jobs/").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', jobs_page).group(1)
    assert csrf_client.post("/admin/jobs/purge_login_attempts/run", data={"csrf_token": token}).status_code == 302
    assert [r.status for r in session.scalars(select(JobRun))] == ["success"]


def test_the_page_shows_the_time_of_the_policy_in_force(client, world, session):
    from ltc.core.audit import SYSTEM
    from ltc.core.clock import local_today
    from ltc.policy import services as policy_services

    draft = policy_services.create_draft(session, actor=SYSTEM, now=utcnow())
    jobs = {**draft.sections["jobs"], "purge_login_attempts": {"day": 3, "hour": 4, "minute": 5}}
    policy_services.update_section(session, draft, "jobs", jobs, actor=SYSTEM, now=utcnow())
    policy_services.publish(session, draft, effective_from=local_today(), actor=SYSTEM, now=utcnow())
    session.commit()
    login(client, "mia_admin")
    html = client.get("/admin/jobs/").data.decode()
    row = re.search(r'data-job="purge_login_attempts".*?</tr>', html, re.S).group(0)
    assert "每月3日 04:05" in row and "每日 06:00" not in row
