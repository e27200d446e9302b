"""Bulk writes of a generation's rows without ORM objects (issue 11, performance): on PostgreSQL one
``COPY … FROM STDIN`` per table (ids drawn from the table's sequence in one statement when the caller
needs them), elsewhere one ``executemany`` of the table's Core insert (``RETURNING`` the ids in order).

Rows come as tuples for the named columns; JSON columns take the Python value (a dict). The session
is flushed first, so the rows may refer to objects it holds.
"""
import json
from collections.abc import Sequence

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple], *,
                ids: bool = False) -> list[int]:
    """Insert ``rows`` into ``table``; with ``ids``, their new ids in the order of ``rows``."""
    if not rows:
        return []
    session.flush()
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return _insert(session, table, columns, rows, ids)
    new_ids = _next_ids(session, table, len(rows)) if ids else []
    if ids:
        columns, rows = ("id", *columns), [(i, *row) for i, row in zip(new_ids, rows, strict=True)]
    as_json = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                if as_json:
                    row = tuple(json.dumps(v) if i in as_json and v is not None else v for i, v in enumerate(row))
                copy.write_row(row)
    return new_ids


def _next_ids(session: Session, table: Table, count: int) -> list[int]:
    return list(session.scalars(text("SELECT nextval(pg_get_serial_sequence(:name, 'id')) "
                                     "FROM generate_series(1, :count)"), {"name": table.name, "count": count}))


def _insert(session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple], ids: bool) -> list[int]:
    values = [dict(zip(columns, row, strict=True)) for row in rows]
    if not ids:
        session.execute(insert(table), values)
        return []
    return list(session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), values))
