"""Runs left ``running`` by a process that died (``kill -9``, a power cut): marked failed, then resumed.

The scheduler process calls ``recover_interrupted`` at start-up (before the catch-up) and at
every poll of the queue, and ``flask jobs run`` before its run. A run is orphaned when its
process (host and pid on the run row) has ended (``holders.run_is_orphaned``); it is marked
``failed`` with the reason, and then resumed in the same row: a per-unit run does only its
unfinished and failed units (SPEC §9), a whole-run job (rolled back when its process died)
runs again. Its SQLite lock row is taken over as the dead holder's (``locks.RowLock``).
"""
import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ltc.core.clock import utcnow
from ltc.core.db import writing
from ltc.scheduler.holders import run_is_orphaned
from ltc.scheduler.models import JobRun, RunStatus
from ltc.scheduler.registry import Job
from ltc.scheduler.runner import RunOutcome, Target, run_job, session_scope

log = logging.getLogger(__name__)


def mark_orphaned_runs(session: Session, *, now: datetime) -> list[JobRun]:
    """Mark ``failed`` every running run whose process has ended; those runs."""
    running = session.scalars(select(JobRun).where(JobRun.status == RunStatus.RUNNING).order_by(JobRun.id))
    orphaned = [run for run in running if run_is_orphaned(run.id, run.host, run.pid)]
    for run in orphaned:
        reason = f"interrupted: process {run.pid} on {run.host} ended during the run"
        session.execute(update(JobRun).where(JobRun.id == run.id, JobRun.status == RunStatus.RUNNING)
                        .values(status=RunStatus.FAILED, finished_at=now, error=reason))
        log.warning("job %s: run %s %s; resuming it", run.job_id, run.id, reason)
    return orphaned


def recover_interrupted(target: Target, jobs: tuple[Job, ...]) -> list[RunOutcome]:
    """Mark the orphaned runs failed (committed), then resume each whose job is in ``jobs``."""
    with writing(), session_scope(target) as session:
        orphaned = [(r.id, r.job_id, r.due_at, r.triggered_by_id) for r in mark_orphaned_runs(session, now=utcnow())]
        session.commit()
    by_id = {job.id: job for job in jobs}
    return [run_job(target, by_id[job_id], due_at, asked_by, resume_run_id=run_id)
            for run_id, job_id, due_at, asked_by in orphaned if job_id in by_id]
