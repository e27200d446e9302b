"""SQLite connections as configured by ``core.db.configure_sqlite`` (the embedded default)."""
import threading
import time
from contextlib import nullcontext

import pytest
from sqlalchemy import create_engine, text

from ltc.core.db import SQLITE_BUSY_TIMEOUT_MS, begin_statement, configure_sqlite, writing


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    configure_sqlite(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))")
    yield engine
    engine.dispose()


def test_foreign_keys_are_enforced_and_writers_wait_30_seconds(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS == 30_000
    with pytest.raises(Exception, match="FOREIGN KEY"):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO child (id, parent_id) VALUES (1, 99)"))


def test_a_writer_waits_for_another_writer_longer_than_pysqlite_default(engine):
    """A write lock held for 6 s (past pysqlite's 5 s default) makes the second writer wait, not fail."""
    held = threading.Event()

    def holder():
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO parent (id) VALUES (1)"))
            held.set()
            time.sleep(6)

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(10)
    started = time.monotonic()
    try:
        with engine.begin() as conn:  # with pysqlite's 5 s: "database is locked"
            conn.execute(text("INSERT INTO parent (id) VALUES (2)"))
    finally:
        thread.join()
    assert time.monotonic() - started >= 4
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM parent")).scalar() == 2


def test_the_file_is_in_wal_mode_so_readers_do_not_block_the_writer(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    with engine.begin() as writer:
        writer.execute(text("INSERT INTO parent (id) VALUES (1)"))
        with engine.connect() as reader:  # reads the last committed state while the write lock is held
            assert reader.execute(text("SELECT count(*) FROM parent")).scalar() == 0


def _read_then_write(engine, barrier: threading.Barrier, n: int, errors: list, *, immediate: bool) -> None:
    barrier.wait(5)
    try:
        with (writing() if immediate else nullcontext()), engine.begin() as conn:
            conn.execute(text("SELECT count(*) FROM parent")).scalar()
            time.sleep(0.5)  # deferred: both have read before either writes
            conn.execute(text("INSERT INTO parent (id) VALUES (:n)"), {"n": n})
    except Exception as exc:  # noqa: BLE001 — the failure under test
        errors.append(str(exc))


def _two_read_then_write(engine, *, immediate: bool) -> list[str]:
    barrier, errors = threading.Barrier(2), []
    threads = [threading.Thread(target=_read_then_write, args=(engine, barrier, n, errors),
                                kwargs={"immediate": immediate}) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_deferred_transactions_that_read_then_write_fail_as_database_locked(engine):
    """Why a request that may write must begin IMMEDIATE: the upgrade of a deferred read
    transaction to a write does not wait for the busy timeout."""
    errors = _two_read_then_write(engine, immediate=False)
    assert len(errors) == 1 and "locked" in errors[0]


def test_immediate_transactions_that_read_then_write_wait_for_each_other(engine):
    assert _two_read_then_write(engine, immediate=True) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM parent")).scalar() == 2


def test_begin_statement_follows_the_context():
    assert begin_statement() == "BEGIN"
    with writing():
        assert begin_statement() == "BEGIN IMMEDIATE"
    assert begin_statement() == "BEGIN"
