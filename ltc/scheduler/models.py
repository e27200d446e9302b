"""Job runs, their units and (on SQLite) scheduler lock rows, in the app's own schema (SPEC §9)."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.auth.models import User
from ltc.core.db import Base, enum_check


class RunStatus(StrEnum):
    QUEUED = "queued"  # asked for ("run now", a retry); the scheduler process picks it up
    RUNNING = "running"
    SUCCESS = "success"
    PARTIAL = "partial"  # a per-unit run with failed units; a rerun does only those
    FAILED = "failed"
    SKIPPED_LOCKED = "skipped_locked"  # another process held the job's lock


#: msgids, translated where shown
STATUS_LABELS = {RunStatus.QUEUED: "排队中", RunStatus.RUNNING: "运行中", RunStatus.SUCCESS: "成功",
                 RunStatus.PARTIAL: "部分失败", RunStatus.FAILED: "失败",
                 RunStatus.SKIPPED_LOCKED: "已跳过（另一进程正在运行）"}


class UnitStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class ImportKind(StrEnum):
    """What a queued import loads (each registers how, ``ltc.scheduler.imports.register_kind``)."""
    PERSONS = "persons"                  # the insured-person roster
    HOSPITAL_STAYS = "hospital_stays"
    ENTITLEMENTS = "entitlements"        # the go-live import of existing beneficiaries
    STAYS = "stays"                      # a provider's stays (SPEC §5.4)
    LEAVES = "leaves"                    # a provider's leaves of absence
    CARERS = "carers"                    # a provider's carer register


class JobRun(Base):
    """One run of a registry job: for a due time (scheduled or catch-up) or on demand.

    A queued run has not started (no start, host or process yet). A per-unit run counts its
    units (``units_total`` is None for a whole-run job) and may be resumed: its row is reused.
    """

    __tablename__ = "job_runs"
    __table_args__ = (
        enum_check("status", RunStatus),
        Index("ix_job_runs_job_due", "job_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(60))
    #: the schedule's due time this run covers; the trigger time for a run started by hand
    due_at: Mapped[datetime]
    queued_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))
    counts: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String(100))
    pid: Mapped[int | None]
    triggered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    units_total: Mapped[int | None]
    units_done: Mapped[int | None]
    units_failed: Mapped[int | None]

    triggered_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<JobRun {self.id} {self.job_id} {self.status}>"


class JobRunUnit(Base):
    """One unit (a provider, a person …) of a per-unit run, done in its own transaction.

    ``attempts`` counts the failed and successful tries across resumes of the run; a unit
    that failed ``MAX_UNIT_ATTEMPTS`` times is skipped until an admin retries it.
    """

    __tablename__ = "job_run_units"
    __table_args__ = (
        UniqueConstraint("run_id", "unit_key"),
        enum_check("status", UnitStatus),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_job_run_units_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("job_runs.id"))
    unit_key: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=UnitStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]

    run: Mapped[JobRun] = relationship()

    def __repr__(self) -> str:
        return f"<JobRunUnit {self.run_id}:{self.unit_key} {self.status}>"


class QueuedImport(Base):
    """A spreadsheet too large to import inside a web request (SPEC §9: long work runs in the
    scheduler process), queued with who asked, for which organisation, its job run (status, units
    done, counts) and the file itself (so the scheduler needs no shared disk). ``data`` is dropped
    once the import ends (refused or every unit done); the hash, counts and problems stay.
    ``problems`` holds what refused the file at the check: ``{"header": [...], "rows": [[line,
    message], ...], "error_rows": n}``; nothing is written then. ``options``: what the kind needs
    besides the file, as it was when it was queued (the go-live date)."""

    __tablename__ = "queued_imports"
    __table_args__ = (enum_check("kind", ImportKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    rows: Mapped[int]
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_at: Mapped[datetime]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id"), unique=True)
    problems: Mapped[dict | None] = mapped_column(JSON)
    options: Mapped[dict | None] = mapped_column(JSON)


class SchedulerLock(Base):
    """A lock row (SQLite only; PostgreSQL uses advisory locks). Expired rows may be taken over."""

    __tablename__ = "scheduler_locks"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]
