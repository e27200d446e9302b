"""Counting the SQL statements a block of code sends (set-based readers: a handful of queries, not one per row)."""
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def count_queries(session):
    """Yield the list of statements sent on ``session``'s engine inside the block (the test
    fixture's savepoints left out)."""
    statements: list[str] = []
    engine = session.get_bind().engine

    def before(conn, cursor, statement, *args):
        if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):  # the fixture's savepoints
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
