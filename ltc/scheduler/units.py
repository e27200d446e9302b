"""Per-unit runs (SPEC §9): list a job's units once, then each unit in its own transaction.

The units of a run are listed on its first start and stored (``job_run_units``); the run
row counts them (total / done / failed) as it goes, so the admin page shows the progress.
A failing unit rolls back its own work only: it is recorded ``failed`` with its error and
the others go on; the run then ends ``partial``. Resuming a run (after a crash, a partial
end or a retry) does only its pending and failed units; a unit that failed
``MAX_UNIT_ATTEMPTS`` times is skipped until an admin retries it. A ``BaseException``
(KeyboardInterrupt, SystemExit: the process is ending) rolls back the unit in progress and
propagates, leaving the run ``running`` for the next start to resume.
"""
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.orm import Session

from ltc.core.clock import to_local
from ltc.scheduler.models import JobRun, JobRunUnit, RunStatus, UnitStatus
from ltc.scheduler.registry import Job
from ltc.scheduler.unit_work import Progress as _Progress
from ltc.scheduler.unit_work import error_text as _error_text
from ltc.scheduler.unit_work import run_unit as _run_unit

log = logging.getLogger(__name__)

MAX_UNIT_ATTEMPTS = 3


@dataclass(frozen=True)
class UnitsResult:
    status: str
    counts: dict
    error: str | None = None


def resumable_run(session: Session, job_id: str, due_at: datetime) -> int | None:
    """The latest per-unit run of ``job_id`` for ``due_at`` that did not finish every unit."""
    return session.scalar(select(JobRun.id).where(
        JobRun.job_id == job_id, JobRun.due_at == due_at, JobRun.units_total.is_not(None),
        JobRun.status.in_((RunStatus.FAILED, RunStatus.PARTIAL))).order_by(JobRun.id.desc()).limit(1))


def blocked():
    """The condition of a unit skipped until someone retries it: it failed MAX_UNIT_ATTEMPTS times."""
    return and_(JobRunUnit.status == UnitStatus.FAILED, JobRunUnit.attempts >= MAX_UNIT_ATTEMPTS)


def execute_units(session: Session, job: Job, run_id: int, due_at: datetime) -> UnitsResult:
    """Run the units of ``run_id`` that are still to do (listing them on the first start)."""
    this_run = update(JobRun).where(JobRun.id == run_id)
    local_due = to_local(due_at)
    try:
        session.execute(this_run.values(error=None))  # a write first (see the runner's docstring)
        if session.scalar(select(JobRun.units_total).where(JobRun.id == run_id)) is None:
            _list_units(session, job, run_id, local_due)
        work = job.load()
        session.commit()
    except Exception as exc:
        session.rollback()
        log.exception("job %s: could not list its units (run %s)", job.id, run_id)
        return UnitsResult(RunStatus.FAILED, {}, _error_text(exc))
    todo = _units_to_do(session, run_id)
    session.commit()  # end the read transaction
    from ltc.scheduler import parallel  # it builds on this module's unit loop

    if parallel.usable(session, job, todo):
        todo = parallel.run_in_workers(session, job, run_id, todo, local_due)
    progress = _Progress.of(session, run_id)
    session.commit()
    for unit_id, key, status in todo:
        _run_unit(session, work, progress, unit_id, key, status, local_due)
    return _finish(session, run_id, progress)


def _list_units(session: Session, job: Job, run_id: int, local_due: datetime) -> None:
    extra = {"run_id": run_id} if job.units_of_run else {}
    keys = [str(key) for key in job.load_units()(session, due_at=local_due, **extra)]
    if keys:
        session.execute(insert(JobRunUnit), [{"run_id": run_id, "unit_key": key, "status": UnitStatus.PENDING,
                                              "attempts": 0} for key in keys])
    session.execute(update(JobRun).where(JobRun.id == run_id).values(
        units_total=len(keys), units_done=0, units_failed=0, counts={}))
    log.info("job %s: %d units (run %s)", job.id, len(keys), run_id)


def _units_to_do(session: Session, run_id: int) -> list[tuple[int, str, str]]:
    """Pending units and failed ones not yet blocked, in listing order."""
    stmt = (select(JobRunUnit.id, JobRunUnit.unit_key, JobRunUnit.status)
            .where(JobRunUnit.run_id == run_id,
                   or_(JobRunUnit.status == UnitStatus.PENDING,
                       and_(JobRunUnit.status == UnitStatus.FAILED, JobRunUnit.attempts < MAX_UNIT_ATTEMPTS)))
            .order_by(JobRunUnit.id))
    return [tuple(row) for row in session.execute(stmt)]


def _finish(session: Session, run_id: int, progress: _Progress) -> UnitsResult:
    if not progress.failed:
        return UnitsResult(RunStatus.SUCCESS, progress.counts)
    keys = session.scalars(select(JobRunUnit.unit_key).where(
        JobRunUnit.run_id == run_id, JobRunUnit.status == UnitStatus.FAILED).order_by(JobRunUnit.id).limit(20))
    session.commit()
    shown = ", ".join(keys)
    more = "" if progress.failed <= 20 else f" and {progress.failed - 20} more"
    return UnitsResult(RunStatus.PARTIAL, progress.counts, f"{progress.failed} units failed: {shown}{more}")
