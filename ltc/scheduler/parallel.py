"""Per-unit runs in several worker processes, for jobs that declare ``workers`` > 1 (PostgreSQL only).

The run is the same per-unit run as ``ltc.scheduler.units``: the units listed once and stored,
each unit in its own transaction with its outcome and the run's progress, a failing unit
recorded ``failed`` while the others go on, an interrupted run resumed with the rest. Only who
runs a unit changes: processes forked from the one holding the job's lock (``ltc.scheduler.locks``),
each with its own database connections, take the next unit of the run's to-do list in turn; the
lock holder waits for them before it ends the run and releases the lock, so two scheduler
processes still never run the same job. Each unit adds its counts to the run's row under a row
lock (``SELECT … FOR NO KEY UPDATE``), so the workers never overwrite each other's progress.

A worker is killed when the process that forked it ends (``ltc.scheduler.orphans``; elsewhere than
on Linux it stops before its next unit). A unit an
orphaned worker is still running when another process resumes the run is not run twice at
once: a unit's transaction first updates the unit's row, so the resumer's waits for the orphan's
to end (the job is idempotent: it then finds that unit's work done). The units a worker did not
finish are still pending when the workers are done, and the lock holder runs them itself.
SQLite (one writer at a time) and a run with fewer than two units to do keep the plain
one-by-one loop.
"""
import logging
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from ltc.scheduler.models import JobRun, JobRunUnit, UnitStatus
from ltc.scheduler.orphans import die_with_parent
from ltc.scheduler.registry import Job
from ltc.scheduler.unit_work import Progress as _Progress
from ltc.scheduler.unit_work import run_unit as _run_unit

log = logging.getLogger(__name__)

#: a worker that never started (or hangs) is waited for this long after the last unit was taken
JOIN_TIMEOUT_S = 600


def usable(session: Session, job: Job, todo: list) -> bool:
    """Whether this run's units go to worker processes."""
    bind = session.get_bind()   # a session on one connection (a test's transaction) cannot be shared
    return job.workers > 1 and len(todo) > 1 and isinstance(bind, Engine) and bind.dialect.name == "postgresql"


@dataclass
class SharedProgress(_Progress):
    """A worker's progress: what it adds to the run's row, added under a row lock (the other
    workers add theirs too), instead of the whole run's figures written over."""

    written: tuple = field(default=(0, 0, {}))

    def record(self, session: Session) -> None:
        done, failed, counts = self.written
        # FOR NO KEY UPDATE: the key-share locks the unit rows' foreign key takes do not block it
        row = session.execute(select(JobRun.units_done, JobRun.units_failed, JobRun.counts)
                              .where(JobRun.id == self.run_id).with_for_update(key_share=True)).one()
        totals = dict(row.counts or {})
        for name, value in self.counts.items():
            totals[name] = totals.get(name, 0) + value - counts.get(name, 0)
        session.execute(update(JobRun).where(JobRun.id == self.run_id).values(
            units_done=(row.units_done or 0) + self.done - done,
            units_failed=(row.units_failed or 0) + self.failed - failed, counts=totals))
        self.written = (self.done, self.failed, dict(self.counts))


def run_in_workers(session: Session, job: Job, run_id: int, todo: list[tuple[int, str, str]],
                   local_due: datetime) -> list[tuple[int, str, str]]:
    """Run ``todo`` (unit id, key, status) in ``job.workers`` forked processes; returns the units
    still pending afterwards (a worker died or stopped), for the caller to run itself."""
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)
    engine, parent = session.get_bind(), os.getpid()
    workers = [context.Process(target=_worker, args=(engine, job, run_id, todo, taken, local_due, parent),
                               name=f"{job.id}-worker-{n}", daemon=True) for n in range(min(job.workers, len(todo)))]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(JOIN_TIMEOUT_S)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
                worker.join()
    ended_badly = [w.name for w in workers if w.exitcode != 0]
    if ended_badly:
        log.warning("job %s: workers %s ended with an error (run %s)", job.id, ", ".join(ended_badly), run_id)
    ids = [unit_id for unit_id, _key, _status in todo]
    pending = set(session.scalars(select(JobRunUnit.id).where(JobRunUnit.run_id == run_id,
                                                              JobRunUnit.status == UnitStatus.PENDING)))
    session.commit()
    return [unit for unit, unit_id in zip(todo, ids, strict=True) if unit_id in pending]


def _worker(engine, job: Job, run_id: int, todo: list, taken, local_due: datetime, parent: int) -> None:
    """In a forked process: own connections (the parent's stay untouched), then the next unit in turn."""
    die_with_parent(parent)
    engine.dispose(close=False)
    session = Session(bind=engine)
    work: Callable = job.load()
    progress = SharedProgress(run_id, 0, 0, {})
    try:
        while os.getppid() == parent:
            with taken.get_lock():
                index = taken.value
                taken.value += 1
            if index >= len(todo):
                break
            unit_id, key, status = todo[index]
            _run_unit(session, work, progress, unit_id, key, status, local_due)
    finally:
        session.close()
        engine.dispose()
