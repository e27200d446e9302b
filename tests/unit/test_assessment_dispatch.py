"""Choosing an agency: fewest open cases, ties broken by a seeded random draw."""
import random

import pytest

from ltc.assessment.applications.services.dispatch import pick_agency


@pytest.mark.parametrize("loads,expected", [
    ({3: 2, 6: 0, 7: 1}, 6),
    ({3: 0}, 3),
    ({3: 5, 6: 4, 7: 4, 9: 7}, None),   # 6 or 7
])
def test_the_least_loaded_agency_wins(loads, expected):
    for seed in range(50):
        choice = pick_agency(loads, seed)
        assert choice == expected if expected is not None else choice in (6, 7)


def test_ties_are_broken_by_the_seed_and_the_seed_reproduces_the_choice():
    loads = {7: 1, 3: 1, 6: 1}
    choices = {seed: pick_agency(loads, seed) for seed in range(40)}
    assert set(choices.values()) == {3, 6, 7}                 # every tied agency gets picked for some seed
    for seed, choice in choices.items():
        assert pick_agency(dict(reversed(list(loads.items()))), seed) == choice   # order of the mapping is irrelevant
        assert random.Random(seed).choice([3, 6, 7]) == choice                  # documented draw


def test_no_agency_is_an_error():
    with pytest.raises(ValueError):
        pick_agency({}, 1)
