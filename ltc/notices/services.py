"""Issuing, listing and opening notices (SPEC §3.1). Functions flush, never commit.

Numbers are gap-free per kind and Asia/Shanghai year: the counter row is locked
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's single writer serialises) and incremented
in the caller's transaction, so a rolled-back issuance gives its number back and two
concurrent issuers never share one.

Issuance has two steps so that no transaction holds the counter lock while WeasyPrint runs
(0.3–1.5 s): ``issue_notice`` stores the numbered notice ``pending`` with its plain values in
the caller's transaction; after that commits, ``ltc.notices.rendering.render_pending`` renders
and stores the PDF (the request edge does it at once, the job "retry pending notices" every
10 minutes for whatever is left).
"""
import hashlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, scoped_session

from ltc.auth.models import User
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import DomainError, NotFound
from ltc.notices.documents import build_document, kind_spec, notice_number, template_values
from ltc.notices.models import Notice, NoticeCounter, NoticeStatus

ENTITY = "notice"
#: ``session.info`` key: the notices issued in this session, with the transaction that issued
#: them (see ``take_issued``)
ISSUED_KEY = "ltc.notices.issued"
log = logging.getLogger(__name__)

SubjectVisibility = Callable[[Session, User, int], bool]
#: subject type → "may this user see this subject?", added by each domain's ``wire()`` with
#: ``add_subject_visibility``. A notice of an unregistered subject type is visible to nobody.
subject_visibility: dict[str, SubjectVisibility] = {}


def add_subject_visibility(subject_type: str, rule: SubjectVisibility) -> None:
    """Declare who may open the notices of ``subject_type`` (from the owning domain's ``wire()``)."""
    subject_visibility[subject_type] = rule


class NoticeCorrupted(DomainError):
    """The stored PDF no longer matches its SHA-256: refuse to serve it."""

    status = 500


class NoticePending(DomainError):
    """The notice has its number but its PDF is still being generated."""

    status = 409


def issue_notice(session: Session, *, kind: str, subject_type: str, subject_id: int,
                 data: Mapping[str, Any], actor: Actor, now: datetime) -> Notice:
    """Validate ``data`` against the kind's document, take the next number and store the
    notice ``pending`` with the plain values its PDF will show; audit. The PDF is rendered
    after the caller commits (``ltc.notices.rendering.render_pending``). Raises
    ValidationFailed (unknown kind, missing, unknown or ill-typed fields) before any number
    is taken."""
    spec = kind_spec(kind)
    document = build_document(kind, data)
    issued_on = local_today(now)
    seq = _take_number(session, spec.kind.value, issued_on.year)
    number = notice_number(kind, issued_on.year, seq)
    values = template_values(document, number=number, issued_on=issued_on)
    notice = Notice(number=number, kind=spec.kind.value, year=issued_on.year, seq=seq,
                    subject_type=subject_type, subject_id=subject_id, issued_at=now,
                    issued_by_id=actor.user_id, data=values, status=NoticeStatus.PENDING.value)
    session.add(notice)
    session.flush()
    audit.record(session, actor, "issue", ENTITY, notice.id, now=now, after={
        "number": number, "subject_type": subject_type, "subject_id": subject_id,
        "status": NoticeStatus.PENDING.value})
    own = _own(session)
    own.info.setdefault(ISSUED_KEY, []).append((own.get_transaction(), notice.id))
    return notice


def take_issued(session: Session) -> list[int]:
    """The ids of the notices this session issued in transactions that have ended since (the
    ones to render now), forgotten once returned. Notices of a transaction still open are
    kept for later; those of a rolled-back one no longer exist, and rendering skips them."""
    own = _own(session)
    issued = own.info.get(ISSUED_KEY, [])
    current = own.get_transaction()
    ended = [notice_id for transaction, notice_id in issued if transaction is not current]
    own.info[ISSUED_KEY] = [(t, i) for t, i in issued if t is current]
    return ended


def _own(session: Session | scoped_session) -> Session:
    """The Session itself (``db.session`` is a scoped_session proxy)."""
    return session() if isinstance(session, scoped_session) else session


def _take_number(session: Session, kind: str, year: int) -> int:
    """The next sequence number of (kind, year), with the counter row locked until the
    transaction ends."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # create the row without racing a concurrent first issuer (it waits, then does nothing)
    session.execute(insert(NoticeCounter).values(kind=kind, year=year, last_seq=0)
                    .on_conflict_do_nothing(index_elements=["kind", "year"]))
    counter = session.scalars(
        select(NoticeCounter).where(NoticeCounter.kind == kind, NoticeCounter.year == year)
        .with_for_update().execution_options(populate_existing=True)).one()
    counter.last_seq += 1
    session.flush()
    return counter.last_seq


def notices_for(session: Session, subject_type: str, subject_id: int) -> list[Notice]:
    """The notices issued about one subject, oldest first."""
    return list(session.scalars(
        select(Notice).where(Notice.subject_type == subject_type, Notice.subject_id == subject_id)
        .order_by(Notice.issued_at, Notice.id)))


def count_notices(session: Session, subject_type: str, subject_ids: Select) -> int:
    """How many notices were issued about the subjects ``subject_ids`` selects (of one type)."""
    return session.scalar(select(func.count(Notice.id)).where(Notice.subject_type == subject_type,
                                                              Notice.subject_id.in_(subject_ids))) or 0


def get_notice(session: Session, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("通知书不存在")
    return notice


def can_see(session: Session, user: User, notice: Notice) -> bool:
    rule = subject_visibility.get(notice.subject_type)
    return rule is not None and bool(rule(session, user, notice.subject_id))


def open_notice(session: Session, notice_id: int, *, user: User, actor: Actor, now: datetime) -> Notice:
    """The notice for ``user`` to read, its content checked against the stored SHA-256; the
    view of personal data is audited. Raises NotFound when the user cannot see its subject,
    NoticePending while its PDF is being generated, NoticeCorrupted when the stored bytes
    were altered."""
    notice = session.get(Notice, notice_id)
    if notice is None or not can_see(session, user, notice):
        raise NotFound("通知书不存在或无权访问")
    if notice.is_pending:
        raise NoticePending("通知书 %(number)s 正在生成，请稍后再下载", params={"number": notice.number})
    if hashlib.sha256(notice.content).hexdigest() != notice.sha256:
        log.error("notice %s: stored PDF does not match its SHA-256", notice.number)
        raise NoticeCorrupted("通知书文件校验失败，请联系系统管理员")
    audit.record(session, actor, "view", ENTITY, notice.id, now=now, detail=notice.number)
    session.flush()
    return notice
