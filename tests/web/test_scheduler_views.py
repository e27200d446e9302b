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
    assert "清理30天前的登录记录和幂等键" in html and "每日 06:00" in html
    assert "从未运行" in html and "暂无运行记录" in html


def test_other_users_are_refused(client, world):
    for username in ("mia_op", "ins_admin", "pr_admin", "ag_admin"):
        login(client, username)
        assert client.get("/admin/jobs/").status_code == 403, username
        assert client.post("/admin/jobs/purge_login_attempts/run").status_code == 403, username
        client.post("/logout")
    assert client.get("/admin/jobs/").status_code == 302  # anonymous: to the login page


def test_run_now_queues_the_job_for_the_scheduler_and_records_who_asked(client, world, session):
    session.add(LoginAttempt(username="x", ip="10.0.0.1", at=utcnow() - timedelta(days=60), success=False))
    session.commit()
    login(client, "mia_admin")
    response = client.post("/admin/jobs/purge_login_attempts/run", follow_redirects=True)
    assert response.status_code == 200
    [run] = session.scalars(select(JobRun)).all()
    assert (run.job_id, run.status, run.counts, run.started_at) == ("purge_login_attempts", "queued", None, None)
    assert run.triggered_by_id == world.users["mia_admin"].id and run.queued_at is not None
    assert session.scalar(select(LoginAttempt).where(LoginAttempt.username == "x")) is not None  # not run
    html = response.data.decode()
    assert "任务 清理30天前的登录记录和幂等键 已加入队列" in html
    assert "purge_login_attempts 已加入" not in html  # not the id
    row = re.search(rf'data-run="{run.id}".*?</tr>', html, re.S).group(0)
    assert "排队中" in row and "加入队列" in row
    assert 'data-testid="run-trigger">mia_admin<' in row
    # a second click while it waits adds nothing
    client.post("/admin/jobs/purge_login_attempts/run")
    assert len(session.scalars(select(JobRun)).all()) == 1


def test_the_schedulers_poll_runs_the_run_queued_from_the_page(client, world, session):
    from ltc.scheduler.queue import run_queued

    session.add(LoginAttempt(username="x", ip="10.0.0.1", at=utcnow() - timedelta(days=60), success=False))
    session.commit()
    login(client, "mia_admin")
    client.post("/admin/jobs/purge_login_attempts/run")
    [outcome] = run_queued(session)  # what the scheduler process does every few seconds
    [run] = session.scalars(select(JobRun)).all()
    session.refresh(run)
    assert (outcome.run_id, run.status, run.counts) == (run.id, "success", {"deleted": 1, "idempotency_keys": 0})
    assert run.triggered_by_id == world.users["mia_admin"].id
    html = client.get("/admin/jobs/").data.decode()
    row = re.search(rf'data-run="{run.id}".*?</tr>', html, re.S).group(0)
    assert "成功" in row and "deleted=1" in row


def test_the_page_shows_the_progress_of_a_per_unit_run_and_units_that_failed_too_often(client, world, session):
    from ltc.scheduler.models import JobRunUnit

    now = utcnow()
    run = JobRun(job_id="calendar_check", due_at=now, started_at=now, status="partial", host="h", pid=1,
                 units_total=5, units_done=3, units_failed=2, error="2 units failed: p7, p9")
    session.add(run)
    session.flush()
    session.add_all([JobRunUnit(run_id=run.id, unit_key="p7", status="failed", attempts=3, error="boom p7",
                                finished_at=now),
                     JobRunUnit(run_id=run.id, unit_key="p9", status="failed", attempts=1, error="boom p9",
                                finished_at=now)])
    session.commit()
    login(client, "mia_admin")
    html = client.get("/admin/jobs/").data.decode()
    row = re.search(rf'data-run="{run.id}".*?</tr>', html, re.S).group(0)
    assert "部分失败" in row and "单元 3 / 5" in row and "失败 2" in row
    blocked = re.search(r'data-testid="blocked-units".*?</table>', html, re.S).group(0)
    assert "p7" in blocked and "boom p7" in blocked and "p9" not in blocked  # only the unit that failed 3 times


def test_the_retry_of_a_blocked_unit_queues_its_run(client, world, session):
    from ltc.core.audit import AuditEntry
    from ltc.scheduler.models import JobRunUnit

    now = utcnow()
    run = JobRun(job_id="calendar_check", due_at=now, started_at=now, status="partial", host="h", pid=1,
                 units_total=1, units_done=0, units_failed=1)
    session.add(run)
    session.flush()
    unit = JobRunUnit(run_id=run.id, unit_key="p7", status="failed", attempts=3, finished_at=now)
    session.add(unit)
    session.commit()
    login(client, "mia_op")
    assert client.post(f"/admin/jobs/units/{unit.id}/retry").status_code == 403
    client.post("/logout")
    login(client, "mia_admin")
    response = client.post(f"/admin/jobs/units/{unit.id}/retry", follow_redirects=True)
    assert "p7" in response.data.decode() and "将随任务重新运行" in response.data.decode()
    session.refresh(unit)
    session.refresh(run)
    assert (unit.attempts, run.status, run.triggered_by_id) == (0, "queued", world.users["mia_admin"].id)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "job_run_unit"))
    assert (entry.action, entry.entity_id, entry.before["attempts"]) == ("retry", str(unit.id), 3)
    again = client.post(f"/admin/jobs/units/{unit.id}/retry", follow_redirects=True).data.decode()
    assert "已在队列中" in again  # refused while its run waits in the queue


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
    assert [r.status for r in session.scalars(select(JobRun))] == ["queued"]


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


def test_the_page_in_english_shows_the_run_status_and_progress(client, world, session):
    now = utcnow()
    session.add(JobRun(job_id="calendar_check", due_at=now, queued_at=now, status="queued"))
    session.add(JobRun(job_id="calendar_check", due_at=now, started_at=now, status="partial", host="h", pid=1,
                       units_total=4, units_done=3, units_failed=1))
    session.commit()
    login(client, "mia_admin")
    client.post("/lang/en", data={"next": "/"})
    html = client.get("/admin/jobs/").data.decode()
    assert ">Queued<" in html and "Partly failed" in html and "Units 3 / 4" in html and "1 failed" in html
    assert "排队中" not in html and "部分失败" not in html
