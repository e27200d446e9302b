"""The monthly supervision reports: one per report month, numbered, its plain values stored when built, then its
PDF (with its SHA-256) once rendered after that commit."""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check


class ReportStatus(StrEnum):
    """``pending`` from the moment the month is asked for (by the job or "run now") until its PDF is stored;
    ``issued`` after (the only transition)."""

    PENDING = "pending"
    ISSUED = "issued"


#: msgids, translated where shown
STATUS_LABELS = {ReportStatus.PENDING: "正在生成", ReportStatus.ISSUED: "已生成"}


class SupervisionReport(Base):
    """The report of one month. ``data`` holds the plain values the PDF shows (figures as of ``built_at``),
    stored before the PDF is rendered; ``content`` is the PDF exactly as issued."""

    __tablename__ = "supervision_reports"
    __table_args__ = (
        enum_check("status", ReportStatus),
        CheckConstraint("size > 0", name="size_positive"),
        CheckConstraint("status = 'pending' OR (content IS NOT NULL AND sha256 IS NOT NULL AND size IS NOT NULL "
                        "AND data IS NOT NULL)", name="issued_has_pdf"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the first day of the report month M (activity of M, settlement of M−1)
    month: Mapped[date] = mapped_column(Date, unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)   # JGYB-2026-11
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: who asked for it with "run now" (None: the schedule)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the job run that built its values
    run_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id"))
    data: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    built_at: Mapped[datetime | None]
    rendered_at: Mapped[datetime | None]
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None]

    @property
    def is_issued(self) -> bool:
        return self.status == ReportStatus.ISSUED

    def __repr__(self) -> str:
        return f"<SupervisionReport {self.number}>"
