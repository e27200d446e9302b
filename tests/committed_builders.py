"""Committed data for tests whose work runs in other processes (worker processes cannot see the
per-test rolled-back transaction): every row added while the block runs is deleted afterwards,
the session's reference data stays. PostgreSQL only (SQLite runs the same jobs in one process)."""
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, func, select

from ltc.extensions import db
from tests import world_cache
from tests.scheduler_builders import clean_scheduler_tables


def _id_tables() -> list:
    """The tables keyed by one ``id`` column, parents before children."""
    return [t for t in db.metadata.sorted_tables if [c.name for c in t.primary_key.columns] == ["id"]]


@contextmanager
def committed_rows() -> Iterator[None]:
    """Inside an app context: what the block and the processes it starts commit is deleted after
    (every row with an id above the highest one before the block), with the scheduler's tables."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("worker processes on PostgreSQL only (SQLite runs the units one by one)")
    world_cache.drop()   # the cached world's open transaction holds the unique keys the block commits
    with db.engine.connect() as conn:
        kept = {t.name: conn.scalar(select(func.max(t.c.id))) or 0 for t in _id_tables()}
    clean_scheduler_tables()
    try:
        yield
    finally:
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(_id_tables()):
                conn.execute(delete(table).where(table.c.id > kept[table.name]))
        clean_scheduler_tables()
