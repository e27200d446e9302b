"""What the command line's settlement runs need (SPEC §9: every run recorded): the due time of the monthly
run that settles a month, the revision source of a run started on the command line, and the recorded run of
one provider-month (the on-demand job ``settlement_generation_provider`` with its one unit listed)."""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timezone

from sqlalchemy.orm import Session

from ltc.billing.kinds import PROVIDER_JOB, RevisionSource
from ltc.core.clock import LOCAL_TZ
from ltc.core.months import first_of_month, first_of_next_month

#: the source a generation records on its revision: the schedule, or the command line around its run
_SOURCE: ContextVar[RevisionSource] = ContextVar("settlement_generation_source", default=RevisionSource.SCHEDULE)


@contextmanager
def from_command() -> Iterator[None]:
    """Around a run started on the command line: its revisions say so."""
    token = _SOURCE.set(RevisionSource.COMMAND)
    try:
        yield
    finally:
        _SOURCE.reset(token)


def generation_source() -> RevisionSource:
    return _SOURCE.get()


def month_due_at(month: date, hour: int, minute: int) -> datetime:
    """The due time (UTC) of the monthly run that settles ``month``: day 1 of the next month at the job's time."""
    day = first_of_next_month(first_of_month(month))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def record_provider_run(session: Session, provider_id: int, *, due_at: datetime, now: datetime) -> int:
    """Record a queued run of ``settlement_generation_provider`` for a month's due time with its one unit
    (the provider) listed, for the command to run at once (or the scheduler, should the command die first)."""
    from ltc.scheduler.models import JobRun, JobRunUnit, RunStatus, UnitStatus

    run = JobRun(job_id=PROVIDER_JOB, due_at=due_at, queued_at=now, status=RunStatus.QUEUED, units_total=1,
                 units_done=0, units_failed=0, counts={})
    session.add(run)
    session.flush()
    session.add(JobRunUnit(run_id=run.id, unit_key=str(provider_id), status=UnitStatus.PENDING, attempts=0))
    session.flush()
    return run.id
