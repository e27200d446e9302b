"""Links between the records of one person's benefit: the conclusion, the review case, the care
plan, the entitlement and their notices, each page linking to the others it knows of.

A domain that knows how records relate adds a function ``(session, user, kind, record_id) ->
list[RelatedLink]`` from its ``wire()``; a page asks for the records related to its own (``kind``:
``application``, ``review_case``, ``care_plan`` or ``entitlement``). Only records the user may
open are linked."""
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class RelatedLink:
    label: str   # msgid: the kind of record (评估结论, 审核案件 …)
    text: str    # what identifies it: a number, a version, a period
    url: str


RelatedFn = Callable[[Session, object, str, int], list[RelatedLink]]
_HOOKS: list[RelatedFn] = []


def add_related(fn: RelatedFn) -> None:
    if fn not in _HOOKS:
        _HOOKS.append(fn)


def related(session: Session, user, kind: str, record_id: int) -> list[RelatedLink]:
    return [link for fn in _HOOKS for link in fn(session, user, kind, record_id)]


# --- the person page --------------------------------------------------------------------------

@dataclass
class PersonSection:
    """One list on the person page: ``rows`` with a ``url`` link their first cell. Sections of the
    same ``key`` from several domains are shown as one (e.g. the notices of applications and of
    entitlements)."""

    key: str
    title: str                      # msgid
    columns: list[tuple[str, str]]  # (row key, header msgid)
    rows: list[dict]
    order: int = 0                  # the place among the sections


PersonSectionFn = Callable[[Session, object, int], list[PersonSection]]
_SECTIONS: list[PersonSectionFn] = []


def add_person_sections(fn: PersonSectionFn) -> None:
    if fn not in _SECTIONS:
        _SECTIONS.append(fn)


def person_sections(session: Session, user, person_id: int) -> list[PersonSection]:
    """The person's records that ``user`` may open, one section per kind, in order."""
    merged: dict[str, PersonSection] = {}
    for fn in _SECTIONS:
        for section in fn(session, user, person_id):
            if section.key in merged:
                merged[section.key].rows.extend(section.rows)
            else:
                merged[section.key] = section
    return sorted(merged.values(), key=lambda s: s.order)
