"""Bulk writes without ORM objects: PostgreSQL ``COPY … FROM STDIN`` (psycopg), SQLite ``executemany``
in chunks through the table's Core insert (so its column types convert the values).

Rows come as tuples for the named columns; a NOT NULL column left out takes its model default
(a scalar, or ``now`` for a callable such as ``utcnow``). Rows with ids chosen by the generator
move the PostgreSQL sequences past them afterwards (``finish``).
"""
import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import JSON, func, inspect, select, text
from sqlalchemy.orm import Session

from ltc.core.db import Base

CHUNK = 5_000
ID_TABLES = ("organisations", "insured_persons", "applications", "entitlements", "care_plans",
             "care_plan_visit_types", "carers", "stays", "leaves", "hospital_stays", "visits")


class Writer:
    def __init__(self, session: Session, now: datetime) -> None:
        self.conn = session.connection()
        self.pg = self.conn.dialect.name == "postgresql"
        self.now = now
        self.written: dict[str, int] = {}

    def bases(self) -> dict[str, int]:
        """The first free id of every table whose ids the generator chooses."""
        tables = Base.metadata.tables
        return {name: self.conn.scalar(select(func.coalesce(func.max(tables[name].c.id), 0))) + 1
                for name in ID_TABLES}

    def has_column(self, table: str, column: str) -> bool:
        in_db = {c["name"] for c in inspect(self.conn).get_columns(table)}
        return column in in_db and column in Base.metadata.tables[table].c

    def _defaults(self, name: str, columns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple]:
        extra_cols, extra_vals = [], []
        for column in Base.metadata.tables[name].columns:
            if column.name in columns or column.primary_key or column.default is None:
                continue
            extra_cols.append(column.name)
            extra_vals.append(column.default.arg if column.default.is_scalar else self.now)
        return tuple(extra_cols), tuple(extra_vals)

    def write(self, name: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        extra_cols, extra_vals = self._defaults(name, columns)
        full = columns + extra_cols
        rows = (row + extra_vals for row in rows)
        count = self._copy(name, full, rows) if self.pg else self._insert(name, full, rows)
        self.written[name] = self.written.get(name, 0) + count
        return count

    def _copy(self, name: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        table = Base.metadata.tables[name]
        as_json = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
        count = 0
        with self.conn.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    if as_json:
                        row = tuple(json.dumps(v, ensure_ascii=False) if i in as_json else v
                                    for i, v in enumerate(row))
                    copy.write_row(row)
                    count += 1
        return count

    def _insert(self, name: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        table, count, chunk = Base.metadata.tables[name], 0, []
        for row in rows:
            chunk.append(dict(zip(columns, row, strict=True)))
            if len(chunk) == CHUNK:
                self.conn.execute(table.insert(), chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            self.conn.execute(table.insert(), chunk)
        return count + len(chunk)

    def finish(self) -> None:
        """Move the PostgreSQL id sequences past the ids the generator wrote."""
        if not self.pg:
            return
        for name in ID_TABLES:
            self.conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                   f"(SELECT coalesce(max(id), 1) FROM {name}))"))
