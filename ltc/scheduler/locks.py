"""One database lock per job, so two scheduler processes never run the same job at once.

PostgreSQL: ``pg_try_advisory_lock`` on a dedicated connection held for the run (the server
drops it if the process dies). SQLite: a row in ``scheduler_locks`` whose INSERT fails while
an unexpired row exists; an expired row, or one whose holder process has ended
(``holders.holder_is_dead``: ``kill -9`` leaves the row behind), is taken over.
"""
import hashlib
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql import func

from ltc.scheduler import holders
from ltc.scheduler.models import SchedulerLock

log = logging.getLogger(__name__)


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (Python's ``hash`` differs between processes)."""
    digest = hashlib.sha256(f"ltc.scheduler:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryLock:
    def __init__(self, engine: Engine, name: str):
        self.engine = engine
        self.key = advisory_key(name)
        self.conn: Connection | None = None

    def acquire(self, now: datetime) -> bool:
        conn = self.engine.connect()
        try:
            conn.detach()  # closing really closes: a pooled connection would keep the lock
            got = conn.scalar(select(func.pg_try_advisory_lock(self.key)))
            conn.commit()
        except BaseException:
            conn.close()
            raise
        if got:
            self.conn = conn
        else:
            conn.close()
        return bool(got)

    def release(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.scalar(select(func.pg_advisory_unlock(self.key)))
            self.conn.commit()
        except SQLAlchemyError:
            log.exception("could not unlock advisory lock %s; closing its connection", self.key)
        finally:
            self.conn.close()
            self.conn = None


class RowLock:
    def __init__(self, session: Session, name: str, *, holder: str, ttl: timedelta):
        self.session = session
        self.name = name
        self.holder = holder
        self.ttl = ttl
        self.held = False

    def acquire(self, now: datetime) -> bool:
        session = self.session
        # a plain read first: a holder in the middle of its job keeps SQLite's write lock
        row = session.execute(select(SchedulerLock.holder, SchedulerLock.expires_at)
                              .where(SchedulerLock.name == self.name)).first()
        session.commit()
        dead = row is not None and row.expires_at > now and holders.holder_is_dead(row.holder)
        if row is not None and row.expires_at > now and not dead:
            return False
        if dead:
            log.warning("lock %s: its holder %s has ended; taking the lock over", self.name, row.holder)
        stale = SchedulerLock.expires_at <= now
        if dead:
            stale = or_(stale, SchedulerLock.holder == row.holder)
        holders.hold(self.holder)  # before the commit: this process's other threads must see it alive
        try:
            # then a transaction that starts with a write (waits for a busy writer, no deadlock)
            session.execute(delete(SchedulerLock).where(SchedulerLock.name == self.name, stale))
            session.execute(insert(SchedulerLock).values(name=self.name, holder=self.holder, acquired_at=now,
                                                         expires_at=now + self.ttl))
            session.commit()
        except (IntegrityError, OperationalError) as exc:
            session.rollback()
            holders.let_go(self.holder)
            if isinstance(exc, OperationalError):  # "database is locked": a writer held it past the busy timeout
                log.warning("lock %s: database busy; treating the lock as held", self.name)
            return False
        self.held = True
        return True

    def release(self) -> None:
        if not self.held:
            return
        try:
            self.session.execute(delete(SchedulerLock).where(SchedulerLock.name == self.name,
                                                             SchedulerLock.holder == self.holder))
            self.session.commit()
        except SQLAlchemyError:
            self.session.rollback()
            log.exception("could not release lock %s; it expires on its own", self.name)
        self.held = False
        holders.let_go(self.holder)


def job_lock(session: Session, name: str, *, holder: str, ttl: timedelta) -> AdvisoryLock | RowLock:
    """The lock for job ``name`` on the session's database."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        return AdvisoryLock(bind.engine, name)
    return RowLock(session, name, holder=holder, ttl=ttl)
