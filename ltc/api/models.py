"""What the API edge itself stores: the idempotency keys of writes (``ltc.api.idempotency``)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base

KEY_MAX = 100
PATH_MAX = 300


class IdempotencyKey(Base):
    """One API write sent with an ``Idempotency-Key``: which request it was (method, path, body
    hash) and the response it got, replayed to every retry. ``response_status`` is None while
    the first request is still at work (between its write's commit and the response's)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the token's owner: keys of different users never meet
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(PATH_MAX))
    #: SHA-256 of the body as canonical JSON (keys sorted, no spaces), hex
    body_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int | None]
    response_body: Mapped[dict | list | None] = mapped_column(JSON)
    #: the response's Location header, when it had one
    location: Mapped[str | None] = mapped_column(String(PATH_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
