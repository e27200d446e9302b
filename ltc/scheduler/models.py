"""Job runs and (on SQLite) scheduler lock rows, in the app's own schema (SPEC §9)."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.auth.models import User
from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    SKIPPED_LOCKED = "skipped_locked"  # another process held the job's lock


class JobRun(Base):
    """One run of a registry job: for a due time (scheduled or catch-up) or on demand."""

    __tablename__ = "job_runs"
    __table_args__ = (
        enum_check("status", RunStatus),
        Index("ix_job_runs_job_due", "job_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(60))
    #: the schedule's due time this run covers; the trigger time for a run started by hand
    due_at: Mapped[datetime]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))
    counts: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str] = mapped_column(String(100))
    pid: Mapped[int]
    triggered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    triggered_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<JobRun {self.id} {self.job_id} {self.status}>"


class SchedulerLock(Base):
    """A lock row (SQLite only; PostgreSQL uses advisory locks). Expired rows may be taken over."""

    __tablename__ = "scheduler_locks"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]
