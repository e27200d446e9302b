"""Loading a ruleset definition fails loudly on anything inconsistent (SPEC §3.2)."""
import copy
from datetime import date

import pytest

from ltc.assessment.scale.scale import InvalidRuleset, Ruleset
from tests.unit.test_scale import DEFINITION


def changed(change) -> dict:
    definition = copy.deepcopy(DEFINITION)
    change(definition)
    return definition


def band(definition, indicator, grade) -> dict:
    return next(b for b in definition["indicators"][indicator]["bands"] if b["grade"] == grade)


def item(definition, code) -> dict:
    return next(i for i in definition["items"] if i["code"] == code)


def drop_perception_items(d):
    d["items"] = [i for i in d["items"] if i["indicator"] != "perception"]


BROKEN = [  # (what is wrong, change, fragment of the message)
    ("bands overlap", lambda d: band(d, "adl", 1).update(min=60), "overlap"),
    ("same band twice", lambda d: d["indicators"]["cognition"]["bands"].append({"grade": 1, "min": 4, "max": 4}),
     "overlap"),
    ("reachable ADL total in no band", lambda d: band(d, "adl", 1).update(min=70), "reachable total 65"),
    ("top ADL total in no band", lambda d: band(d, "adl", 0).update(min=101, max=101), "reachable total 100"),
    ("cognition total in no band", lambda d: band(d, "cognition", 2).update(max=2), "reachable total 3"),
    ("perception 0 in no band", lambda d: band(d, "perception", 3).update(min=1), "reachable total 0"),
    ("item value beyond the bands", lambda d: item(d, "memory")["allowed"].append(5), "reachable total 17"),
    ("band grade out of range", lambda d: band(d, "adl", 3).update(grade=4), "grade out of range"),
    ("band min above max", lambda d: band(d, "adl", 2).update(min=61), "min > max"),
    ("band bound not an integer", lambda d: band(d, "adl", 2).update(min=45.0), "wrong type"),
    ("band grade a bool", lambda d: band(d, "adl", 1).update(grade=True), "wrong type"),
    ("matrix with 3 rows", lambda d: d["matrix"].pop(), "4 × 4"),
    ("matrix row of 5", lambda d: d["matrix"][1].append(2), "4 × 4"),
    ("matrix cell beyond the levels", lambda d: d["matrix"][3].__setitem__(3, 6), "every cell"),
    ("matrix cell a bool", lambda d: d["matrix"][0].__setitem__(0, False), "every cell"),
    ("matrix rows not adl", lambda d: d.update(matrix_rows="cp"), "matrix_rows"),
    ("cp rule min", lambda d: d["cp"].update(rule="min"), "cp"),
    ("cp of cognition only", lambda d: d["cp"].update(of=["cognition"]), "cp"),
    ("unknown indicator on an item", lambda d: item(d, "feeding").update(indicator="mobility"),
     "unknown indicator"),
    ("duplicate item code", lambda d: item(d, "dressing").update(code="feeding"), "duplicate"),
    ("no allowed values", lambda d: item(d, "feeding").update(allowed=[]), "allowed"),
    ("allowed value a bool", lambda d: item(d, "bathing").update(allowed=[True, False]), "allowed"),
    ("allowed value a float", lambda d: item(d, "bathing").update(allowed=[5.0, 0]), "allowed"),
    ("allowed value repeated", lambda d: item(d, "bathing").update(allowed=[5, 5, 0]), "allowed"),
    ("allowed value negative", lambda d: item(d, "bathing").update(allowed=[5, -5]), "allowed"),
    ("allowed not a list", lambda d: item(d, "bathing").update(allowed="5,0"), "wrong type"),
    ("an indicator without items", drop_perception_items, "perception: no items"),
    ("an extra indicator", lambda d: d["indicators"].update(mobility=d["indicators"]["adl"]), "exactly"),
    ("a missing indicator", lambda d: d["indicators"].pop("perception"), "exactly"),
    ("no items key", lambda d: d.pop("items"), "'items' is required"),
    ("no name", lambda d: d.pop("name"), "'name' is required"),
    ("levels misnumbered", lambda d: d["levels"][2].update(level=3), "numbered"),
    ("level without a name", lambda d: d["levels"][2].pop("name"), "'name' is required"),
    ("grade names not strings", lambda d: d.update(grade_names=[0, 1, 2, 3]), "grade_names"),
    ("ends before it starts", lambda d: d.update(effective_to="2021-07-01"), "after effective_from"),
    ("start not a date", lambda d: d.update(effective_from="2021-13-01"), "not an ISO date"),
    ("end not a date", lambda d: d.update(effective_to=20210701), "not an ISO date"),
]


@pytest.mark.parametrize("what, change, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_an_inconsistent_definition_is_refused(what, change, message):
    with pytest.raises(InvalidRuleset, match=message):
        Ruleset.from_definition(changed(change))


@pytest.mark.parametrize("definition", [None, [], "CN-2021-37"])
def test_a_definition_must_be_an_object(definition):
    with pytest.raises(InvalidRuleset):
        Ruleset.from_definition(definition)


def test_unreachable_gaps_between_bands_are_accepted():
    ruleset = Ruleset.from_definition(changed(lambda d: band(d, "adl", 1).update(min=62, max=97)))
    assert ruleset.grade_of("adl", 65) == 1


def test_a_closed_ruleset_covers_its_half_open_period():
    ruleset = Ruleset.from_definition(changed(lambda d: d.update(effective_to="2030-01-01")))
    assert [ruleset.covers(day) for day in (date(2021, 6, 30), date(2021, 7, 1), date(2029, 12, 31),
                                             date(2030, 1, 1))] == [False, True, True, False]


def test_the_ruleset_keeps_its_own_copy_of_the_definition():
    definition = copy.deepcopy(DEFINITION)
    ruleset = Ruleset.from_definition(definition)
    definition["matrix"][0][0] = 5
    assert ruleset.definition == DEFINITION and ruleset.matrix[0][0] == 0
