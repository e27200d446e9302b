"""Per-unit jobs, queued runs and the catch-up of due times (SPEC §9), on a real Session.

The test jobs live here and reach the runner through test-only job tuples, exactly like
registry jobs. Each unit's work is a login-attempt row named after the unit, so a unit done
twice, or a unit whose work was not rolled back, shows as a wrong number of rows.
"""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from ltc.auth.models import LoginAttempt
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.clock import LOCAL_TZ
from ltc.core.errors import Conflict, NotFound
from ltc.scheduler.catchup import catch_up, most_recent_due
from ltc.scheduler.models import JobRun, JobRunUnit
from ltc.scheduler.queue import queue_run, retry_unit, run_queued
from ltc.scheduler.registry import DAILY_0600, MONTHLY_D1_0200, Job, get_job
from ltc.scheduler.runner import run_job
from ltc.scheduler.services import blocked_units

HERE = __name__
UNITS = ("p1", "p2", "p3", "p4", "p5", "p6")
PER_UNIT = Job("per_unit", "测试：逐单元", DAILY_0600, f"{HERE}:do_unit", units=f"{HERE}:list_units")
MONTHLY = Job("monthly_period", "测试：每月（上月）", MONTHLY_D1_0200, f"{HERE}:previous_month")
DAILY = Job("daily_period", "测试：每日", DAILY_0600, f"{HERE}:previous_month")

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Shanghai


class State:
    ran: list[str] = []         # the units whose work was called, in order
    kill_at: set[str] = set()   # the process "dies" (KeyboardInterrupt) in these units
    failing: set[str] = set()   # these units raise


@pytest.fixture(autouse=True)
def fresh_state():
    State.ran, State.kill_at, State.failing = [], set(), set()


def list_units(session, *, due_at):
    return list(UNITS)


def do_unit(session, unit, *, now, due_at):
    State.ran.append(unit)
    session.add(LoginAttempt(username=f"unit:{unit}", ip="127.0.0.1", at=now, success=True))
    session.flush()
    if unit in State.kill_at:
        raise KeyboardInterrupt
    if unit in State.failing:
        raise RuntimeError(f"no agreement in force for provider {unit}")
    return {"records": 2}


def previous_month(session, *, now, due_at):
    """A monthly job's period: the month before the due date (day-1 runs settle the month before)."""
    first = due_at.date().replace(day=1)
    last_month = first - timedelta(days=1)
    return {"year": last_month.year, "month": last_month.month, "due_hour": due_at.hour}


def work(session, unit: str) -> int:
    return session.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.username == f"unit:{unit}"))


def units_of(session, run_id: int) -> dict[str, tuple[str, int]]:
    rows = session.scalars(select(JobRunUnit).where(JobRunUnit.run_id == run_id).order_by(JobRunUnit.id))
    return {u.unit_key: (u.status, u.attempts) for u in rows}


def runs(session, job_id: str) -> list[JobRun]:
    session.expire_all()
    return list(session.scalars(select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.id)))


def progress(run: JobRun) -> tuple:
    return run.status, run.units_done, run.units_failed, run.units_total


def test_a_run_killed_after_half_its_units_resumes_with_exactly_the_rest_at_the_next_start(session):
    due = most_recent_due(DAILY_0600, NOW)
    State.kill_at = {"p4"}
    with pytest.raises(KeyboardInterrupt):
        run_job(session, PER_UNIT, due)
    [run] = runs(session, PER_UNIT.id)
    assert progress(run) == ("running", 3, 0, 6)  # left running by the "dead" process
    assert [work(session, u) for u in UNITS] == [1, 1, 1, 0, 0, 0]  # p4's work rolled back
    State.kill_at, State.ran = set(), []

    [outcome] = catch_up(session, (PER_UNIT,), now=NOW)  # the next start-up
    assert State.ran == ["p4", "p5", "p6"]
    assert (outcome.status, outcome.run_id, outcome.counts) == ("success", run.id, {"records": 12})
    [run] = runs(session, PER_UNIT.id)  # the same run, resumed
    assert progress(run) == ("success", 6, 0, 6) and run.error is None and run.finished_at is not None
    assert [work(session, u) for u in UNITS] == [1] * 6
    assert set(units_of(session, run.id).values()) == {("done", 1)}


def test_a_failing_unit_does_not_stop_the_others_and_a_rerun_does_only_that_unit(session):
    due = most_recent_due(DAILY_0600, NOW)
    State.failing = {"p3"}
    first = run_job(session, PER_UNIT, due)
    assert State.ran == list(UNITS)
    assert first.status == "partial" and first.counts == {"records": 10}
    [run] = runs(session, PER_UNIT.id)
    assert progress(run) == ("partial", 5, 1, 6) and run.error == "1 units failed: p3"
    failed = session.scalar(select(JobRunUnit).where(JobRunUnit.unit_key == "p3"))
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "RuntimeError: no agreement in force for provider p3" in failed.error
    assert [work(session, u) for u in UNITS] == [1, 1, 0, 1, 1, 1]  # the failed unit's work rolled back
    State.failing, State.ran = set(), []

    second = run_job(session, PER_UNIT, due, skip_if_done=True)  # the same due time again
    assert State.ran == ["p3"]
    assert (second.status, second.run_id, second.counts) == ("success", run.id, {"records": 12})
    [run] = runs(session, PER_UNIT.id)
    assert progress(run) == ("success", 6, 0, 6) and run.error is None
    assert units_of(session, run.id)["p3"] == ("done", 2)
    assert [work(session, u) for u in UNITS] == [1] * 6


def test_a_unit_that_failed_three_times_is_skipped_until_an_admin_retries_it(session, world):
    from ltc.auth.services import actor_of

    due = most_recent_due(DAILY_0600, NOW)
    State.failing = {"p3"}
    statuses = [run_job(session, PER_UNIT, due).status for _ in range(3)]
    assert statuses == ["partial"] * 3 and State.ran.count("p3") == 3
    State.ran = []
    assert run_job(session, PER_UNIT, due).status == "partial"
    assert State.ran == []  # skipped: it failed three times
    [unit] = blocked_units(session)
    assert (unit.unit_key, unit.attempts, unit.run.job_id) == ("p3", 3, PER_UNIT.id)

    admin = world.users["mia_admin"]
    retry_unit(session, unit.id, actor=actor_of(admin), now=NOW)
    session.commit()
    [run] = runs(session, PER_UNIT.id)
    assert (run.status, run.triggered_by_id) == ("queued", admin.id)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "job_run_unit"))
    assert (entry.user_id, entry.action, entry.before["attempts"], entry.after["attempts"]) == (admin.id, "retry", 3, 0)
    with pytest.raises(Conflict):
        retry_unit(session, unit.id, actor=actor_of(admin), now=NOW)  # its run is already queued
    State.failing = set()

    [outcome] = run_queued(session, (PER_UNIT,))
    assert State.ran == ["p3"] and outcome.status == "success"
    assert blocked_units(session) == []
    [run] = runs(session, PER_UNIT.id)
    assert progress(run) == ("success", 6, 0, 6) and run.due_at == due


def test_only_a_failed_unit_can_be_retried(session):
    run_job(session, PER_UNIT, NOW)
    done = session.scalar(select(JobRunUnit).where(JobRunUnit.unit_key == "p1"))
    with pytest.raises(Conflict):
        retry_unit(session, done.id, actor=SYSTEM, now=NOW)
    with pytest.raises(NotFound):
        retry_unit(session, done.id + 1000, actor=SYSTEM, now=NOW)


def test_a_job_whose_units_cannot_be_listed_fails_and_a_rerun_lists_them_again(session):
    broken = Job("per_unit", "测试：逐单元", DAILY_0600, f"{HERE}:do_unit", units=f"{HERE}:no_such_lister")
    first = run_job(session, broken, NOW)
    assert first.status == "failed" and "AttributeError" in first.error
    assert run_job(session, PER_UNIT, NOW).status == "success"
    assert [(r.status, r.units_total) for r in runs(session, PER_UNIT.id)] == [("failed", None), ("success", 6)]


def test_a_catch_up_three_days_after_the_due_time_works_on_the_due_times_period(session):
    now = datetime(2026, 3, 3, 2, 0, tzinfo=timezone.utc)  # 3 March 10:00 local; the run was due 1 March
    for due in (datetime(2025, 12, 31, 18, 0, tzinfo=timezone.utc), datetime(2026, 1, 31, 18, 0, tzinfo=timezone.utc)):
        session.add(JobRun(job_id=MONTHLY.id, due_at=due, started_at=due, finished_at=due, status="success",
                           host="old-host", pid=1))
    session.commit()
    [outcome] = catch_up(session, (MONTHLY,), now=now)
    assert outcome.due_at == datetime(2026, 2, 28, 18, 0, tzinfo=timezone.utc)
    # February: the month before the due date, whatever the clock says; the due time arrives as local time
    assert outcome.counts == {"year": 2026, "month": 2, "due_hour": 2}


def test_a_registry_job_run_for_an_old_due_time_uses_that_due_time_not_the_clock(session):
    due = datetime.now(timezone.utc) - timedelta(days=3)
    for age in (timedelta(days=31), timedelta(days=29)):  # before the due time
        session.add(LoginAttempt(username="someone", ip="10.0.0.1", at=due - age, success=False))
    session.commit()
    outcome = run_job(session, get_job("purge_login_attempts"), due)
    # 29 days before the due time is 32 days ago: still kept
    assert outcome.counts == {"deleted": 1, "idempotency_keys": 0}


def test_a_scheduler_down_across_two_month_starts_catches_up_both_months_oldest_first(session):
    jan = datetime(2025, 12, 31, 18, 0, tzinfo=timezone.utc)  # 1 January 02:00 local: ran, then down
    session.add(JobRun(job_id=MONTHLY.id, due_at=jan, started_at=jan, finished_at=jan, status="success",
                       host="old-host", pid=1))
    session.commit()
    outcomes = catch_up(session, (DAILY, MONTHLY), now=NOW)  # back on 16 March
    assert [(o.job_id, o.due_at.astimezone(LOCAL_TZ).date(), o.counts["month"]) for o in outcomes] == [
        (MONTHLY.id, date(2026, 2, 1), 1), (MONTHLY.id, date(2026, 3, 1), 2),
        (DAILY.id, date(2026, 3, 16), 2)]  # the daily job: its most recent due time only
    assert {o.status for o in outcomes} == {"success"}
    assert catch_up(session, (DAILY, MONTHLY), now=NOW) == []


def test_a_run_by_hand_covers_the_due_time_of_its_own_month_only(session):
    run_job(session, MONTHLY, datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc))  # by hand on 10 March
    outcomes = catch_up(session, (MONTHLY,), now=NOW)
    assert [o.due_at.astimezone(LOCAL_TZ).date() for o in outcomes] == [date(2026, 1, 1), date(2026, 2, 1)]


def test_run_now_queues_a_run_that_the_schedulers_poll_runs(session, world):
    from ltc.auth.services import actor_of

    admin = world.users["mia_admin"]
    run = queue_run(session, PER_UNIT.id, actor=actor_of(admin), now=NOW, jobs=(PER_UNIT,))
    session.commit()
    assert State.ran == []  # nothing ran in the request
    assert (run.status, run.triggered_by_id, run.queued_at, run.started_at, run.host) == (
        "queued", admin.id, NOW, None, None)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "job"))
    assert (entry.user_id, entry.action, entry.entity_id, entry.after) == (
        admin.id, "run", PER_UNIT.id, {"run_id": run.id, "status": "queued"})
    with pytest.raises(NotFound):
        queue_run(session, "no_such_job", actor=actor_of(admin), now=NOW, jobs=(PER_UNIT,))

    [outcome] = run_queued(session, (PER_UNIT,))
    assert (outcome.status, outcome.run_id) == ("success", run.id)
    assert State.ran == list(UNITS)
    [run] = runs(session, PER_UNIT.id)
    assert progress(run) == ("success", 6, 0, 6) and run.started_at is not None and run.host
    assert run_queued(session, (PER_UNIT,)) == []  # taken: the next poll has nothing to do


def test_a_queued_run_whose_job_is_running_elsewhere_stays_queued(session):
    from ltc.scheduler.locks import job_lock

    run = queue_run(session, PER_UNIT.id, actor=SYSTEM, now=NOW, jobs=(PER_UNIT,))
    session.commit()
    other = job_lock(session, PER_UNIT.id, holder="other-host:1", ttl=timedelta(hours=1))
    assert other.acquire(datetime.now(timezone.utc))
    try:
        [outcome] = run_queued(session, (PER_UNIT,))
    finally:
        other.release()
    assert outcome.status == "skipped_locked" and State.ran == []
    assert [r.status for r in runs(session, PER_UNIT.id)] == ["queued"]
    assert run_queued(session, (PER_UNIT,))[0].run_id == run.id
    assert [r.status for r in runs(session, PER_UNIT.id)] == ["success"]
