"""Due times of a schedule (pure) and the start-up catch-up (SPEC §9).

APScheduler alone forgets a run that fell due while the scheduler was down, so at start-up
the scheduler runs every missed due time that has no successful run: for a monthly job each
of its last ``CATCH_UP_MONTHS`` due times, for a daily job the most recent only; oldest first.
A success covers a due time when it ran for that due time or later, before the next one (a
run by hand on day 10 covers the day-1 run of that month, not the month before).
"""
import logging
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

from apscheduler.triggers.cron import CronTrigger

from ltc.core.clock import LOCAL_TZ, utcnow
from ltc.core.months import add_months, days_in_month, first_of_month
from ltc.scheduler.registry import JOBS, Job, Schedule
from ltc.scheduler.runner import RunOutcome, Target, has_success_between, run_job, session_scope

log = logging.getLogger(__name__)

TIMEZONE = "Asia/Shanghai"
CATCH_UP_MONTHS = 3


def trigger_for(schedule: Schedule) -> CronTrigger:
    if schedule.every_minutes:
        return CronTrigger(minute=f"*/{schedule.every_minutes}", second=0, timezone=TIMEZONE)
    return CronTrigger(day=schedule.day, hour=schedule.hour, minute=schedule.minute, second=0,
                       timezone=TIMEZONE)


def _local(day: date, schedule: Schedule) -> datetime:
    # Asia/Shanghai has had no DST since 1991: local wall-clock times are unambiguous
    return datetime.combine(day, time(schedule.hour, schedule.minute), LOCAL_TZ)


def most_recent_due(schedule: Schedule, now: datetime) -> datetime:
    """The latest due time at or before ``now`` (UTC). A day-31 schedule skips shorter months."""
    if schedule.every_minutes:  # minutes on the clock: Asia/Shanghai is a whole number of hours from UTC
        return now.astimezone(timezone.utc).replace(second=0, microsecond=0,
                                                    minute=now.minute - now.minute % schedule.every_minutes)
    today = now.astimezone(LOCAL_TZ).date()
    if schedule.day is None:
        due = _local(today, schedule)
        if due > now:
            due = _local(today - timedelta(days=1), schedule)
        return due.astimezone(timezone.utc)
    month = first_of_month(today)
    while True:
        if schedule.day <= days_in_month(month):
            due = _local(month.replace(day=schedule.day), schedule)
            if due <= now:
                return due.astimezone(timezone.utc)
        month = add_months(month, -1)


def next_due(schedule: Schedule, now: datetime) -> datetime:
    """The first due time at or after ``now`` (UTC), as APScheduler computes it."""
    return trigger_for(schedule).get_next_fire_time(None, now).astimezone(timezone.utc)


def due_after(schedule: Schedule, due: datetime) -> datetime:
    """The due time following ``due`` (UTC)."""
    return next_due(schedule, due + timedelta(seconds=1))


def catch_up_due_times(schedule: Schedule, now: datetime) -> list[datetime]:
    """The due times a start-up at ``now`` checks, oldest first: the most recent for a daily
    schedule, the last ``CATCH_UP_MONTHS`` for a monthly one."""
    dues = [most_recent_due(schedule, now)]
    if schedule.day is not None:
        while len(dues) < CATCH_UP_MONTHS:
            dues.append(most_recent_due(schedule, dues[-1] - timedelta(seconds=1)))
    return dues[::-1]


def pending_jobs(target: Target, jobs: tuple[Job, ...], now: datetime) -> list[tuple[Job, datetime]]:
    """Each (job, due time) to catch up: no successful run covers it. Oldest first; jobs due at
    the same time in registry order."""
    with session_scope(target) as session:
        due = [(job, at) for job in jobs for at in catch_up_due_times(job.schedule, now)]
        pending = [(job, at) for job, at in due
                   if not has_success_between(session, job.id, at, due_after(job.schedule, at))]
        session.commit()  # end the read transaction
    return sorted(pending, key=lambda pair: pair[1])


def run_due(target: Target, job: Job, *, now: datetime | None = None) -> RunOutcome:
    """Run ``job`` for its most recent due time unless a success covers it (the scheduled call)."""
    return run_job(target, job, most_recent_due(job.schedule, now or utcnow()), skip_if_done=True)


def catch_up(target: Target, jobs: tuple[Job, ...] = JOBS, *, now: datetime | None = None,
             report: Callable[[str], None] | None = None) -> list[RunOutcome]:
    """Run once every missed due time (``pending_jobs``), oldest first; returns the outcomes."""
    report = report or log.info
    now = now or utcnow()
    outcomes = []
    for job, due in pending_jobs(target, jobs, now):
        report(f"catch-up: {job.id} ({job.title}) missed {due.astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}")
        outcomes.append(run_job(target, job, due, skip_if_done=True, covered_until=due_after(job.schedule, due)))
    return outcomes
