"""A scheduler process killed with ``kill -9`` in the middle of a per-unit run (SPEC §9).

The process dies holding its lock (a SQLite lock row; on PostgreSQL the server drops the
advisory lock) with its run ``running``: the restart's catch-up, the queue poll and a run by
hand must recognise the dead holder, mark its run failed and resume it with the unfinished
units only. On committed data (another process), cleaned up afterwards.
"""
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from ltc import ROOT
from ltc.auth.models import LoginAttempt
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.scheduler import holders
from ltc.scheduler.catchup import catch_up
from ltc.scheduler.models import JobRun, RunStatus, SchedulerLock
from ltc.scheduler.recovery import mark_orphaned_runs, recover_interrupted
from ltc.scheduler.registry import DAILY_0600, Job
from tests.scheduler_builders import committed_scheduler
from ltc.scheduler.runner import run_job

HERE = __name__
UNITS = ("u1", "u2", "u3", "u4", "u5")
PER_UNIT = Job("dead_holder", "测试：逐单元", DAILY_0600, f"{HERE}:do_unit", units=f"{HERE}:list_units")
DUE = datetime(2026, 3, 15, 22, 0, tzinfo=timezone.utc)  # 06:00 on 2026-03-16 in Shanghai
HANG = "LTC_TEST_HANG_IN_UNIT"

HOLDER_SCRIPT = f"""
from ltc import create_app
from ltc.scheduler.runner import run_job
from {HERE} import DUE, PER_UNIT
run_job(create_app(), PER_UNIT, DUE)
"""


def list_units(session, *, due_at):
    return list(UNITS)


def do_unit(session, unit, *, now, due_at):
    session.add(LoginAttempt(username=f"dead:{unit}", ip="127.0.0.1", at=now, success=True))
    session.flush()
    if unit == os.environ.get(HANG):
        time.sleep(600)  # killed here, in the middle of the unit's transaction
    return {"records": 1}


@pytest.fixture
def committed(app):
    yield from committed_scheduler(app)


def _run() -> JobRun:
    db.session.rollback()
    [run] = db.session.scalars(select(JobRun).where(JobRun.job_id == PER_UNIT.id))
    return run


def _work() -> list[int]:
    db.session.rollback()
    return [db.session.scalar(select(func.count()).select_from(LoginAttempt)
                              .where(LoginAttempt.username == f"dead:{u}")) for u in UNITS]


@pytest.fixture
def killed_holder(committed, tmp_path):
    """A process that ran u1 and u2, then was killed with SIGKILL inside u3."""
    env = {**os.environ, "DATABASE_URL": committed.config["SQLALCHEMY_DATABASE_URI"],
           "LTC_INSTANCE_PATH": str(tmp_path), "LTC_ENV": "test", HANG: "u3"}
    process = subprocess.Popen([sys.executable, "-c", HOLDER_SCRIPT], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not _started_u3(process.pid):
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        process.stderr.close()
    run = _run()
    assert (run.status, run.units_done, run.pid) == (RunStatus.RUNNING, 2, process.pid)
    assert _work() == [1, 1, 0, 0, 0]
    return run


def _started_u3(pid: int) -> bool:
    db.session.rollback()
    run = db.session.scalar(select(JobRun).where(JobRun.job_id == PER_UNIT.id, JobRun.pid == pid))
    return run is not None and run.units_done == 2


def _resumed(outcome, run_id: int) -> None:
    assert (outcome.status, outcome.run_id, outcome.counts) == (RunStatus.SUCCESS, run_id, {"records": 5})
    run = _run()
    assert (run.status, run.units_done, run.units_failed, run.error) == (RunStatus.SUCCESS, 5, 0, None)
    assert _work() == [1, 1, 1, 1, 1]  # u1 and u2 not redone, u3's rolled-back work done once
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SchedulerLock)) == 0


def test_the_restart_catch_up_takes_over_the_dead_holders_lock_and_resumes_its_run(killed_holder):
    if db.engine.dialect.name == "sqlite":
        assert _lock_holder().split(":")[1] == str(killed_holder.pid)  # the row survived the kill
    [outcome] = catch_up(db.session, (PER_UNIT,), now=DUE)  # not skipped_locked
    _resumed(outcome, killed_holder.id)


def test_the_schedulers_recovery_marks_the_run_failed_then_resumes_only_its_unfinished_units(killed_holder):
    orphaned = mark_orphaned_runs(db.session, now=utcnow())
    assert [r.id for r in orphaned] == [killed_holder.id]
    assert orphaned[0].status == RunStatus.FAILED and "interrupted" in orphaned[0].error
    db.session.rollback()  # recover_interrupted marks it again, in its own transaction

    [outcome] = recover_interrupted(committed_app(), (PER_UNIT,))
    _resumed(outcome, killed_holder.id)
    assert recover_interrupted(committed_app(), (PER_UNIT,)) == []


def test_a_run_by_hand_after_the_kill_is_not_skipped(killed_holder):
    outcome = run_job(committed_app(), PER_UNIT, utcnow())
    assert outcome.status == RunStatus.SUCCESS
    db.session.rollback()
    statuses = dict(db.session.execute(select(JobRun.id, JobRun.status).where(JobRun.job_id == PER_UNIT.id)).all())
    assert statuses[killed_holder.id] == RunStatus.FAILED  # the dead process's run, marked when the lock was taken


def test_a_live_holder_is_not_taken_over(committed):
    holder = holders.new_holder()
    assert holders.holder_is_dead(holder)  # this pid, not held here: an earlier process given the same pid
    holders.hold(holder)
    try:
        assert not holders.holder_is_dead(holder)
    finally:
        holders.let_go(holder)
    other_host = "elsewhere:" + holder.partition(":")[2]
    assert not holders.holder_is_dead(other_host)  # another host: left to the lock's expiry
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    assert holders.holder_is_dead(f"{holders.HOST}:{finished.stdout.strip()}:1:abc")


def _lock_holder() -> str:
    db.session.rollback()
    return db.session.scalar(select(SchedulerLock.holder).where(SchedulerLock.name == PER_UNIT.id))


def committed_app():
    from flask import current_app

    return current_app._get_current_object()
