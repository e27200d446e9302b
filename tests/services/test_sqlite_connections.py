"""SQLite connections as configured by ``core.db.configure_sqlite`` (the embedded default)."""
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from ltc.core.db import SQLITE_BUSY_TIMEOUT_MS, configure_sqlite


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
