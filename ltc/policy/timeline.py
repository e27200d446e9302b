"""The published policy versions as a timeline, read in one light statement per transaction.

A published version's sections never change (a new version is published instead), so they are
kept per process by version id and publication time and read from the database only the first
time a process meets a version. What can change — which versions are published and their ranges
(a later publication ends an open-ended version, a scheduled one may be retired) — is read again
in every transaction: ids, numbers, names, ranges and publication times of the published versions
(a few rows). Another process's publication is therefore seen by the next transaction here; a
change made in this transaction through the ORM (``publish``, ``retire``, a test's edit) drops the
transaction's timeline and the process's kept sections at its flush.
"""
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, scoped_session

from ltc.core import prepared
from ltc.policy.models import PolicyStatus, PolicyVersion

_INFO_KEY = "ltc.policy.timeline"
#: version id → (publication time, sections) of published versions met by this process
_SECTIONS: dict[int, tuple[datetime | None, Any]] = {}
_SECTIONS_MAX = 256


@dataclass(frozen=True)
class Published:
    id: int
    number: int
    name: str
    effective_from: date
    effective_to: date | None
    sections: Any


class Timeline:
    """The published versions by start date (their ranges never overlap)."""

    def __init__(self, versions: list[Published]):
        self.versions = sorted(versions, key=lambda v: v.effective_from)
        self._starts = [v.effective_from for v in self.versions]

    def on(self, day: date) -> Published | None:
        """The version whose ``[effective_from, effective_to)`` contains ``day``."""
        n = bisect_right(self._starts, day) - 1
        if n < 0:
            return None
        version = self.versions[n]
        return version if version.effective_to is None or version.effective_to > day else None

    def starts_within(self, after: date, before: date) -> list[date]:
        """Days strictly between ``after`` and ``before`` where a published version starts."""
        return [d for d in self._starts if after < d < before]


def _sections(session: Session, wanted: dict[int, datetime | None]) -> dict[int, Any]:
    """The sections of the versions ``wanted`` (id → publication time), read only when not kept.
    Works on a snapshot of what is kept: another thread may clear it meanwhile."""
    kept = {i: _SECTIONS.get(i) for i in wanted}
    found = {i: entry[1] for i, entry in kept.items() if entry is not None and entry[0] == wanted[i]}
    missing = [i for i in wanted if i not in found]
    if missing:
        if len(_SECTIONS) + len(missing) > _SECTIONS_MAX:
            _SECTIONS.clear()
        for i, published_at, sections in session.execute(select(
                PolicyVersion.id, PolicyVersion.published_at, PolicyVersion.sections)
                .where(PolicyVersion.id.in_(missing))):
            _SECTIONS[i] = (published_at, sections)
            found[i] = sections
    return found


_COLUMNS = tuple(PolicyVersion.__table__.c[name] for name in ("id", "number", "name", "effective_from", "effective_to",
                                                               "published_at"))


def _published_sql(_in) -> str:
    return (f"SELECT {', '.join(c.name for c in _COLUMNS)} FROM {PolicyVersion.__tablename__} "
            f"WHERE status = '{PolicyStatus.PUBLISHED.value}'")


def _read(session: Session) -> Timeline:
    """The published versions: one light statement written once (``prepared``)."""
    rows = prepared.rows(session, ("published policy versions",), _published_sql, {}, columns=_COLUMNS)
    sections = _sections(session, {row.id: row.published_at for row in rows})
    return Timeline([Published(row.id, row.number, row.name, row.effective_from, row.effective_to, sections[row.id])
                     for row in rows])


def timeline(session: Session) -> Timeline:
    """The published versions as this transaction sees them (read once per transaction)."""
    if isinstance(session, scoped_session):
        session = session()
    kept = session.info.get(_INFO_KEY)
    transaction = session.get_transaction()
    if kept is not None and transaction is not None and kept[0] is transaction and not _pending_change(session):
        return kept[1]
    found = _read(session)
    session.info[_INFO_KEY] = (session.get_transaction(), found)
    return found


def _pending_change(session: Session) -> bool:
    """A policy version changed in the session and not yet flushed (the read would flush it)."""
    return any(isinstance(obj, PolicyVersion) for obj in (*session.new, *session.dirty, *session.deleted))


def forget(session: Session) -> None:
    """Read the timeline again at the next use (policy versions changed in this transaction)."""
    session.info.pop(_INFO_KEY, None)


@event.listens_for(Session, "after_flush")
def _forget_on_change(session: Session, _context) -> None:
    """A version written here: this transaction reads the timeline again, and the process forgets
    the sections it kept (a version rolled back here may come back under the same id)."""
    if _pending_change(session):   # the flushed changes: the collections still hold them here
        forget(session)
        _SECTIONS.clear()
