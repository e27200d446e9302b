"""The job runner, its lock and the start-up catch-up, on a real Session (rolled back per test)."""
import logging
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from ltc.auth.models import LoginAttempt
from ltc.core.clock import utcnow
from ltc.core.db import begin_statement
from ltc.scheduler.catchup import catch_up, most_recent_due
from ltc.scheduler.locks import job_lock
from ltc.scheduler.models import JobRun, RunStatus, SchedulerLock
from ltc.scheduler.registry import DAILY_0600, MONTHLY_D1_0200, Job, get_job
from ltc.scheduler.runner import ALREADY_DONE, run_job
from ltc.scheduler.services import job_overview

# Test jobs live here and are referenced by path, exactly like registry jobs.
HERE = __name__
COUNTER = Job("count_attempts", "测试：记录一次", DAILY_0600, f"{HERE}:add_attempt")
FAILING = Job("failing", "测试：失败", DAILY_0600, f"{HERE}:add_attempt_then_fail")
MONTHLY = Job("monthly_count", "测试：每月", MONTHLY_D1_0200, f"{HERE}:add_attempt")
BEGINS = Job("begin_statement", "测试：事务开始方式", DAILY_0600, f"{HERE}:note_begin")
SEEN_BEGINS: list[str] = []


def note_begin(session, *, now, due_at):
    SEEN_BEGINS.append(begin_statement())
    return {}


def add_attempt(session, *, now, due_at):
    session.add(LoginAttempt(username="job", ip="127.0.0.1", at=now, success=True))
    return {"added": 1}


def add_attempt_then_fail(session, *, now, due_at):
    add_attempt(session, now=now, due_at=due_at)
    session.flush()
    raise RuntimeError("settlement input missing for provider 7")


def job_attempts(session) -> int:
    return session.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.username == "job"))


def runs(session, job_id: str) -> list[JobRun]:
    return list(session.scalars(select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.id)))


def test_a_run_records_success_with_counts_and_commits_the_work(session):
    due = most_recent_due(DAILY_0600, utcnow())
    outcome = run_job(session, COUNTER, due)
    assert outcome.status == RunStatus.SUCCESS and outcome.counts == {"added": 1}
    [run] = runs(session, COUNTER.id)
    assert (run.id, run.status, run.due_at, run.counts) == (outcome.run_id, "success", due, {"added": 1})
    assert run.finished_at >= run.started_at and run.pid > 0 and run.host
    assert run.triggered_by_id is None and run.error is None
    assert job_attempts(session) == 1
    assert session.scalar(select(func.count()).select_from(SchedulerLock)) == 0  # released


def test_a_job_runs_in_writing_transactions_so_sqlite_waits_for_the_write_lock(session):
    """Issue #9: the scheduler's transactions begin with BEGIN IMMEDIATE on SQLite, in every job thread."""
    SEEN_BEGINS.clear()
    assert begin_statement() == "BEGIN"
    assert run_job(session, BEGINS, utcnow()).status == RunStatus.SUCCESS
    assert SEEN_BEGINS == ["BEGIN IMMEDIATE"] and begin_statement() == "BEGIN"


def test_the_callers_session_is_used_and_left_open(session):
    attempt = LoginAttempt(username="caller", ip="10.0.0.2", at=utcnow(), success=True)
    session.add(attempt)
    session.commit()
    run_job(session, COUNTER, utcnow())  # a request's db.session: not closed behind the view's back
    assert attempt in session


def test_a_failing_job_records_failed_with_the_error_and_its_work_is_rolled_back(session, caplog):
    outcome = run_job(session, FAILING, utcnow())  # does not raise
    assert outcome.status == RunStatus.FAILED
    [run] = runs(session, FAILING.id)
    assert run.status == "failed" and run.finished_at is not None
    assert "RuntimeError: settlement input missing for provider 7" in run.error
    assert job_attempts(session) == 0
    assert "job failing failed" in caplog.text
    # the runner is still usable: the next job runs normally
    assert run_job(session, COUNTER, utcnow()).status == RunStatus.SUCCESS


def test_a_job_whose_function_cannot_be_imported_fails_cleanly(session):
    broken = Job("broken", "测试：不存在", DAILY_0600, "ltc.scheduler.jobs:no_such_function")
    outcome = run_job(session, broken, utcnow())
    assert outcome.status == RunStatus.FAILED and "AttributeError" in outcome.error


def test_a_held_lock_skips_the_run_and_records_skipped_locked(session):
    other = job_lock(session, COUNTER.id, holder="other-host:1", ttl=timedelta(hours=1))
    assert other.acquire(utcnow())
    try:
        outcome = run_job(session, COUNTER, utcnow())
    finally:
        other.release()
    assert outcome.status == RunStatus.SKIPPED_LOCKED
    assert [r.status for r in runs(session, COUNTER.id)] == ["skipped_locked"]
    assert job_attempts(session) == 0
    assert run_job(session, COUNTER, utcnow()).status == RunStatus.SUCCESS  # released: runs again


def test_an_expired_lock_row_is_taken_over_on_sqlite(session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("lock rows are the SQLite lock; PostgreSQL uses advisory locks")
    now = utcnow()
    session.add(SchedulerLock(name=COUNTER.id, holder="dead-host:99", acquired_at=now - timedelta(hours=3),
                              expires_at=now - timedelta(hours=1)))
    session.commit()
    assert run_job(session, COUNTER, now).status == RunStatus.SUCCESS
    assert session.get(SchedulerLock, COUNTER.id) is None


def test_a_running_row_left_by_a_dead_process_is_marked_failed_by_the_next_run(session):
    now = utcnow()
    session.add(JobRun(job_id=COUNTER.id, due_at=now - timedelta(days=1), started_at=now - timedelta(days=1),
                       status="running", host="dead-host", pid=99))
    session.commit()
    run_job(session, COUNTER, now)
    statuses = [(r.status, r.error) for r in runs(session, COUNTER.id)]
    assert statuses == [("failed", "interrupted: the process ended"), ("success", None)]


def test_skip_if_done_does_not_run_a_due_time_already_covered(session):
    due = most_recent_due(DAILY_0600, utcnow())
    assert run_job(session, COUNTER, due, skip_if_done=True).status == RunStatus.SUCCESS
    assert run_job(session, COUNTER, due, skip_if_done=True).status == ALREADY_DONE
    assert len(runs(session, COUNTER.id)) == 1 and job_attempts(session) == 1


def _history(session, job: Job, *entries: tuple[datetime, str]) -> None:
    for due, status in entries:
        session.add(JobRun(job_id=job.id, due_at=due, started_at=due, finished_at=due, status=status,
                           host="old-host", pid=1))
    session.commit()


def test_catch_up_after_downtime_runs_a_missed_job_exactly_once(session):
    now = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Shanghai
    due = most_recent_due(DAILY_0600, now)
    # last success two days ago; yesterday's run failed; the scheduler was down at 06:00 today
    _history(session, COUNTER, (due - timedelta(days=2), "success"), (due - timedelta(days=1), "failed"))
    first = catch_up(session, (COUNTER,), now=now)
    assert [(o.job_id, o.status, o.due_at) for o in first] == [(COUNTER.id, "success", due)]
    assert catch_up(session, (COUNTER,), now=now) == []  # a second start-up runs nothing
    assert catch_up(session, (COUNTER,), now=now + timedelta(hours=5)) == []
    assert [r.status for r in runs(session, COUNTER.id)] == ["success", "failed", "success"]
    assert job_attempts(session) == 1


def test_catch_up_runs_only_due_times_that_have_no_success(session):
    now = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)
    _history(session, COUNTER, (most_recent_due(DAILY_0600, now), "success"))
    _history(session, MONTHLY, (datetime(2025, 12, 31, 18, 0, tzinfo=timezone.utc), "success"),  # 1 Jan run
             (datetime(2026, 1, 31, 18, 0, tzinfo=timezone.utc), "success"))  # 1 Feb run
    outcomes = catch_up(session, (COUNTER, MONTHLY), now=now)
    assert [(o.job_id, o.due_at) for o in outcomes] == [(MONTHLY.id, datetime(2026, 2, 28, 18, 0,
                                                                                tzinfo=timezone.utc))]


def test_a_run_by_hand_after_the_due_time_counts_for_the_catch_up(session):
    now = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)
    run_job(session, COUNTER, now - timedelta(hours=1))  # by hand at 09:00, after the 06:00 due time
    assert catch_up(session, (COUNTER,), now=now) == []
    overview = {row.job.id: row for row in job_overview(session, (COUNTER, MONTHLY), now)}
    assert overview[COUNTER.id].caught_up and not overview[MONTHLY.id].caught_up
    assert overview[COUNTER.id].next_due == datetime(2026, 3, 16, 22, 0, tzinfo=timezone.utc)


def test_purge_login_attempts_deletes_only_attempts_older_than_30_days(session):
    now = utcnow()
    for age in (timedelta(days=31), timedelta(days=30, seconds=1), timedelta(days=29), timedelta(0)):
        session.add(LoginAttempt(username="someone", ip="10.0.0.1", at=now - age, success=False))
    session.commit()
    outcome = run_job(session, get_job("purge_login_attempts"), now)
    assert outcome.counts == {"deleted": 2, "idempotency_keys": 0}
    left = session.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.username == "someone"))
    assert left == 2


def test_calendar_check_logs_a_warning_line_when_next_years_calendar_is_missing(session, caplog):
    from ltc.scheduler.jobs import calendar_check

    november = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)  # from November next year matters
    with caplog.at_level(logging.WARNING, logger="ltc.scheduler.jobs"):
        counts = calendar_check(session, now=november, due_at=november)
    assert counts == {"warnings": 1}
    assert any("2027" in r.getMessage() and r.name == "ltc.scheduler.jobs" for r in caplog.records)
    caplog.clear()
    march = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)  # 2026 is in the official calendar
    with caplog.at_level(logging.WARNING, logger="ltc.scheduler.jobs"):
        assert calendar_check(session, now=march, due_at=march) == {"warnings": 0}
    assert not [r for r in caplog.records if r.name == "ltc.scheduler.jobs"]



def test_calendar_check_keeps_warning_until_next_year_is_marked_loaded(session, caplog):
    from ltc.core.audit import SYSTEM
    from ltc.core.calendar import mark_year_loaded, set_override
    from ltc.scheduler.jobs import calendar_check

    december = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
    set_override(session, day=date(2027, 1, 1), is_workday=False, note="元旦", actor=SYSTEM, now=december)
    assert calendar_check(session, now=december, due_at=december) == {"warnings": 1}
    mark_year_loaded(session, 2027, loaded=True, actor=SYSTEM, now=december)
    assert calendar_check(session, now=december, due_at=december) == {"warnings": 0}
