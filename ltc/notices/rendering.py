"""Step two of issuing a notice: render the PDF of a ``pending`` notice after its number was
committed, and mark it ``issued`` (STYLE: never render inside a transaction holding the
counter-row lock).

Each notice takes three short steps, so no transaction is open while WeasyPrint runs: read its
plain values (that read transaction ends), render, then store the PDF, its SHA-256 and the
``issued`` status in one short transaction (``UPDATE … WHERE status = 'pending'``: two
renderers of one notice store it once). A failed render leaves the notice ``pending`` with its
number and is logged; the job "retry pending notices" (``ltc.notices.jobs``) renders it later.

The request edge (``ltc.notices.views``) renders the notices a request issued once the request
has committed; the job renders every pending notice.
"""
import hashlib
import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from ltc.core import audit
from ltc.core.audit import SYSTEM
from ltc.core.clock import utcnow
from ltc.notices.documents import kind_spec
from ltc.notices.models import Notice, NoticeStatus
from ltc.notices.pdf import Renderer, notice_renderer
from ltc.notices.services import ENTITY

log = logging.getLogger(__name__)

#: hands out a Session as a context manager: a ``sessionmaker`` (a new session each time, closed
#: after use) or ``using(session)`` (one existing session, left open)
SessionFactory = Callable[[], AbstractContextManager[Session]]


@dataclass
class RenderReport:
    """The numbers of the notices issued by a call and of those whose render failed."""

    issued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"issued": len(self.issued), "still_pending": len(self.failed)}


def using(session: Session) -> SessionFactory:
    """A factory handing out ``session`` itself, not closed afterwards (a request's or a job's).
    Each notice commits on it, so it must hold no uncommitted work of its own."""
    return lambda: nullcontext(session)


def pending_ids(session: Session) -> list[int]:
    """The pending notices, oldest first."""
    return list(session.scalars(select(Notice.id).where(Notice.status == NoticeStatus.PENDING.value)
                                .order_by(Notice.id)))


def render_pending(session_factory: SessionFactory, notice_ids: Iterable[int] | None = None, *,
                   now: datetime | None = None, renderer: Renderer | None = None) -> RenderReport:
    """Render and store the PDF of each pending notice of ``notice_ids`` (every pending notice
    when None), each in its own short transaction; notices already issued or absent (rolled
    back) are skipped. Never raises for one notice's failure: it stays pending and is reported."""
    render = renderer or notice_renderer()
    if notice_ids is None:
        with session_factory() as session:
            notice_ids = pending_ids(session)
            session.commit()
    report = RenderReport()
    for notice_id in notice_ids:
        with session_factory() as session:
            _render_one(session, notice_id, render, now or utcnow(), report)
    return report


def _render_one(session: Session, notice_id: int, render: Renderer, now: datetime, report: RenderReport) -> None:
    row = session.execute(select(Notice.number, Notice.kind, Notice.data).where(
        Notice.id == notice_id, Notice.status == NoticeStatus.PENDING.value)).one_or_none()
    session.commit()  # end the read transaction: nothing is locked while the PDF renders
    if row is None:
        return
    try:
        content = render(kind_spec(row.kind).template, row.data)
    except Exception:
        log.exception("notice %s: rendering failed; it stays pending", row.number)
        report.failed.append(row.number)
        return
    digest = hashlib.sha256(content).hexdigest()
    try:
        stored = session.execute(
            update(Notice).where(Notice.id == notice_id, Notice.status == NoticeStatus.PENDING.value)
            .values(status=NoticeStatus.ISSUED.value, content=content, sha256=digest, size=len(content),
                    rendered_at=now).execution_options(synchronize_session=False))
        _expire_loaded(session, notice_id)
        if stored.rowcount == 1:
            audit.record(session, SYSTEM, "render", ENTITY, notice_id, now=now, before={"status": "pending"},
                         after={"status": "issued", "number": row.number, "sha256": digest, "size": len(content)})
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.exception("notice %s: storing the rendered PDF failed; it stays pending", row.number)
        report.failed.append(row.number)
        return
    if stored.rowcount == 1:
        report.issued.append(row.number)


def _expire_loaded(session: Session, notice_id: int) -> None:
    """The caller may hold the notice loaded in this session (a request's, a test's): reload it."""
    loaded = session.identity_map.get(identity_key(Notice, notice_id))
    if loaded is not None:
        session.expire(loaded)
