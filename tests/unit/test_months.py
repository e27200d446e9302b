"""Month arithmetic (SPEC §0.1): one module for validity, SLAs, entitlement dates and billing."""
from datetime import date

import pytest

from ltc.core.months import (add_months, days, days_in_month, first_of_month, first_of_next_month,
                             last_of_month, month_bounds, months_touched)

D = date


@pytest.mark.parametrize("day, months, expected", [
    (D(2026, 3, 16), 24, D(2028, 3, 16)),      # validity of a conclusion
    (D(2026, 3, 16), 6, D(2026, 9, 16)),
    (D(2026, 1, 31), 0, D(2026, 1, 31)),
    (D(2026, 1, 31), 1, D(2026, 2, 28)),       # 31st → 28th
    (D(2028, 1, 31), 1, D(2028, 2, 29)),       # 31st → 29th in a leap year
    (D(2026, 8, 31), 6, D(2027, 2, 28)),
    (D(2027, 8, 31), 6, D(2028, 2, 29)),
    (D(2026, 3, 31), 1, D(2026, 4, 30)),       # 31st → 30th
    (D(2026, 5, 30), 9, D(2027, 2, 28)),       # 30th → 28th
    (D(2028, 2, 29), 12, D(2029, 2, 28)),      # leap day + a year
    (D(2028, 2, 29), 48, D(2032, 2, 29)),      # leap day + four years
    (D(2026, 11, 30), 2, D(2027, 1, 30)),
    (D(2026, 12, 15), 1, D(2027, 1, 15)),      # December → January
    (D(2026, 12, 31), 1, D(2027, 1, 31)),
    (D(2026, 12, 1), 13, D(2028, 1, 1)),
    (D(2026, 1, 15), -1, D(2025, 12, 15)),     # January → December, going back
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
    (D(2024, 3, 31), -1, D(2024, 2, 29)),
    (D(2026, 3, 16), -24, D(2024, 3, 16)),
    (D(2026, 3, 16), -27, D(2023, 12, 16)),
    (D(2026, 1, 1), -12, D(2025, 1, 1)),
    (D(2026, 1, 1), -13, D(2024, 12, 1)),
])
def test_add_months_clamps_to_the_end_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("day, first, next_first, last, length", [
    (D(2026, 3, 16), D(2026, 3, 1), D(2026, 4, 1), D(2026, 3, 31), 31),
    (D(2026, 3, 1), D(2026, 3, 1), D(2026, 4, 1), D(2026, 3, 31), 31),
    (D(2026, 4, 30), D(2026, 4, 1), D(2026, 5, 1), D(2026, 4, 30), 30),
    (D(2026, 2, 10), D(2026, 2, 1), D(2026, 3, 1), D(2026, 2, 28), 28),
    (D(2028, 2, 10), D(2028, 2, 1), D(2028, 3, 1), D(2028, 2, 29), 29),
    (D(2100, 2, 10), D(2100, 2, 1), D(2100, 3, 1), D(2100, 2, 28), 28),   # not a leap year
    (D(2000, 2, 10), D(2000, 2, 1), D(2000, 3, 1), D(2000, 2, 29), 29),   # a leap year
    (D(2026, 12, 31), D(2026, 12, 1), D(2027, 1, 1), D(2026, 12, 31), 31),
    (D(2027, 1, 1), D(2027, 1, 1), D(2027, 2, 1), D(2027, 1, 31), 31),
])
def test_the_month_of_a_day(day, first, next_first, last, length):
    assert first_of_month(day) == first
    assert first_of_next_month(day) == next_first
    assert last_of_month(day) == last
    assert days_in_month(day) == length
    assert month_bounds(day) == (first, next_first)


@pytest.mark.parametrize("start, end, horizon, expected", [
    (D(2026, 3, 16), D(2026, 3, 20), None, [D(2026, 3, 1)]),
    (D(2026, 3, 1), D(2026, 4, 1), None, [D(2026, 3, 1)]),                  # a whole month, end exclusive
    (D(2026, 3, 1), D(2026, 4, 2), None, [D(2026, 3, 1), D(2026, 4, 1)]),   # one day into April
    (D(2026, 3, 31), D(2026, 4, 1), None, [D(2026, 3, 1)]),                 # the last day only
    (D(2026, 11, 30), D(2027, 2, 1), None, [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)]),
    (D(2026, 3, 16), D(2026, 3, 16), None, []),                             # empty
    (D(2026, 3, 16), D(2026, 3, 10), None, []),                             # inverted
    (D(2026, 12, 20), None, D(2027, 2, 1), [D(2026, 12, 1), D(2027, 1, 1)]),  # open: up to the horizon
    (D(2026, 12, 20), None, D(2027, 2, 2), [D(2026, 12, 1), D(2027, 1, 1), D(2027, 2, 1)]),
    (D(2027, 3, 1), None, D(2027, 2, 1), []),                               # starts after the horizon
    (D(2026, 3, 16), D(2026, 5, 1), D(2026, 4, 1), [D(2026, 3, 1), D(2026, 4, 1)]),  # a closed end ignores it
])
def test_the_months_a_period_touches(start, end, horizon, expected):
    assert months_touched(start, end, horizon=horizon) == expected


def test_an_open_period_without_a_horizon_touches_no_countable_months():
    with pytest.raises(ValueError, match="horizon"):
        months_touched(D(2026, 3, 1), None)


@pytest.mark.parametrize("start, end, expected", [
    (D(2026, 2, 27), D(2026, 3, 2), [D(2026, 2, 27), D(2026, 2, 28), D(2026, 3, 1)]),
    (D(2028, 2, 28), D(2028, 3, 1), [D(2028, 2, 28), D(2028, 2, 29)]),
    (D(2026, 12, 31), D(2027, 1, 2), [D(2026, 12, 31), D(2027, 1, 1)]),
    (D(2026, 3, 1), D(2026, 3, 1), []),
    (D(2026, 3, 2), D(2026, 3, 1), []),
])
def test_days_of_a_half_open_period(start, end, expected):
    assert list(days(start, end)) == expected


def test_a_month_has_as_many_days_as_its_length():
    for month in months_touched(D(2024, 1, 1), D(2029, 1, 1)):
        assert len(list(days(*month_bounds(month)))) == days_in_month(month)
