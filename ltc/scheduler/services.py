"""Read side of the job-run table: what ran, what is due, the history page."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ltc.core.pagination import Page, paginate
from ltc.scheduler.catchup import most_recent_due, next_due
from ltc.scheduler.models import JobRun, RunStatus
from ltc.scheduler.registry import Job


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
