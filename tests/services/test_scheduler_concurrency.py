"""Several processes / threads with their own connections, so on committed data (cleaned up after).

The per-test rolled-back transaction is invisible to other connections: these tests commit to
the test database (a SQLite file, or TEST_DATABASE_URL) and delete what they wrote afterwards.
"""
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from ltc import ROOT
from ltc.auth.models import LoginAttempt
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.scheduler.catchup import most_recent_due, run_due
from ltc.scheduler.cli import build_scheduler
from ltc.scheduler.models import JobRun, RunStatus
from ltc.scheduler.registry import DAILY_0600, Job
from tests.scheduler_builders import committed_scheduler
from ltc.scheduler.runner import ALREADY_DONE, run_job

HERE = __name__
QUICK = Job("quick", "测试：快速任务", DAILY_0600, f"{HERE}:add_attempt")
SLOW = Job("slow", "测试：慢任务", DAILY_0600, f"{HERE}:wait_then_add_attempt")
FAILING = Job("failing", "测试：失败任务", DAILY_0600, f"{HERE}:fail")

slow_started = threading.Event()
slow_may_finish = threading.Event()


def add_attempt(session, *, now, due_at):
    session.add(LoginAttempt(username="job", ip="127.0.0.1", at=now, success=True))
    return {"added": 1}


def wait_then_add_attempt(session, *, now, due_at):
    slow_started.set()
    assert slow_may_finish.wait(30)
    return add_attempt(session, now=now, due_at=due_at)


def fail(session, *, now, due_at):
    raise ValueError("no policy version in force")


@pytest.fixture
def committed(app):
    yield from committed_scheduler(app)


def _runs(job_id: str) -> list[JobRun]:
    db.session.rollback()
    return list(db.session.scalars(select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.id)))


def _attempts(username: str) -> int:
    return db.session.scalar(select(func.count()).select_from(LoginAttempt)
                             .where(LoginAttempt.username == username))


def test_two_scheduler_processes_started_at_once_run_a_due_job_exactly_once(committed, tmp_path):
    now = utcnow()
    for age_days in (40, 35, 31, 1):
        db.session.add(LoginAttempt(username="old", ip="10.0.0.1", at=now - timedelta(days=age_days), success=False))
    db.session.commit()
    due_before = most_recent_due(DAILY_0600, utcnow())
    env = {**os.environ, "DATABASE_URL": committed.config["SQLALCHEMY_DATABASE_URI"],
           "LTC_INSTANCE_PATH": str(tmp_path), "LTC_ENV": "test"}
    command = [sys.executable, "-m", "flask", "--app", "ltc", "jobs", "run-due", "purge_login_attempts"]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs

    rows = _runs("purge_login_attempts")
    [success] = [r for r in rows if r.status == RunStatus.SUCCESS]
    assert success.due_at in {due_before, most_recent_due(DAILY_0600, utcnow())}
    assert success.counts == {"deleted": 3, "idempotency_keys": 0}
    assert all(r.status == RunStatus.SKIPPED_LOCKED for r in rows if r is not success), outputs
    assert _attempts("old") == 1


def test_two_threads_racing_for_the_same_due_time_run_the_job_once(committed):
    barrier = threading.Barrier(2)
    outcomes = []

    def scheduler_thread():
        barrier.wait()
        outcomes.append(run_due(committed, QUICK))

    threads = [threading.Thread(target=scheduler_thread) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    statuses = sorted(o.status for o in outcomes)
    assert statuses[0] in (ALREADY_DONE, RunStatus.SKIPPED_LOCKED) and statuses[1] == RunStatus.SUCCESS
    assert [r.status for r in _runs(QUICK.id) if r.status == RunStatus.SUCCESS] == ["success"]
    assert _attempts("job") == 1


def test_a_process_holding_the_lock_while_its_job_runs_makes_the_other_skip(committed):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: the contender would wait out the busy timeout to record its skip")
    slow_started.clear()
    slow_may_finish.clear()
    due = most_recent_due(DAILY_0600, utcnow())
    holder_outcomes = []
    holder = threading.Thread(target=lambda: holder_outcomes.append(run_job(committed, SLOW, due, skip_if_done=True)))
    holder.start()
    try:
        assert slow_started.wait(30)
        contender = run_job(committed, SLOW, due, skip_if_done=True)
    finally:
        slow_may_finish.set()
        holder.join(30)
    assert contender.status == RunStatus.SKIPPED_LOCKED
    assert holder_outcomes[0].status == RunStatus.SUCCESS
    assert sorted(r.status for r in _runs(SLOW.id)) == ["skipped_locked", "success"]
    assert _attempts("job") == 1


def test_a_failing_job_does_not_stop_the_running_scheduler(committed):
    due = most_recent_due(DAILY_0600, utcnow())
    # built as if started a minute before the due time: both jobs fire as soon as it starts
    scheduler = build_scheduler(committed, (FAILING, QUICK), now=due - timedelta(minutes=1))
    thread = threading.Thread(target=scheduler.start, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            finished = [r for r in _runs(FAILING.id) + _runs(QUICK.id) if r.finished_at is not None]
            if len(finished) == 2:
                break
            time.sleep(0.1)
        assert scheduler.running
    finally:
        scheduler.shutdown(wait=True)
        thread.join(10)
    [failed] = _runs(FAILING.id)
    assert failed.status == RunStatus.FAILED and "ValueError: no policy version in force" in failed.error
    assert failed.due_at == due
    assert [(r.status, r.due_at) for r in _runs(QUICK.id)] == [("success", due)]


def test_the_running_scheduler_picks_up_a_run_queued_from_the_admin_page(committed, monkeypatch):
    from ltc.core.audit import SYSTEM, AuditEntry
    from ltc.scheduler import cli
    from ltc.scheduler.queue import queue_run

    monkeypatch.setattr(cli, "POLL_SECONDS", 1)
    queued = queue_run(db.session, QUICK.id, actor=SYSTEM, now=utcnow(), jobs=(QUICK,))
    db.session.commit()
    scheduler = build_scheduler(committed, (QUICK,))
    thread = threading.Thread(target=scheduler.start, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            statuses = [r.status for r in _runs(QUICK.id)]
            db.session.rollback()  # no read transaction left open while the scheduler writes (SQLite)
            if statuses == ["success"]:
                break
            time.sleep(0.2)
    finally:
        scheduler.shutdown(wait=True)
        thread.join(10)
    [run] = _runs(QUICK.id)
    assert (run.id, run.status, run.started_at is not None) == (queued.id, "success", True)
    assert _attempts("job") == 1
    db.session.rollback()
    with db.engine.begin() as conn:  # the fixture cleans runs and attempts; the audit entry is this test's
        conn.execute(delete(AuditEntry).where(AuditEntry.entity == "job"))
