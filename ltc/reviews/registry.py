"""What the engine needs to know about each kind of subject, registered by its domain.

A case type (data) names its subject type; the domain that owns the subject registers a
``SubjectType`` here: who the parties are (to find each step's owner), a title, the checks
each step's decider sees, the named preconditions, and what happens when a case ends.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Check:
    """One fact computed for a decider: passed (True/False) or informational (None)."""

    code: str
    label: str
    passed: bool | None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class Parties:
    person_id: int | None = None
    provider_id: int | None = None
    agency_id: int | None = None


ChecksFn = Callable[[Session, Any, str, date], list[Check]]   # (session, case, step code, day)
Precondition = Callable[[Session, Any, date], str | None]      # a reason to refuse approve, or None
Hook = Callable[..., None]                                    # (session, case, *, actor, now)


@dataclass(frozen=True)
class SubjectType:
    name: str
    parties: Callable[[Session, int], Parties]
    title: Callable[[Session, int], str]
    checks: ChecksFn | None = None
    preconditions: dict[str, Precondition] = field(default_factory=dict)
    on_complete: Hook | None = None
    on_end: Hook | None = None          # declined, rejected or cancelled
    link: Callable[[int], str] | None = None  # endpoint URL of the subject, for pages


SUBJECTS: dict[str, SubjectType] = {}


def register_subject(subject: SubjectType) -> SubjectType:
    SUBJECTS[subject.name] = subject
    return subject


def subject_type(name: str) -> SubjectType:
    try:
        return SUBJECTS[name]
    except KeyError:
        raise LookupError(f"no review subject type {name!r} is registered") from None


def no_checks(session: Session, case: Any, step: str, day: date) -> list[Check]:
    return []


__all__ = ["Check", "Parties", "SubjectType", "SUBJECTS", "register_subject", "subject_type", "no_checks",
           "datetime"]
