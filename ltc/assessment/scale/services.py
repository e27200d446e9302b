"""Scoring rulesets in the database (SPEC §3.2).

Rulesets ship as JSON files in ``ltc/assessment/scale/rulesets/<id>.json``; ``seed_rulesets`` loads
them idempotently (called by the migrations, the demo loader and test fixtures). The ruleset
in force on the assessment date applies; periods are half-open ``[effective_from, effective_to)``.
"""
import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.assessment.scale.models import AssessmentRuleset
from ltc.assessment.scale.scale import InvalidRuleset, Ruleset
from ltc.core.audit import SYSTEM, Actor, changes, record
from ltc.core.clock import utcnow
from ltc.core.errors import Conflict, ValidationFailed

SHIPPED = Path(__file__).with_name("rulesets")
#: what may change on a stored ruleset: its name, and its end when a successor is published.
#: Anything else would re-score history, so it needs a new ruleset id.
MUTABLE_KEYS = frozenset({"name", "effective_to"})


class UnknownRuleset(ValidationFailed):
    def __init__(self, ruleset_id: str):
        super().__init__(f"unknown ruleset {ruleset_id!r}", {"ruleset": "unknown ruleset"})


class NoRulesetInForce(Conflict):
    def __init__(self, day: date):
        super().__init__(f"no assessment ruleset in force on {day.isoformat()}",
                         {"ruleset": f"no ruleset in force on {day.isoformat()}"})


class RulesetChanged(Conflict):
    """A shipped definition changed more than its name or end date: publish a new id instead."""


def shipped_definitions() -> list[dict]:
    """The definitions shipped with the package, one per file named after its id."""
    definitions = []
    for path in sorted(SHIPPED.glob("*.json")):
        definition = json.loads(path.read_text(encoding="utf-8"))
        if definition.get("id") != path.stem:
            raise InvalidRuleset(f"{path.name}: id {definition.get('id')!r} does not match the file name")
        definitions.append(definition)
    return definitions


def get_ruleset(session: Session, ruleset_id: str) -> Ruleset:
    """The stored ruleset ``ruleset_id``. Raises UnknownRuleset (400, field ``ruleset``)."""
    row = session.get(AssessmentRuleset, ruleset_id)
    if row is None:
        raise UnknownRuleset(ruleset_id)
    return Ruleset.from_definition(row.definition)


def ruleset_in_force(session: Session, day: date) -> Ruleset:
    """The ruleset whose ``[effective_from, effective_to)`` contains ``day``. Raises NoRulesetInForce."""
    row = session.execute(
        select(AssessmentRuleset).where(
            AssessmentRuleset.effective_from <= day,
            or_(AssessmentRuleset.effective_to.is_(None), AssessmentRuleset.effective_to > day))
    ).scalar_one_or_none()
    if row is None:
        raise NoRulesetInForce(day)
    return Ruleset.from_definition(row.definition)


def seed_rulesets(session: Session, definitions: Iterable[dict] | None = None, *,
                  actor: Actor = SYSTEM, now: datetime | None = None) -> list[str]:
    """Store each definition (default: the shipped files) that is new or changed, audited.

    Idempotent: returns the ids inserted or updated, empty when all are stored already.
    Raises InvalidRuleset for a bad definition, RulesetChanged when a stored ruleset would be
    re-scored, Conflict when periods would overlap. Flushes, never commits.
    """
    now = now or utcnow()
    if definitions is None:
        definitions = shipped_definitions()
    incoming = [Ruleset.from_definition(definition) for definition in definitions]
    stored = {row.id: row for row in session.execute(select(AssessmentRuleset)).scalars()}
    _check_periods(stored, incoming)
    touched = []
    for ruleset in incoming:
        row = stored.get(ruleset.id)
        if row is None:
            session.add(AssessmentRuleset(
                id=ruleset.id, name=ruleset.name, effective_from=ruleset.effective_from,
                effective_to=ruleset.effective_to, definition=ruleset.definition, created_at=now))
            record(session, actor, "create", "assessment_ruleset", ruleset.id, now=now,
                   after={"name": ruleset.name, "effective_from": ruleset.effective_from,
                          "effective_to": ruleset.effective_to})
        elif row.definition != ruleset.definition:
            before, after = _allowed_changes(row.definition, ruleset.definition)
            row.name, row.effective_to = ruleset.name, ruleset.effective_to
            row.definition = ruleset.definition
            record(session, actor, "update", "assessment_ruleset", ruleset.id, before=before, after=after,
                   now=now)
        else:
            continue
        touched.append(ruleset.id)
    session.flush()
    return touched


def _allowed_changes(old: dict, new: dict) -> tuple[dict, dict]:
    before, after = changes(old, new)
    removed = old.keys() - new.keys()
    forbidden = sorted((after.keys() | removed) - MUTABLE_KEYS)
    if forbidden:
        raise RulesetChanged("评估标准 %(id)s 已以不同的 %(keys)s 保存；请以新的标准编号发布，而不是修改它",
                             params={"id": new["id"], "keys": forbidden})
    return before, after


def _check_periods(stored: dict[str, AssessmentRuleset], incoming: list[Ruleset]) -> None:
    ids = [ruleset.id for ruleset in incoming]
    if len(set(ids)) != len(ids):
        raise Conflict("the same ruleset id is given twice")
    periods = {row_id: (row.effective_from, row.effective_to) for row_id, row in stored.items()}
    periods.update({r.id: (r.effective_from, r.effective_to) for r in incoming})
    ordered = sorted(periods.items(), key=lambda entry: entry[1][0])
    for (earlier, (_, end)), (later, (start, _)) in zip(ordered, ordered[1:], strict=False):
        if end is None or end > start:
            raise Conflict("评估标准 %(earlier)s 与 %(later)s 将在 %(day)s 同时生效", params={
                "earlier": earlier, "later": later, "day": start.isoformat()})
