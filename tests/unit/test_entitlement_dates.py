"""The date rules of SPEC §4.2 (pure)."""
from datetime import date

import pytest

from ltc.entitlements import dates


@pytest.mark.parametrize("care_type, concluded, start", [
    ("institution", date(2026, 3, 16), date(2026, 3, 1)),
    ("special", date(2026, 3, 31), date(2026, 3, 1)),
    ("home", date(2026, 3, 16), date(2026, 4, 1)),
    ("outreach", date(2026, 3, 1), date(2026, 4, 1)),
    ("family", date(2026, 3, 31), date(2026, 4, 1)),
    ("home", date(2026, 12, 15), date(2027, 1, 1)),       # December → January of the next year
    ("family", date(2026, 12, 31), date(2027, 1, 1)),
    ("institution", date(2026, 12, 31), date(2026, 12, 1)),
    ("special", date(2027, 1, 1), date(2027, 1, 1)),
])
def test_first_entitlement_starts_by_care_type(care_type, concluded, start):
    assert dates.first_start(care_type, concluded) == start


def test_an_unknown_care_type_has_no_start():
    with pytest.raises(ValueError):
        dates.first_start("spa", date(2026, 3, 16))


@pytest.mark.parametrize("trigger, start", [
    (date(2026, 3, 16), date(2026, 4, 1)), (date(2026, 3, 1), date(2026, 4, 1)),
    (date(2026, 2, 28), date(2026, 3, 1)), (date(2026, 12, 31), date(2027, 1, 1)),
])
def test_a_change_starts_the_first_of_the_month_after_the_trigger(trigger, start):
    assert dates.change_start(trigger) == start


def test_the_end_is_the_conclusion_validity_end_when_nothing_comes_first():
    assert dates.entitlement_end(date(2028, 3, 16)) == (date(2028, 3, 16), "expiry")


def test_death_on_the_last_day_of_a_month_ends_on_the_first_of_the_next():
    assert dates.entitlement_end(date(2028, 3, 16), death_date=date(2026, 2, 28)) == (date(2026, 3, 1), "death")
    assert dates.entitlement_end(date(2028, 3, 16), death_date=date(2026, 12, 31)) == (date(2027, 1, 1), "death")


def test_an_expiry_earlier_than_death_wins():
    assert dates.entitlement_end(date(2026, 5, 1), death_date=date(2026, 6, 10)) == (date(2026, 5, 1), "expiry")


def test_a_change_ends_the_old_entitlement_on_the_new_start():
    new_start = dates.change_start(date(2026, 5, 20))
    assert dates.entitlement_end(date(2027, 1, 1), replaced_from=new_start) == (date(2026, 6, 1), "change")


def test_on_a_tie_death_is_the_reason():
    assert dates.entitlement_end(date(2026, 6, 1), death_date=date(2026, 5, 31),
                                 replaced_from=date(2026, 6, 1)) == (date(2026, 6, 1), "death")


def test_a_retroactive_start_is_just_a_date_in_the_past():
    # concluded in January, granted in March: institution care runs from 1 January
    assert dates.first_start("institution", date(2026, 1, 20)) == date(2026, 1, 1)
