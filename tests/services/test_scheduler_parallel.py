"""Per-unit jobs declaring worker processes (``ltc.scheduler.parallel``), on committed data.

Each unit's work is a login-attempt row named after the unit whose address is the process that
ran it, so a unit done twice, a unit whose work was not rolled back, or a unit run in the wrong
process shows. Worker processes exist on PostgreSQL only; SQLite runs the same job one by one.
"""
import os
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from ltc.auth.models import LoginAttempt
from ltc.extensions import db
from ltc.scheduler.catchup import most_recent_due
from ltc.scheduler.models import JobRun, JobRunUnit
from ltc.scheduler.registry import DAILY_0600, Job, get_job
from ltc.scheduler.runner import run_job
from tests.scheduler_builders import committed_scheduler

HERE = __name__
UNITS = ("p1", "p2", "p3", "p4", "p5", "p6")
TWO_WORKERS = Job("two_workers", "测试：两个进程", DAILY_0600, f"{HERE}:do_unit", units=f"{HERE}:list_units",
                  workers=2)
NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)


class State:
    parent = 0                   # the process that runs the job (and holds its lock)
    failing: set[str] = set()    # these units raise
    dying: set[str] = set()      # a worker process running these units ends abruptly


@pytest.fixture
def committed(app):
    State.parent, State.failing, State.dying = os.getpid(), set(), set()
    yield from committed_scheduler(app)


def list_units(session, *, due_at):
    return list(UNITS)


def do_unit(session, unit, *, now, due_at):
    if unit in State.dying and os.getpid() != State.parent:
        os._exit(3)   # a worker killed in the middle of a unit: nothing of it is committed
    session.add(LoginAttempt(username=f"unit:{unit}", ip=str(os.getpid()), at=now, success=True))
    session.flush()
    if unit in State.failing:
        raise RuntimeError(f"no agreement in force for provider {unit}")
    time.sleep(0.2)   # long enough for the second worker to take units too
    return {"records": 2}


def _work() -> dict[str, list[int]]:
    """Unit → the processes whose work on it was committed."""
    db.session.rollback()
    found: dict[str, list[int]] = {u: [] for u in UNITS}
    for name, ip in db.session.execute(select(LoginAttempt.username, LoginAttempt.ip)):
        found[name.removeprefix("unit:")].append(int(ip))
    return found


def _run() -> tuple[JobRun, dict[str, tuple[str, int]]]:
    db.session.rollback()
    [run] = db.session.scalars(select(JobRun).where(JobRun.job_id == TWO_WORKERS.id)).all()
    units = {u.unit_key: (u.status, u.attempts) for u in db.session.scalars(
        select(JobRunUnit).where(JobRunUnit.run_id == run.id))}
    return run, units


def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("worker processes on PostgreSQL only (SQLite: see the test after)")


def test_the_nightly_scan_declares_two_workers():
    assert get_job("compliance_scan").workers == 2


def test_units_run_once_each_in_two_worker_processes_and_their_counts_add_up(committed):
    _postgresql_only()
    outcome = run_job(committed, TWO_WORKERS, most_recent_due(DAILY_0600, NOW))
    assert (outcome.status, outcome.counts, outcome.error) == ("success", {"records": 12}, None)
    run, units = _run()
    assert (run.status, run.units_done, run.units_failed, run.units_total) == ("success", 6, 0, 6)
    assert run.counts == {"records": 12}
    assert set(units.values()) == {("done", 1)}
    work = _work()
    assert all(len(pids) == 1 for pids in work.values()), work
    pids = {pid for found in work.values() for pid in found}
    assert State.parent not in pids and 1 <= len(pids) <= 2


def test_a_failing_unit_in_a_worker_is_recorded_failed_and_the_others_go_on(committed):
    _postgresql_only()
    State.failing = {"p3"}
    due = most_recent_due(DAILY_0600, NOW)
    first = run_job(committed, TWO_WORKERS, due)
    assert (first.status, first.counts, first.error) == ("partial", {"records": 10}, "1 units failed: p3")
    run, units = _run()
    assert (run.units_done, run.units_failed) == (5, 1) and units["p3"] == ("failed", 1)
    assert [len(_work()[u]) for u in UNITS] == [1, 1, 0, 1, 1, 1]   # the failed unit's work rolled back
    State.failing = set()
    second = run_job(committed, TWO_WORKERS, due, skip_if_done=True)   # the rest: p3 alone, in this process
    assert (second.status, second.counts) == ("success", {"records": 12})
    assert _work()["p3"] == [State.parent]
    run, units = _run()
    assert (run.status, run.units_done, run.units_failed) == ("success", 6, 0) and units["p3"] == ("done", 2)


def test_a_unit_whose_worker_died_is_run_by_the_lock_holder_before_the_run_ends(committed):
    _postgresql_only()
    State.dying = {"p2"}
    outcome = run_job(committed, TWO_WORKERS, most_recent_due(DAILY_0600, NOW))
    assert (outcome.status, outcome.counts) == ("success", {"records": 12})
    work = _work()
    assert work["p2"] == [State.parent] and all(len(pids) == 1 for pids in work.values())
    run, units = _run()
    assert (run.status, run.units_done, run.units_failed) == ("success", 6, 0)
    assert set(units.values()) == {("done", 1)}   # the dead worker's attempt was never committed


def test_on_sqlite_a_job_declaring_workers_runs_its_units_one_by_one_in_its_own_process(committed):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    outcome = run_job(committed, TWO_WORKERS, most_recent_due(DAILY_0600, NOW))
    assert (outcome.status, outcome.counts) == ("success", {"records": 12})
    assert _work() == {u: [State.parent] for u in UNITS}
