"""Read side of the scheduler: each job's time under the policy, what ran, what is due, the history."""
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ltc.core.clock import local_today
from ltc.core.pagination import Page, paginate
from ltc.policy.services import NoPolicyInForce, policy_on
from ltc.scheduler.catchup import most_recent_due, next_due
from ltc.scheduler.models import JobRun, JobRunUnit, RunStatus
from ltc.scheduler.policy import JobsPolicy
from ltc.scheduler.registry import JOBS, Job
from ltc.scheduler.units import blocked

log = logging.getLogger(__name__)


def scheduled_jobs(session: Session, now: datetime, jobs: tuple[Job, ...] = JOBS) -> tuple[Job, ...]:
    """``jobs`` with the times of the ``jobs`` section of the policy in force today (SPEC §9).

    A job the section does not name keeps its registry default; so does every job when no
    policy version is in force (an empty database), so the scheduler still starts.
    """
    try:
        schedules = policy_on(session, local_today(now)).section(JobsPolicy).schedules()
    except NoPolicyInForce:
        log.warning("no policy version in force on %s: jobs run at their default times", local_today(now))
        return jobs
    return tuple(replace(job, schedule=schedules[job.id]) if job.id in schedules else job for job in jobs)


def latest_runs(session: Session, job_ids: list[str], *, status: str | None = None) -> dict[str, JobRun]:
    """The most recent run of each job (optionally only runs with ``status``)."""
    latest = select(func.max(JobRun.id)).where(JobRun.job_id.in_(job_ids)).group_by(JobRun.job_id)
    if status is not None:
        latest = latest.where(JobRun.status == status)
    runs = session.scalars(select(JobRun).where(JobRun.id.in_(latest)))
    return {run.job_id: run for run in runs}


@dataclass(frozen=True)
class JobOverview:
    job: Job
    last_due: datetime
    next_due: datetime
    last_run: JobRun | None
    last_success: JobRun | None
    caught_up: bool  # a successful run covers the most recent due time


def job_overview(session: Session, jobs: tuple[Job, ...], now: datetime) -> list[JobOverview]:
    ids = [job.id for job in jobs]
    last = latest_runs(session, ids)
    success = latest_runs(session, ids, status=RunStatus.SUCCESS)
    rows = []
    for job in jobs:
        due = most_recent_due(job.schedule, now)
        ok = success.get(job.id)
        rows.append(JobOverview(job=job, last_due=due, next_due=next_due(job.schedule, now),
                                last_run=last.get(job.id), last_success=ok,
                                caught_up=ok is not None and ok.due_at >= due))
    return rows


def run_history(session: Session, *, page: int, per_page: int, job_id: str | None = None) -> Page:
    stmt = select(JobRun).options(selectinload(JobRun.triggered_by)).order_by(JobRun.id.desc())
    if job_id:
        stmt = stmt.where(JobRun.job_id == job_id)
    return paginate(session, stmt, page=page, per_page=per_page)


def blocked_units(session: Session, *, limit: int = 100) -> list[JobRunUnit]:
    """Units that failed too often and are skipped until an admin retries them, latest first."""
    stmt = (select(JobRunUnit).where(blocked()).options(selectinload(JobRunUnit.run))
            .order_by(JobRunUnit.finished_at.desc(), JobRunUnit.id.desc()).limit(limit))
    return list(session.scalars(stmt))
