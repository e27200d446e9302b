"""`flask --app ltc scheduler` (the scheduler process) and `flask --app ltc jobs list|run|run-due`.

The scheduler is its own process (never started by ``create_app``): it runs the catch-up and
the runs queued from the admin page, then APScheduler's ``BlockingScheduler`` fires each
registry job at its due time and polls the queue every ``queue.POLL_SECONDS``. Times come
from the policy in force (``jobs`` section); the scheduler re-reads it every
``REFRESH_MINUTES`` minutes, so a newly effective version moves a job without a restart.
"""
import logging
import signal
import time
from datetime import datetime, timedelta

import click
from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from flask.cli import AppGroup

from ltc.core.clock import to_local, utcnow
from ltc.extensions import db
from ltc.scheduler.catchup import TIMEZONE, catch_up, run_due, trigger_for
from ltc.scheduler.queue import POLL_SECONDS, run_queued
from ltc.scheduler.recovery import recover_interrupted
from ltc.scheduler.registry import JOBS, ON_DEMAND_JOBS, Job, UnknownJob, get_job
from ltc.scheduler.runner import RunOutcome, Target, run_job, session_scope
from ltc.scheduler.services import job_overview, scheduled_jobs

log = logging.getLogger(__name__)

#: a run delayed by up to this long (busy executor, suspended host) still runs
MISFIRE_GRACE = timedelta(days=2)
#: how often the running scheduler re-reads the job times of the policy in force
REFRESH_MINUTES = 15
REFRESH_ID = "refresh_schedules"
QUEUE_ID = "run_queued"

jobs_cli = AppGroup("jobs", help="Scheduled jobs (定时任务).")


def scheduled_call(app: Flask, job: Job) -> None:
    """What APScheduler calls: never raises, so one broken job cannot stop the scheduler."""
    try:
        run_due(app, job)
    except Exception:
        log.exception("job %s: the runner itself failed", job.id)


def build_scheduler(app: Flask, jobs: tuple[Job, ...] = JOBS, *, now: datetime | None = None,
                    workers: int = 1) -> BlockingScheduler:
    """A BlockingScheduler (not started) with every job on its cron trigger.

    Each first run time is computed from ``now`` (taken before the catch-up), so a due time
    that passes while the catch-up runs still fires once the scheduler starts.
    """
    scheduler = BlockingScheduler(timezone=TIMEZONE, executors={"default": ThreadPoolExecutor(workers)})
    now = now or utcnow()
    for job in jobs:
        trigger = trigger_for(job.schedule)
        scheduler.add_job(scheduled_call, trigger, args=(app, job), id=job.id, name=job.title,
                          coalesce=True, max_instances=1, misfire_grace_time=int(MISFIRE_GRACE.total_seconds()),
                          next_run_time=trigger.get_next_fire_time(None, now))
    scheduler.add_listener(lambda event: log.warning("job %s missed its run at %s", event.job_id,
                                                     event.scheduled_run_time), EVENT_JOB_MISSED)
    scheduler.add_job(refresh_call, IntervalTrigger(minutes=REFRESH_MINUTES, timezone=TIMEZONE),
                      args=(app, scheduler, jobs), id=REFRESH_ID, name="re-read job times", coalesce=True,
                      max_instances=1)
    scheduler.add_job(queue_call, IntervalTrigger(seconds=POLL_SECONDS, timezone=TIMEZONE), args=(app, jobs),
                      id=QUEUE_ID, name="run queued runs", coalesce=True, max_instances=1)
    return scheduler


def queue_call(app: Flask, jobs: tuple[Job, ...]) -> None:
    """What APScheduler calls every POLL_SECONDS: resume the runs of dead processes, run the
    queued runs; never raises."""
    try:
        recover_interrupted(app, jobs + ON_DEMAND_JOBS)
        run_queued(app, jobs + ON_DEMAND_JOBS)
    except Exception:
        log.exception("could not run the queued runs; the next poll tries again")


def jobs_in_force(target: Target, now: datetime, jobs: tuple[Job, ...] = JOBS) -> tuple[Job, ...]:
    """``jobs`` at their times under the policy in force, read in a transaction that is then
    ended (on SQLite an open read would hold back the jobs' writers)."""
    with session_scope(target) as session:
        current = scheduled_jobs(session, now, jobs)
        session.commit()
    return current


def refresh_schedules(target: Target, scheduler: BaseScheduler, jobs: tuple[Job, ...] = JOBS, *,
                      now: datetime | None = None) -> list[str]:
    """Move every job whose time under the policy in force differs from its trigger's; their ids.

    ``jobs`` are the registry entries (default times); a job not on the scheduler is ignored.
    """
    moved = []
    for job in jobs_in_force(target, now or utcnow(), jobs):
        entry = scheduler.get_job(job.id)
        if entry is None or entry.args[1].schedule == job.schedule:
            continue
        scheduler.modify_job(job.id, args=(entry.args[0], job))
        scheduler.reschedule_job(job.id, trigger=trigger_for(job.schedule))
        log.warning("job %s now runs %s (policy in force)", job.id, job.schedule.describe())
        moved.append(job.id)
    return moved


def refresh_call(app: Flask, scheduler: BaseScheduler, jobs: tuple[Job, ...]) -> None:
    """What APScheduler calls: a failed re-read keeps the current times."""
    try:
        refresh_schedules(app, scheduler, jobs)
    except Exception:
        log.exception("could not re-read the job times; keeping the current ones")


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler process: catch up missed jobs, then run every job on its schedule."""
    app = current_app._get_current_object()
    now = utcnow()
    workers = 1 if db.engine.dialect.name == "sqlite" else 4  # SQLite: one writer at a time
    jobs = jobs_in_force(db.session, now)
    scheduler = build_scheduler(app, jobs, now=now, workers=workers)
    for outcome in recover_interrupted(app, jobs + ON_DEMAND_JOBS):
        click.echo("resumed " + describe(outcome))
    for outcome in catch_up(app, jobs, now=now, report=click.echo):
        click.echo(describe(outcome))
    for outcome in run_queued(app, jobs + ON_DEMAND_JOBS):
        click.echo(describe(outcome))
    stop_on_signals(scheduler)
    click.echo(f"scheduler running {len(jobs)} jobs (timezone {TIMEZONE}); Ctrl-C to stop")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        stop(scheduler)


def stop(scheduler: BaseScheduler) -> None:
    """Shut the scheduler down once: ``make run`` stopped with Ctrl-C sends SIGINT to the whole
    process group and then SIGTERM from its exit trap, and a second ``shutdown`` would raise
    SchedulerNotRunningError."""
    if scheduler.running:
        scheduler.shutdown(wait=False)


def stop_on_signals(scheduler: BaseScheduler) -> None:
    """SIGTERM and SIGINT (Ctrl-C) each stop the scheduler, however many of them arrive."""
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop(scheduler))


@jobs_cli.command("list")
def list_jobs() -> None:
    """Every registry job with its schedule, next due time and last run."""
    now = utcnow()
    rows = job_overview(db.session, scheduled_jobs(db.session, now), now)
    click.echo(f"{'job':<24} {'schedule':<14} {'next due':<17} last run")
    for row in rows:
        last = row.last_run
        at = last and (last.started_at or last.queued_at)
        last_text = f"{to_local(at):%Y-%m-%d %H:%M} {last.status}" if last else "never"
        click.echo(f"{row.job.id:<24} {row.job.schedule.describe():<12} "
                   f"{to_local(row.next_due):%Y-%m-%d %H:%M} {last_text}   {row.job.title}")


@jobs_cli.command("run")
@click.argument("job_id")
def run_command(job_id: str) -> None:
    """Run JOB_ID now and print the outcome (exit status 1 when it fails)."""
    job = _job(job_id)
    for outcome in recover_interrupted(current_app._get_current_object(), (job,)):
        click.echo("resumed " + describe(outcome))
    click.echo(f"running {job.id} ({job.title}) …")
    started = time.monotonic()
    outcome = run_job(current_app._get_current_object(), job, utcnow())
    click.echo(f"{describe(outcome)} in {time.monotonic() - started:.1f} s")
    if outcome.status in ("failed", "partial"):
        raise SystemExit(1)


@jobs_cli.command("run-due")
@click.argument("job_ids", nargs=-1)
def run_due_command(job_ids: tuple[str, ...]) -> None:
    """Run once each job (all, or JOB_IDS) whose most recent due time has no successful run."""
    jobs = jobs_in_force(db.session, utcnow(), tuple(_job(j) for j in job_ids) or JOBS)
    outcomes = catch_up(current_app._get_current_object(), jobs, report=click.echo)
    for outcome in outcomes:
        click.echo(describe(outcome))
    if not outcomes:
        click.echo("nothing due")
    if any(o.status in ("failed", "partial") for o in outcomes):
        raise SystemExit(1)


def _job(job_id: str) -> Job:
    try:
        return get_job(job_id)
    except UnknownJob:
        raise click.BadParameter(f"unknown job {job_id!r}; see `flask jobs list`") from None


def describe(outcome: RunOutcome) -> str:
    text = f"{outcome.job_id}: {outcome.status}"
    if outcome.run_id is not None:
        text += f" (run {outcome.run_id})"
    if outcome.counts:
        text += " " + ", ".join(f"{k}={v}" for k, v in outcome.counts.items())
    if outcome.error:
        text += "\n" + outcome.error
    return text


def register(app: Flask) -> None:
    app.cli.add_command(scheduler_command)
    app.cli.add_command(jobs_cli)
