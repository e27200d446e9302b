"""What each domain does when two person rows are merged into one (SPEC §2: a person registered
twice). The people domain knows no other domain: each domain that holds references to persons
registers a ``MergeHook`` from its ``wire()``, naming the columns it answers for.

A hook's ``moves`` are re-pointed from the duplicate to the survivor (one UPDATE per column);
``keeps`` stay on the duplicate on purpose (history, e.g. the roster's dated periods, which the
survivor's own periods replace). ``refusals(session, survivor, duplicate)`` lists the rules the
merge would break (two open applications, overlapping entitlements …): the merge is then refused
with those messages and nothing moves. ``counts`` labels the preview rows; each counts one
person's rows (``count(session, person_id) -> int``).
"""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

Counter = Callable[[Session, int], int]
Refusals = Callable[[Session, Any, Any], list[str]]


@dataclass(frozen=True)
class MergeHook:
    name: str
    moves: tuple[Any, ...] = ()
    keeps: tuple[Any, ...] = ()
    counts: tuple[tuple[str, Counter], ...] = ()
    refusals: Refusals | None = None


MERGE_HOOKS: dict[str, MergeHook] = {}


def add_merge_hook(hook: MergeHook) -> None:
    """Register a domain's merge hook (idempotent: wiring twice registers once)."""
    MERGE_HOOKS[hook.name] = hook


def rows_of(column) -> Counter:
    """A counter of the rows whose ``column`` is the person."""
    def count(session: Session, person_id: int) -> int:
        return session.scalar(select(func.count()).select_from(column.class_).where(column == person_id)) or 0
    return count


def covered_columns() -> set[tuple[str, str]]:
    """(table, column) of every person reference some hook answers for (moved or kept)."""
    return {(c.class_.__table__.name, c.key) for hook in MERGE_HOOKS.values() for c in hook.moves + hook.keeps}


def uncovered_references(metadata) -> set[tuple[str, str]]:
    """(table, column) of the foreign keys to ``insured_persons`` in ``metadata`` that no hook
    answers for: a table added without its hook would keep records on a merged duplicate."""
    found = {(fk.parent.table.name, fk.parent.name) for table in metadata.sorted_tables
             for fk in table.foreign_keys if fk.column.table.name == "insured_persons"}
    return found - covered_columns()


def move_rows(session: Session, hook: MergeHook, *, survivor_id: int, duplicate_id: int) -> int:
    """Re-point the hook's columns from the duplicate to the survivor; returns the rows moved."""
    moved = 0
    for column in hook.moves:
        result = session.execute(update(column.class_).where(column == duplicate_id).values({column.key: survivor_id})
                                 .execution_options(synchronize_session="fetch"))
        moved += result.rowcount or 0
    return moved
