"""Runs asked for from the admin page (SPEC §9): queued here, run by the scheduler process.

"Run now" never runs a job inside a web request: ``queue_run`` records a ``queued`` run
(who asked, when) and the scheduler process polls the queue (``run_queued``) every
``POLL_SECONDS`` and at start-up. ``retry_unit`` lets a unit that failed too often run again
and queues its run, which then resumes with its unfinished and failed units.
"""
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.errors import Conflict, NotFound
from ltc.scheduler.models import JobRun, JobRunUnit, RunStatus, UnitStatus
from ltc.scheduler.registry import JOBS, Job, UnknownJob, get_job
from ltc.scheduler.runner import RunOutcome, Target, run_job, session_scope

log = logging.getLogger(__name__)

POLL_SECONDS = 15


def queue_run(session: Session, job_id: str, *, actor: audit.Actor, now: datetime,
              jobs: tuple[Job, ...] = JOBS) -> JobRun:
    """Queue a run of ``job_id`` for now, asked by ``actor``; a run already queued is returned
    as is (a second click adds nothing). Raises NotFound for a job not in ``jobs``."""
    try:
        job = get_job(job_id, jobs)
    except UnknownJob:
        raise NotFound("没有这个定时任务") from None
    waiting = session.scalar(select(JobRun).where(JobRun.job_id == job.id, JobRun.status == RunStatus.QUEUED,
                                                  JobRun.units_total.is_(None)).order_by(JobRun.id).limit(1))
    if waiting is not None:
        return waiting
    return queue_new_run(session, job, actor=actor, now=now)


def queue_new_run(session: Session, job: Job, *, actor: audit.Actor, now: datetime) -> JobRun:
    """Queue a run of ``job`` (even if one is queued already: an on-demand job's runs each
    carry their own work)."""
    run = JobRun(job_id=job.id, due_at=now, queued_at=now, started_at=None, status=RunStatus.QUEUED,
                 triggered_by_id=actor.user_id)
    session.add(run)
    session.flush()
    audit.record(session, actor, "run", "job", job.id, after={"run_id": run.id, "status": run.status}, now=now)
    return run


def retry_unit(session: Session, unit_id: int, *, actor: audit.Actor, now: datetime) -> JobRunUnit:
    """Let a failed unit run again (its attempts start over) and queue its run, which resumes
    with its unfinished and failed units. Raises NotFound, Conflict (the unit did not fail, or
    its run is running or already queued: retry once it has ended)."""
    unit = session.get(JobRunUnit, unit_id)
    if unit is None:
        raise NotFound("没有这个任务单元")
    if unit.status != UnitStatus.FAILED:
        raise Conflict("该单元没有失败，无需重试")
    run = unit.run
    if run.status in (RunStatus.RUNNING, RunStatus.QUEUED):
        raise Conflict("该任务正在运行或已在队列中，请结束后再重试")
    before = {"status": unit.status, "attempts": unit.attempts, "run_status": run.status}
    unit.attempts = 0
    run.status, run.queued_at, run.triggered_by_id, run.finished_at = RunStatus.QUEUED, now, actor.user_id, None
    session.flush()
    audit.record(session, actor, "retry", "job_run_unit", unit.id, before=before,
                 after={"status": unit.status, "attempts": 0, "run_status": run.status},
                 detail=f"{run.job_id} run {run.id} unit {unit.unit_key}", now=now)
    return unit


def queued_runs(session: Session) -> list[tuple[int, str, datetime, int | None]]:
    """(run id, job id, due time, who asked) of every queued run, oldest first."""
    stmt = (select(JobRun.id, JobRun.job_id, JobRun.due_at, JobRun.triggered_by_id)
            .where(JobRun.status == RunStatus.QUEUED).order_by(JobRun.id))
    return [tuple(row) for row in session.execute(stmt)]


def run_queued(target: Target, jobs: tuple[Job, ...] = JOBS) -> list[RunOutcome]:
    """Run every queued run of ``jobs`` (the scheduler's poll); a run whose job is busy in
    another process stays queued. A queued run of a job not in ``jobs`` is left alone."""
    with session_scope(target) as session:
        waiting = queued_runs(session)
        session.commit()  # end the read transaction
    by_id = {job.id: job for job in jobs}
    outcomes = []
    for run_id, job_id, due_at, asked_by in waiting:
        job = by_id.get(job_id)
        if job is None:
            log.warning("queued run %s: job %s is not in the registry; left queued", run_id, job_id)
            continue
        outcomes.append(run_job(target, job, due_at, asked_by, queued_run_id=run_id))
    return outcomes
