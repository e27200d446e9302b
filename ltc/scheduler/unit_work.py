"""One unit of a per-unit run (SPEC §9) in its own transaction, and the run's progress counts.

Shared by the one-by-one loop (``ltc.scheduler.units``) and the worker processes
(``ltc.scheduler.parallel``); it imports neither.
"""
import logging
import traceback
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ltc.core.clock import utcnow
from ltc.scheduler.models import JobRun, JobRunUnit, UnitStatus

log = logging.getLogger(__name__)
UNIT_ERROR_MAX = 4000


@dataclass
class Progress:
    run_id: int
    done: int
    failed: int
    counts: dict

    @classmethod
    def of(cls, session: Session, run_id: int) -> "Progress":
        by_status = dict(session.execute(select(JobRunUnit.status, func.count()).where(
            JobRunUnit.run_id == run_id).group_by(JobRunUnit.status)).all())
        counts = session.scalar(select(JobRun.counts).where(JobRun.id == run_id)) or {}
        return cls(run_id, by_status.get(UnitStatus.DONE, 0), by_status.get(UnitStatus.FAILED, 0), dict(counts))

    def record(self, session: Session) -> None:
        session.execute(update(JobRun).where(JobRun.id == self.run_id).values(
            units_done=self.done, units_failed=self.failed, counts=dict(self.counts)))


def run_unit(session: Session, work: Callable, progress: Progress, unit_id: int, key: str, status: str,
              local_due: datetime) -> None:
    """One unit in its own transaction: its work, its outcome and the run's progress commit together."""
    this_unit = update(JobRunUnit).where(JobRunUnit.id == unit_id)
    was_failed = status == UnitStatus.FAILED
    try:
        session.execute(this_unit.values(attempts=JobRunUnit.attempts + 1))  # a write first
        counts = work(session, key, now=utcnow(), due_at=local_due) or {}
        session.execute(this_unit.values(status=UnitStatus.DONE, error=None, finished_at=utcnow()))
        for name, value in counts.items():
            progress.counts[name] = progress.counts.get(name, 0) + value
        progress.done += 1
        progress.failed -= was_failed
        progress.record(session)
        session.commit()
    except Exception as exc:
        session.rollback()
        log.exception("job unit %s failed (run %s)", key, progress.run_id)
        progress.failed += not was_failed
        session.execute(this_unit.values(status=UnitStatus.FAILED, attempts=JobRunUnit.attempts + 1,
                                         error=error_text(exc), finished_at=utcnow()))
        progress.record(session)
        session.commit()
    except BaseException:
        session.rollback()  # the process is ending: this unit stays pending for the resume
        raise


def error_text(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc)).strip()
    return text if len(text) <= UNIT_ERROR_MAX else "…" + text[-UNIT_ERROR_MAX:]
