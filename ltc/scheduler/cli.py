"""`flask --app ltc scheduler` (the scheduler process) and `flask --app ltc jobs list|run|run-due`.

The scheduler is its own process (never started by ``create_app``): it runs the catch-up,
then APScheduler's ``BlockingScheduler`` fires each registry job at its due time.
"""
import logging
import signal
import time
from datetime import datetime, timedelta

import click
from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import AppGroup

from ltc.core.clock import to_local, utcnow
from ltc.extensions import db
from ltc.scheduler.catchup import TIMEZONE, catch_up, run_due, trigger_for
from ltc.scheduler.registry import JOBS, Job, UnknownJob, get_job
from ltc.scheduler.runner import RunOutcome, run_job
from ltc.scheduler.services import job_overview

log = logging.getLogger(__name__)

#: a run delayed by up to this long (busy executor, suspended host) still runs
MISFIRE_GRACE = timedelta(days=2)

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
    return scheduler


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler process: catch up missed jobs, then run every job on its schedule."""
    app = current_app._get_current_object()
    now = utcnow()
    workers = 1 if db.engine.dialect.name == "sqlite" else 4  # SQLite: one writer at a time
    scheduler = build_scheduler(app, JOBS, now=now, workers=workers)
    for outcome in catch_up(app, JOBS, now=now, report=click.echo):
        click.echo(describe(outcome))
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    click.echo(f"scheduler running {len(JOBS)} jobs (timezone {TIMEZONE}); Ctrl-C to stop")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)


@jobs_cli.command("list")
def list_jobs() -> None:
    """Every registry job with its schedule, next due time and last run."""
    rows = job_overview(db.session, JOBS, utcnow())
    click.echo(f"{'job':<24} {'schedule':<14} {'next due':<17} last run")
    for row in rows:
        last = row.last_run
        last_text = f"{to_local(last.started_at):%Y-%m-%d %H:%M} {last.status}" if last else "never"
        click.echo(f"{row.job.id:<24} {row.job.schedule.describe():<12} "
                   f"{to_local(row.next_due):%Y-%m-%d %H:%M} {last_text}   {row.job.title}")


@jobs_cli.command("run")
@click.argument("job_id")
def run_command(job_id: str) -> None:
    """Run JOB_ID now and print the outcome (exit status 1 when it fails)."""
    job = _job(job_id)
    click.echo(f"running {job.id} ({job.title}) …")
    started = time.monotonic()
    outcome = run_job(current_app._get_current_object(), job, utcnow())
    click.echo(f"{describe(outcome)} in {time.monotonic() - started:.1f} s")
    if outcome.status == "failed":
        raise SystemExit(1)


@jobs_cli.command("run-due")
@click.argument("job_ids", nargs=-1)
def run_due_command(job_ids: tuple[str, ...]) -> None:
    """Run once each job (all, or JOB_IDS) whose most recent due time has no successful run."""
    jobs = tuple(_job(j) for j in job_ids) or JOBS
    outcomes = catch_up(current_app._get_current_object(), jobs, report=click.echo)
    for outcome in outcomes:
        click.echo(describe(outcome))
    if not outcomes:
        click.echo("nothing due")
    if any(o.status == "failed" for o in outcomes):
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
