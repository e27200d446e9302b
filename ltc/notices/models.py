"""Issued notices (the stored PDF with its SHA-256) and their gap-free counters (SPEC §3.1)."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.notices.documents import Kind


class Notice(Base):
    """One issued notice. Immutable once issued: ``content`` is the PDF exactly as issued."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("kind", "year", "seq", name="uq_notices_kind_year_seq"),
        enum_check("kind", Kind),
        CheckConstraint("seq > 0", name="seq_positive"),
        CheckConstraint("size > 0", name="size_positive"),
        Index("ix_notices_subject", "subject_type", "subject_id"),
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
    #: the plain values the template rendered
    data: Mapped[dict] = mapped_column(JSON)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]

    def __repr__(self) -> str:
        return f"<Notice {self.number}>"


class NoticeCounter(Base):
    """The last sequence number issued per kind and year; locked while a number is taken."""

    __tablename__ = "notice_counters"
    __table_args__ = (CheckConstraint("last_seq >= 0", name="last_seq_not_negative"),)

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
