"""Run one job: take its lock, record a JobRun, run it in its own transaction, record the outcome.

A whole-run job's work and its success record commit together; a failure rolls the work back
and records ``failed`` with the error text. A per-unit job (``ltc.scheduler.units``) commits
per unit and ends ``success`` or ``partial``; a run of the same due time that did not finish
is resumed (same row) instead of started again. A queued run ("run now", a retry) is claimed
and run by the scheduler process. A job failure never propagates: the scheduler keeps
running. On SQLite every transaction here begins with ``BEGIN IMMEDIATE`` (``ltc.core.db.writing``),
so a busy writer is waited for (busy timeout) instead of failing with "database is locked" when a
job's read turns into a write; the job threads of the scheduler process each enter it here.
"""
import logging
import os
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterator

from flask import Flask
from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

from ltc.core.clock import to_local, utcnow
from ltc.core.db import writing
from ltc.scheduler import holders
from ltc.scheduler.holders import HOST
from ltc.scheduler.locks import job_lock
from ltc.scheduler.models import JobRun, RunStatus
from ltc.scheduler.registry import Job
from ltc.scheduler.units import execute_units, resumable_run

log = logging.getLogger(__name__)

ALREADY_DONE = "already_done"  # an outcome, never stored: a success already covers the due time
ERROR_MAX = 8000
INTERRUPTED = "interrupted: the process ended"

Target = Flask | Session | scoped_session | Callable[[], Session]


@dataclass(frozen=True)
class RunOutcome:
    job_id: str
    due_at: datetime
    status: str
    run_id: int | None = None
    counts: dict | None = None
    error: str | None = None


@contextmanager
def session_scope(target: Target) -> Iterator[Session]:
    """A Session for ``target``: an app (own app context), a (scoped) Session used as is, or a factory."""
    if isinstance(target, Flask):
        from ltc.extensions import db

        with target.app_context():
            yield db.session()
    elif isinstance(target, Session):
        yield target
    elif isinstance(target, scoped_session):  # e.g. db.session in a request: the caller's, not closed
        yield target()
    else:
        session = target()
        try:
            yield session
        finally:
            session.close()


def has_success_since(session: Session, job_id: str, due_at: datetime) -> bool:
    """Whether a successful run covers ``due_at`` (a run by hand after the due time counts too)."""
    stmt = select(JobRun.id).where(JobRun.job_id == job_id, JobRun.status == RunStatus.SUCCESS,
                                   JobRun.due_at >= due_at).limit(1)
    return session.scalar(stmt) is not None


def has_success_between(session: Session, job_id: str, start: datetime, end: datetime) -> bool:
    """Whether a successful run covers a due time in ``[start, end)`` (one period of a monthly job)."""
    stmt = select(JobRun.id).where(JobRun.job_id == job_id, JobRun.status == RunStatus.SUCCESS,
                                   JobRun.due_at >= start, JobRun.due_at < end).limit(1)
    return session.scalar(stmt) is not None


def run_job(target: Target, job: Job, due_at: datetime, triggered_by: int | None = None, *,
            skip_if_done: bool = False, covered_until: datetime | None = None,
            queued_run_id: int | None = None, resume_run_id: int | None = None) -> RunOutcome:
    """Run ``job`` for ``due_at`` unless another process holds its lock (→ ``skipped_locked``).

    With ``skip_if_done`` (schedule and catch-up) nothing runs when a success already covers
    ``due_at`` (one due at or after it, before ``covered_until`` when given); that check is
    made under the lock, so two processes never both run it. With ``queued_run_id`` that
    queued row is claimed and run; a held lock leaves it queued for the next poll. With
    ``resume_run_id`` that ended run (interrupted: ``ltc.scheduler.recovery``) runs again in its
    own row, a per-unit one with its unfinished and failed units only.
    """
    with writing(), session_scope(target) as session:  # SQLite: each transaction takes the write lock at BEGIN
        lock = job_lock(session, job.id, holder=holders.new_holder(), ttl=job.lock_ttl)
        run_id = None
        if not lock.acquire(utcnow()):
            if queued_run_id is not None:
                log.info("job %s: lock held by another process; run %s stays queued", job.id, queued_run_id)
                return RunOutcome(job.id, due_at, RunStatus.SKIPPED_LOCKED, queued_run_id)
            return _record_skipped(session, job, due_at, triggered_by)
        try:
            if skip_if_done:
                done = (has_success_since(session, job.id, due_at) if covered_until is None
                        else has_success_between(session, job.id, due_at, covered_until))
                session.commit()  # end the read transaction before writing
                if done:
                    log.info("job %s: due %s already done", job.id, due_at.isoformat())
                    return RunOutcome(job.id, due_at, ALREADY_DONE)
            run_id = _start(session, job, due_at, triggered_by, queued_run_id, resume_run_id)
            if run_id is None:
                return RunOutcome(job.id, due_at, ALREADY_DONE, queued_run_id or resume_run_id)
            if job.units:
                return _execute_units(session, job, run_id, due_at)
            return _execute(session, job, run_id, due_at)
        finally:
            if run_id is not None:
                holders.stop_running(run_id)
            lock.release()


def _start(session: Session, job: Job, due_at: datetime, triggered_by: int | None,
           queued_run_id: int | None, resume_run_id: int | None = None) -> int | None:
    """Mark the run ``running`` (committed: the admin page shows it while the job runs).

    The run is the queued row, or the interrupted run to resume (None if another process took
    it already), else the unfinished per-unit run of this due time, else a new row.
    """
    now = utcnow()
    # holding the lock, any other ``running`` row of this job is left by a process that died
    session.execute(update(JobRun).where(JobRun.job_id == job.id, JobRun.status == RunStatus.RUNNING)
                    .values(status=RunStatus.FAILED, finished_at=now, error=INTERRUPTED))
    first_start = func.coalesce(JobRun.started_at, literal(now, JobRun.started_at.type))  # a resume keeps it
    running = dict(status=RunStatus.RUNNING, started_at=first_start, finished_at=None, host=HOST, pid=os.getpid())
    if queued_run_id is not None or resume_run_id is not None:
        run_id, was = ((queued_run_id, RunStatus.QUEUED) if queued_run_id is not None
                       else (resume_run_id, RunStatus.FAILED))
        claimed = session.execute(update(JobRun).where(JobRun.id == run_id, JobRun.status == was)
                                  .values(**running)).rowcount
        run_id = run_id if claimed else None
    else:
        run_id = resumable_run(session, job.id, due_at) if job.units else None
        if run_id is not None:
            session.execute(update(JobRun).where(JobRun.id == run_id).values(**running))
        else:
            run_id = session.scalar(insert(JobRun).values(
                job_id=job.id, due_at=due_at, started_at=now, status=RunStatus.RUNNING, host=HOST,
                pid=os.getpid(), triggered_by_id=triggered_by).returning(JobRun.id))
    if run_id is not None:
        holders.start_running(run_id)  # before the commit: a recovery in another thread must see it alive
    session.commit()
    if run_id is not None:
        log.info("job %s started (due %s, run %s)", job.id, due_at.isoformat(), run_id)
    return run_id


def _execute_units(session: Session, job: Job, run_id: int, due_at: datetime) -> RunOutcome:
    result = execute_units(session, job, run_id, due_at)
    session.execute(update(JobRun).where(JobRun.id == run_id).values(
        status=result.status, finished_at=utcnow(), error=result.error))
    session.commit()
    log.info("job %s ended %s (run %s): %s", job.id, result.status, run_id, result.counts)
    return RunOutcome(job.id, due_at, result.status, run_id, counts=result.counts, error=result.error)


def _execute(session: Session, job: Job, run_id: int, due_at: datetime) -> RunOutcome:
    this_run = update(JobRun).where(JobRun.id == run_id)
    now = utcnow()
    try:
        session.execute(this_run.values(started_at=now))  # a write first (see module docstring)
        counts = job.load()(session, now=now, due_at=to_local(due_at)) or {}
        session.execute(this_run.values(status=RunStatus.SUCCESS, finished_at=utcnow(), counts=counts))
        session.commit()
    except Exception as exc:
        session.rollback()
        log.exception("job %s failed (run %s)", job.id, run_id)
        error = _error_text(exc)
        session.execute(this_run.values(status=RunStatus.FAILED, finished_at=utcnow(), error=error))
        session.commit()
        return RunOutcome(job.id, due_at, RunStatus.FAILED, run_id, error=error)
    log.info("job %s succeeded (run %s): %s", job.id, run_id, counts)
    return RunOutcome(job.id, due_at, RunStatus.SUCCESS, run_id, counts=counts)


def _record_skipped(session: Session, job: Job, due_at: datetime, triggered_by: int | None) -> RunOutcome:
    """Best effort: the record is informational, and the database may be busy with the holder."""
    log.info("job %s: lock held by another process; skipped", job.id)
    now = utcnow()
    try:
        run_id = session.scalar(insert(JobRun).values(
            job_id=job.id, due_at=due_at, started_at=now, finished_at=now, status=RunStatus.SKIPPED_LOCKED,
            host=HOST, pid=os.getpid(), triggered_by_id=triggered_by).returning(JobRun.id))
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.exception("job %s: could not record the skipped run", job.id)
        run_id = None
    return RunOutcome(job.id, due_at, RunStatus.SKIPPED_LOCKED, run_id)


def _error_text(exc: Exception) -> str:
    text = "".join(traceback.format_exception(exc)).strip()
    return text if len(text) <= ERROR_MAX else "…" + text[-ERROR_MAX:]
