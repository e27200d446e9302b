"""Due times of a schedule (pure) and the start-up catch-up (SPEC §9).

APScheduler alone forgets a run that fell due while the scheduler was down, so at start-up
every job whose most recent due time has no successful run is run once.
"""
import calendar
import logging
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

from apscheduler.triggers.cron import CronTrigger

from ltc.core.clock import LOCAL_TZ, utcnow
from ltc.scheduler.registry import JOBS, Job, Schedule
from ltc.scheduler.runner import RunOutcome, Target, has_success_since, run_job, session_scope

log = logging.getLogger(__name__)

TIMEZONE = "Asia/Shanghai"


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
    year, month = today.year, today.month
    while True:
        if schedule.day <= calendar.monthrange(year, month)[1]:
            due = _local(date(year, month, schedule.day), schedule)
            if due <= now:
                return due.astimezone(timezone.utc)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)


def next_due(schedule: Schedule, now: datetime) -> datetime:
    """The first due time at or after ``now`` (UTC), as APScheduler computes it."""
    return trigger_for(schedule).get_next_fire_time(None, now).astimezone(timezone.utc)


def pending_jobs(target: Target, jobs: tuple[Job, ...], now: datetime) -> list[tuple[Job, datetime]]:
    """Each job whose most recent due time has no successful run, with that due time."""
    with session_scope(target) as session:
        due = [(job, most_recent_due(job.schedule, now)) for job in jobs]
        pending = [(job, at) for job, at in due if not has_success_since(session, job.id, at)]
        session.commit()  # end the read transaction
    return pending


def run_due(target: Target, job: Job, *, now: datetime | None = None) -> RunOutcome:
    """Run ``job`` for its most recent due time unless a success covers it (the scheduled call)."""
    return run_job(target, job, most_recent_due(job.schedule, now or utcnow()), skip_if_done=True)


def catch_up(target: Target, jobs: tuple[Job, ...] = JOBS, *, now: datetime | None = None,
             report: Callable[[str], None] | None = None) -> list[RunOutcome]:
    """Run once every job that missed its most recent due time; returns the outcomes."""
    report = report or log.info
    now = now or utcnow()
    outcomes = []
    for job, due in pending_jobs(target, jobs, now):
        report(f"catch-up: {job.id} ({job.title}) missed {due.astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}")
        outcomes.append(run_job(target, job, due, skip_if_done=True))
    return outcomes
