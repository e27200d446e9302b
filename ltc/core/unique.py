"""A unique key (or a PostgreSQL exclusion constraint) violated by a race, as a Conflict (409).

Services check a key before inserting, but two requests can both pass the check and insert at
once: the database refuses the second (``IntegrityError``). ``as_conflict`` turns that refusal
into a Conflict naming the key's fields, with the words each domain registers for its keys in
``wire()`` (``describe_key``); any other integrity error is not a race and stays an error.
"""
import re

from sqlalchemy.exc import IntegrityError

from ltc.core.errors import Conflict

#: PostgreSQL: unique_violation, exclusion_violation
RACE_SQLSTATES = frozenset({"23505", "23P01"})
#: PostgreSQL's detail: ``Key (person_id, care_type)=(7, home) already exists.``
_PG_KEY = re.compile(r"Key \(([^)]*)\)=")
#: SQLite's message: ``UNIQUE constraint failed: insured_persons.id_number, …``
_SQLITE_KEY = re.compile(r"UNIQUE constraint failed: (.+)$")
GENERIC = "与已有记录重复，可能是他人刚刚提交了相同的内容，请刷新后重试"

_descriptions: dict[tuple[str, tuple[str, ...]], str] = {}


def describe_key(table: str, columns: tuple[str, ...], message: str) -> None:
    """The words shown when ``table``'s unique key over ``columns`` is taken (idempotent)."""
    _descriptions[(table, tuple(columns))] = message


def violated_key(exc: IntegrityError) -> tuple[str, tuple[str, ...]] | None:
    """(table, columns) of the unique or exclusion key the statement violated, else None."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in RACE_SQLSTATES:  # psycopg
        diag = orig.diag
        match = _PG_KEY.search(diag.message_detail or "")
        columns = tuple(c.strip() for c in match.group(1).split(",")) if match else ()
        return diag.table_name or "", columns
    match = _SQLITE_KEY.search(str(orig))
    if match is None:
        return None
    names = [name.strip() for name in match.group(1).split(",")]
    if not all("." in name for name in names):  # "index 'ix_…'": an expression index
        return "", ()
    return names[0].split(".", 1)[0], tuple(name.split(".", 1)[1] for name in names)


def as_conflict(exc: IntegrityError) -> Conflict | None:
    """The Conflict for a unique-key race, naming the key's fields; None for other integrity errors."""
    key = violated_key(exc)
    if key is None:
        return None
    columns = key[1]
    fields = {column: "already exists" for column in columns} or {"body": "already exists"}
    message = _descriptions.get(key, GENERIC)
    return Conflict(message, fields)
