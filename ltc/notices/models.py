"""Notices (numbered, then their PDF stored with its SHA-256) and their gap-free counters (SPEC §3.1)."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.notices.documents import Kind


class NoticeStatus(StrEnum):
    """A notice is numbered and stored ``pending`` in the business transaction; its PDF is
    rendered after that transaction commits, which makes it ``issued`` (the only transition)."""

    PENDING = "pending"
    ISSUED = "issued"


#: msgids, translated where shown
STATUS_LABELS = {NoticeStatus.PENDING: "待生成", NoticeStatus.ISSUED: "已出具"}




class Notice(Base):
    """One numbered notice. Immutable once issued: ``content`` is the PDF exactly as issued.
    While ``pending`` it has its number and plain values but no PDF yet."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("kind", "year", "seq", name="uq_notices_kind_year_seq"),
        enum_check("kind", Kind),
        CheckConstraint("seq > 0", name="seq_positive"),
        CheckConstraint("size > 0", name="size_positive"),
        enum_check("status", NoticeStatus),
        CheckConstraint("status = 'pending' OR (content IS NOT NULL AND sha256 IS NOT NULL AND size IS NOT NULL)",
                        name="issued_has_pdf"),
        Index("ix_notices_subject", "subject_type", "subject_id"),
        Index("ix_notices_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # ACC-2026-000001
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    seq: Mapped[int]
    #: what the notice is about, e.g. ("application", 42); visibility follows the subject
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the plain values the template renders (stored before the PDF exists)
    data: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=NoticeStatus.PENDING.value)
    #: when the PDF was rendered and stored (``issued_at`` is the business time printed on it)
    rendered_at: Mapped[datetime | None]
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None]

    @property
    def is_pending(self) -> bool:
        """Numbered but its PDF not rendered yet: pages show 正在生成 instead of a link."""
        return self.status == NoticeStatus.PENDING

    def __repr__(self) -> str:
        return f"<Notice {self.number}>"


class NoticeCounter(Base):
    """The last sequence number issued per kind and year; locked while a number is taken."""

    __tablename__ = "notice_counters"
    __table_args__ = (CheckConstraint("last_seq >= 0", name="last_seq_not_negative"),)

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
