"""Entry-time checks (事前提醒, SPEC §6): the record services call ``check_record`` after a save; the
compliance domain registers the checker in its ``wire()`` (records know no rule), so the records
package never imports ``ltc.compliance``.

A checker takes ``(session, record_kind, record, *, now)``, stores the record's findings and returns
them (objects with at least ``rule``, ``severity``, ``message``, ``params``, ``evidence``).
"""
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

Checker = Callable[..., Sequence[Any]]
#: ``(session, record_kind, record_id) -> findings`` stored for a record (the record page shows them)
Reader = Callable[..., Sequence[Any]]
_checkers: list[Checker] = []
_readers: list[Reader] = []


def add_record_checker(checker: Checker) -> None:
    """Register a checker (idempotent)."""
    if checker not in _checkers:
        _checkers.append(checker)


def registered_checkers() -> tuple[Checker, ...]:
    return tuple(_checkers)


def check_record(session: Session, record_kind: str, record: Any, *, now: datetime) -> list[Any]:
    """Run every registered checker over a saved record; their findings, in registration order."""
    findings: list[Any] = []
    for checker in _checkers:
        findings.extend(checker(session, record_kind, record, now=now))
    return findings


def add_findings_reader(reader: Reader) -> None:
    """Register the reader of a record's stored findings (idempotent; the compliance domain's ``wire()``)."""
    if reader not in _readers:
        _readers.append(reader)


def findings_of(session: Session, record_kind: str, record_id: int) -> list[Any]:
    """The stored findings of a record, from every registered reader (none before one is registered)."""
    found: list[Any] = []
    for reader in _readers:
        found.extend(reader(session, record_kind, record_id))
    return found
