"""The monthly reports: created pending for a month (by the day-3 job or "run now", which queues the job),
their values stored, their PDF stored once rendered; listed and opened by the MIA. Functions flush, never
commit; "run now" never renders in the request."""
import hashlib
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from ltc.core import audit
from ltc.core.audit import SYSTEM, Actor
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from ltc.core.months import add_months, first_of_month
from ltc.policy.models import PolicyVersion
from ltc.scheduler.models import JobRun, RunStatus
from ltc.scheduler.queue import queue_run
from ltc.supervision.report.models import ReportStatus, SupervisionReport

ENTITY = "supervision_report"
JOB_ID = "supervision_report"


class ReportCorrupted(DomainError):
    """The stored PDF no longer matches its SHA-256: refuse to serve it."""

    status = 500


def report_number(month: date) -> str:
    """``JGYB-2026-11``: 监管月报, the report month (one report per month)."""
    return f"JGYB-{month:%Y-%m}"


def ensure_report(session: Session, month: date, *, actor: Actor = SYSTEM, now: datetime) -> SupervisionReport:
    """The report of ``month``, created pending (numbered, audited) when it does not exist yet."""
    report = session.scalar(select(SupervisionReport).where(SupervisionReport.month == month))
    if report is not None:
        return report
    report = SupervisionReport(month=month, number=report_number(month), status=ReportStatus.PENDING.value,
                               created_at=now, requested_by_id=actor.user_id)
    session.add(report)
    session.flush()
    audit.record(session, actor, "create", ENTITY, report.id, now=now,
                 after={"month": month, "number": report.number, "status": report.status})
    return report


def store_values(session: Session, report: SupervisionReport, values: dict, *, run_id: int | None,
                 now: datetime) -> None:
    """Keep the plain values the PDF will show (built now by ``run_id``)."""
    report.data, report.built_at, report.run_id = values, now, run_id
    session.flush()


def store_pdf(session: Session, report_id: int, content: bytes, *, now: datetime) -> bool:
    """Store the rendered PDF of a pending report and mark it issued (``UPDATE … WHERE status = 'pending'``:
    two renderers of one report store it once). Returns whether this call stored it."""
    digest = hashlib.sha256(content).hexdigest()
    stored = session.execute(
        update(SupervisionReport)
        .where(SupervisionReport.id == report_id, SupervisionReport.status == ReportStatus.PENDING.value)
        .values(status=ReportStatus.ISSUED.value, content=content, sha256=digest, size=len(content), rendered_at=now)
        .execution_options(synchronize_session=False)).rowcount == 1
    loaded = session.identity_map.get(identity_key(SupervisionReport, report_id))
    if loaded is not None:
        session.expire(loaded)
    if stored:
        audit.record(session, SYSTEM, "render", ENTITY, report_id, now=now, before={"status": "pending"},
                     after={"status": "issued", "sha256": digest, "size": len(content)})
    session.flush()
    return stored


def pending_months(session: Session) -> list[date]:
    return list(session.scalars(select(SupervisionReport.month)
                                .where(SupervisionReport.status == ReportStatus.PENDING.value)))


def is_issued(session: Session, month: date) -> bool:
    return session.scalar(select(SupervisionReport.id).where(
        SupervisionReport.month == month, SupervisionReport.status == ReportStatus.ISSUED.value)) is not None


def running_run_id(session: Session) -> int | None:
    """The run of the report job in progress (two processes never run one job at once)."""
    return session.scalar(select(JobRun.id).where(JobRun.job_id == JOB_ID, JobRun.status == RunStatus.RUNNING)
                          .order_by(JobRun.id.desc()).limit(1))


def request_report(session: Session, month: date, *, actor: Actor, now: datetime) -> SupervisionReport:
    """"Run now" for ``month``: the report is created pending and a run of the report job is queued for the
    scheduler process (which builds and renders every pending report). Raises ValidationFailed (a month not
    over yet, or before the scheme began), Conflict (already issued)."""
    month = first_of_month(month)
    last = add_months(first_of_month(local_today(now)), -1)
    start = session.scalar(select(func.min(PolicyVersion.effective_from)))
    if month > last or (start is not None and month < first_of_month(start)):
        raise ValidationFailed("只能为已结束且在制度实施之后的月份生成监管月报", {"month": "out of range"})
    if is_issued(session, month):
        raise Conflict("该月的监管月报已生成")
    report = ensure_report(session, month, actor=actor, now=now)
    queue_run(session, JOB_ID, actor=actor, now=now)   # audited as a run of the job asked by ``actor``
    return report


def list_reports(session: Session) -> list[SupervisionReport]:
    """Every report, the latest month first (one a month: a short list)."""
    return list(session.scalars(select(SupervisionReport).order_by(SupervisionReport.month.desc())))


def latest_run(session: Session) -> JobRun | None:
    return session.scalar(select(JobRun).where(JobRun.job_id == JOB_ID).order_by(JobRun.id.desc()).limit(1))


def open_report(session: Session, report_id: int) -> SupervisionReport:
    """An issued report with its PDF checked against its SHA-256. Raises NotFound (absent or still pending),
    ReportCorrupted."""
    report = session.get(SupervisionReport, report_id)
    if report is None or not report.is_issued:
        raise NotFound("没有这份监管月报")
    if hashlib.sha256(report.content).hexdigest() != report.sha256:
        raise ReportCorrupted("监管月报文件校验失败")
    return report
