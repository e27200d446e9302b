"""Rulesets in the database: seeded idempotently, found by id or by date (SPEC §3.2)."""
import copy
from datetime import date

import pytest
from sqlalchemy import func, select

from ltc.assessment.scale.models import AssessmentRuleset
from ltc.assessment.scale.services import (NoRulesetInForce, RulesetChanged, UnknownRuleset, get_ruleset,
                                     ruleset_in_force, seed_rulesets, shipped_definitions)
from ltc.assessment.scale.scale import InvalidRuleset
from ltc.core.audit import AuditEntry
from ltc.core.errors import Conflict
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("unseeded")  # seeding the rulesets is what is tested

CN = shipped_definitions()[0]


def successor(**changes) -> dict:
    return {**copy.deepcopy(CN), "id": "CN-2030-01", "effective_from": "2030-01-01", **changes}


def closed(day: str = "2030-01-01") -> dict:
    return {**copy.deepcopy(CN), "effective_to": day}


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_the_package_ships_the_national_ruleset():
    assert [d["id"] for d in shipped_definitions()] == ["CN-2021-37"]


def test_seeding_stores_the_shipped_rulesets_once(session):
    assert seed_rulesets(session, now=NOW) == ["CN-2021-37"]
    assert seed_rulesets(session, now=NOW) == []
    row = session.execute(select(AssessmentRuleset)).scalar_one()
    assert (row.id, row.effective_from, row.effective_to) == ("CN-2021-37", date(2021, 7, 1), None)
    assert row.definition == CN and row.created_at == NOW
    audit = session.execute(select(AuditEntry).where(AuditEntry.entity == "assessment_ruleset")).scalars().all()
    assert [(a.action, a.entity_id) for a in audit] == [("create", "CN-2021-37")]


@pytest.mark.parametrize("day", [date(2021, 7, 1), date(2026, 3, 16), date(2099, 12, 31)])
def test_the_national_ruleset_is_in_force_from_july_2021(session, day):
    seed_rulesets(session, now=NOW)
    assert ruleset_in_force(session, day).id == "CN-2021-37"


def test_no_ruleset_is_in_force_before_july_2021(session):
    seed_rulesets(session, now=NOW)
    with pytest.raises(NoRulesetInForce) as caught:
        ruleset_in_force(session, date(2021, 6, 30))
    assert caught.value.status == 409 and "2021-06-30" in caught.value.message


def test_get_ruleset_by_id(session):
    seed_rulesets(session, now=NOW)
    ruleset = get_ruleset(session, "CN-2021-37")
    assert len(ruleset.items) == 17 and ruleset.matrix[3][3] == 5


def test_an_unknown_ruleset_id_is_refused_naming_the_field(session):
    seed_rulesets(session, now=NOW)
    with pytest.raises(UnknownRuleset) as caught:
        get_ruleset(session, "CN-1999-01")
    assert caught.value.status == 400 and caught.value.fields == {"ruleset": "unknown ruleset"}


def test_a_successor_takes_over_on_its_first_day(session):
    seed_rulesets(session, now=NOW)
    assert seed_rulesets(session, [closed(), successor()], now=NOW) == ["CN-2021-37", "CN-2030-01"]
    assert ruleset_in_force(session, date(2029, 12, 31)).id == "CN-2021-37"
    assert ruleset_in_force(session, date(2030, 1, 1)).id == "CN-2030-01"
    update = session.execute(select(AuditEntry).where(AuditEntry.action == "update")).scalar_one()
    assert (update.before, update.after) == ({"effective_to": None}, {"effective_to": "2030-01-01"})


def test_a_successor_overlapping_the_open_ruleset_is_refused(session):
    seed_rulesets(session, now=NOW)
    with pytest.raises(Conflict, match="同时生效"):
        seed_rulesets(session, [successor()], now=NOW)
    assert count(session, AssessmentRuleset) == 1


def test_the_same_id_twice_is_refused(session):
    with pytest.raises(Conflict, match="twice"):
        seed_rulesets(session, [CN, CN], now=NOW)


@pytest.mark.parametrize("change", [
    lambda d: d["matrix"][3].__setitem__(3, 4),
    lambda d: d["items"][0].update(allowed=[10, 0]),
    lambda d: d.update(effective_from="2021-01-01"),
    lambda d: d["levels"][5].update(name="重度失能三级"),
], ids=["matrix", "allowed values", "start", "level name"])
def test_a_stored_ruleset_cannot_be_rescored(session, change):
    seed_rulesets(session, now=NOW)
    definition = copy.deepcopy(CN)
    change(definition)
    with pytest.raises(RulesetChanged):
        seed_rulesets(session, [definition], now=NOW)
    assert get_ruleset(session, "CN-2021-37").definition == CN


def test_a_stored_ruleset_may_be_renamed(session):
    seed_rulesets(session, now=NOW)
    assert seed_rulesets(session, [{**CN, "name": "长期护理失能等级评估标准"}], now=NOW) == ["CN-2021-37"]
    assert session.get(AssessmentRuleset, "CN-2021-37").name == "长期护理失能等级评估标准"


def test_an_invalid_definition_stores_nothing(session):
    broken = successor(matrix=[[0]])
    with pytest.raises(InvalidRuleset):
        seed_rulesets(session, [CN, broken], now=NOW)
    assert count(session, AssessmentRuleset) == 0
