"""The beneficiary statements (one per person and service month: its printed look-up code and the
file last rendered, with its SHA-256) and the public look-up's attempts (for throttling)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base

CODE_LENGTH = 14   # ABCD-EFGH-JKLM


class BeneficiaryStatement(Base):
    """What was billed in a person's name for one service month (SPEC §7.3): the look-up code
    printed on it (created with the row, never changed) and the file last rendered.

    ``source_key`` is the digest of the settlement lines the file shows: when a later paid
    settlement books a late or adjustment line for the month, the key changes and the nightly job
    renders the file again (a new SHA-256)."""

    __tablename__ = "beneficiary_statements"
    __table_args__ = (
        UniqueConstraint("person_id", "month"),
        UniqueConstraint("code"),
        CheckConstraint("path IS NULL OR (sha256 IS NOT NULL AND size > 0 AND source_key IS NOT NULL "
                        "AND rendered_at IS NOT NULL)", name="rendered_has_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"))
    #: the first day of the service month
    month: Mapped[date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the file under the instance folder, relative to it (None until first rendered)
    path: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None]
    source_key: Mapped[str | None] = mapped_column(String(64))
    rendered_at: Mapped[datetime | None]
    #: how many times the file was rendered (1 + the re-renders after a change)
    renders: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<BeneficiaryStatement {self.id} person {self.person_id} {self.month:%Y-%m}>"


class StatementLookupAttempt(Base):
    """One public look-up of a statement (no login): throttled per IP and per ID number like the
    login. The ID number is kept only as a keyed hash."""

    __tablename__ = "statement_lookup_attempts"
    __table_args__ = (
        Index("ix_statement_lookup_attempts_ip_at", "ip", "at"),
        Index("ix_statement_lookup_attempts_id_hash_at", "id_hash", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(45))
    id_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    success: Mapped[bool]
