"""Declarative base with a naming convention, the shared column types and ``enum_check``."""
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar, Token
import time
from datetime import datetime, timezone
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, MetaData, Numeric, TypeDecorator, event, exc
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every database (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass an aware UTC datetime")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


Money = Numeric(12, 2, asdecimal=True)


class Base(DeclarativeBase):
    registry = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                        type_annotation_map={datetime: UtcDateTime(), Decimal: Money})


def in_list(values: Iterable[str]) -> str:
    """The SQL list ``('a', 'b')`` of string literals, in the order given (quotes doubled)."""
    return "(" + ", ".join("'" + str(value).replace("'", "''") + "'" for value in values) + ")"


def enum_check(column: str, enum: type[StrEnum], *, name: str | None = None,
               nullable: bool = False) -> CheckConstraint:
    """The CHECK constraint ``column IN (<enum's values>)`` (``column IS NULL OR …`` when ``nullable``).

    The values come in the enum's declaration order; the constraint is named ``name`` (by default
    the column) under the naming convention, so it becomes ``ck_<table>_<name>``. The enum is kept
    in the constraint's ``info["enum"]``: statuses are stored as VARCHAR, and every CHECK over a
    set of values names the ``StrEnum`` it comes from.
    """
    allowed = f"{column} IN {in_list(member.value for member in enum)}"
    return CheckConstraint(f"{column} IS NULL OR {allowed}" if nullable else allowed,
                           name=name or column, info={"enum": enum})


SQLITE_BUSY_TIMEOUT_MS = 30_000

#: whether transactions begun in this context will write: on SQLite they then start with
#: ``BEGIN IMMEDIATE`` (the write lock is taken at the start, waiting up to the busy timeout)
#: instead of a deferred ``BEGIN`` that fails with "database is locked" when it upgrades to a
#: write while another connection writes. Set per request by the web edge (``ltc.web.transactions``)
#: and around each scheduler job run (``ltc.scheduler.runner``). No effect on PostgreSQL.
_writes: ContextVar[bool] = ContextVar("ltc_transactions_write", default=False)


@contextmanager
def writing():
    """Transactions begun inside the block take SQLite's write lock when they begin."""
    token = _writes.set(True)
    try:
        yield
    finally:
        _writes.reset(token)


def set_writing(value: bool) -> Token:
    """``writing()`` for code that cannot wrap a block (a request's before/teardown hooks)."""
    return _writes.set(value)


def reset_writing(token: Token) -> None:
    _writes.reset(token)


def begin_statement() -> str:
    return "BEGIN IMMEDIATE" if _writes.get() else "BEGIN"


#: a pooled connection idle for longer than this is pinged before it is handed out again
PING_AFTER_IDLE_SECONDS = 10.0


def ping_when_idle(engine, idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> None:
    """``pool_pre_ping`` for connections that sat idle: a connection checked in less than
    ``idle_seconds`` ago is handed out as it is (a busy server's requests send no extra round
    trip), an older one is pinged first and replaced when the ping fails (the server restarted,
    a firewall dropped it). SQLAlchemy's pessimistic disconnect handling on the pool's checkout."""
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        if record is not None:
            record.info["ltc_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        since = record.info.get("ltc_idle_since")
        if since is None or time.monotonic() - since <= idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:   # noqa: BLE001 - any failure: the pool retries with a new connection
            raise exc.DisconnectionError(str(error)) from error


def configure_sqlite(engine) -> None:
    """SQLAlchemy's pysqlite recipe (real transactions and savepoints), foreign keys, WAL (readers
    never block the writer nor each other), and ``BEGIN IMMEDIATE`` for transactions that will
    write (see ``writing``)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # the web app, the scheduler and CLI commands share the file: a writer waits up to 30 s
        # for another's write lock instead of pysqlite's 5 s, so a long job does not fail a request
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")  # persistent in the file; a no-op once set
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql(begin_statement())


def ensure_extensions(connection) -> None:
    """PostgreSQL extensions the schema needs (btree_gist for the period EXCLUDE constraints)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist")


class ImmutableRecord(RuntimeError):
    """An attempt to change or delete a record that is written once (an event of a trail)."""


def write_once(model: type) -> type:
    """Refuse every ORM update and delete of ``model`` rows (class decorator)."""
    def refuse(_mapper, _connection, target) -> None:
        raise ImmutableRecord(f"{type(target).__name__} {target.id} is immutable")

    event.listen(model, "before_update", refuse)
    event.listen(model, "before_delete", refuse)
    return model
