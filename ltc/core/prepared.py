"""SQL statements written once and kept per database dialect, for the hottest paths (a live
check-in): plain SQL text typed once (``text().bindparams().columns()``), run on the session's
connection as plain rows — no statement built, no ORM object loaded per request.

``build(in_)`` returns the statement's SQL; ``in_(name)`` writes "is one of the list ``name``": on
PostgreSQL ``= ANY(:name)`` with one bound integer array (one statement text for any number of ids,
prepared by the driver after a few uses), elsewhere an expanding IN-list.
"""
import re
from collections.abc import Callable, Mapping

from sqlalchemy import ARRAY, Integer, Row, TextClause, bindparam, text
from sqlalchemy.orm import Session

_kept: dict[tuple, TextClause] = {}


def _in(name: str, dialect: str) -> str:
    return f"= ANY(:{name})" if dialect == "postgresql" else f"IN :{name}"


def statement(key: tuple, dialect: str, build: Callable[[Callable[[str], str]], str], *,
              lists: tuple[str, ...] = (), types: Mapping = {}, columns=()) -> TextClause:   # noqa: B006
    """The statement ``key`` for ``dialect``, built and typed once: ``lists`` are integer id lists,
    ``types`` the types of other binds (dates and moments stored as their columns store them)."""
    stmt = _kept.get((key, dialect))
    if stmt is None:
        sql = build(lambda name: _in(name, dialect))
        binds = [bindparam(name, type_=ARRAY(Integer)) if dialect == "postgresql" else bindparam(name, expanding=True)
                 for name in lists]
        binds += [bindparam(name, type_=kind) for name, kind in types.items() if re.search(rf":{name}\b", sql)]
        stmt = _kept[(key, dialect)] = text(sql).bindparams(*binds).columns(*columns)
    return stmt


def execute(session: Session, key: tuple, build, params: dict, *, lists: tuple[str, ...] = (),
            types: Mapping = {}, columns=()):   # noqa: B006
    """The result of the statement ``key`` run with ``params`` on the session's connection (pending
    changes flushed first, as the session's own query would)."""
    stmt = statement(key, session.get_bind().dialect.name, build, lists=lists, types=types, columns=columns)
    if session.autoflush:
        session.flush()
    return session.connection().execute(stmt, params)


def rows(session: Session, key: tuple, build, params: dict, *, lists: tuple[str, ...] = (),
         types: Mapping = {}, columns=()) -> list[Row]:   # noqa: B006
    """The rows of the statement ``key`` (``execute``)."""
    return execute(session, key, build, params, lists=lists, types=types, columns=columns).all()
