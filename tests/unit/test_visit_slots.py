"""The slots of a month's schedule (pure): weekdays, several visits a day, weeks without weekdays,
monthly visits spread over working days, in proportion when the plan covers part of the month."""
from datetime import date, datetime, time, timedelta

import pytest

from ltc.providers.records.slots import SlotType, monthly_slots, spread, weekly_slots

MARCH = [date(2026, 3, 1) + timedelta(days=i) for i in range(31)]          # 1 March 2026 is a Sunday
WORKING = [d for d in MARCH if d.isoweekday() <= 5]                         # 22 days


def starts(slots):
    return [(s.day, s.strftime("%H:%M")) for s in slots]


@pytest.mark.parametrize("kind, expected", [
    (SlotType(1, 2, "week", 60, (1, 4), time(9)), [(2, "09:00"), (5, "09:00"), (9, "09:00")]),
    (SlotType(1, 4, "week", 60, (1, 4), time(9)),                            # twice each of those days, 2 h apart
     [(2, "09:00"), (2, "11:00"), (5, "09:00"), (5, "11:00"), (9, "09:00"), (9, "11:00")]),
    (SlotType(1, 1, "week", 30, (), None), [(2, "08:00"), (9, "08:00")]),   # no weekday: Monday; no time: 08:00
    (SlotType(1, 3, "week", 30, (), time(14)), [(2, "14:00"), (4, "14:00"), (6, "14:00"), (9, "14:00")]),
])
def test_weekly_slots(kind, expected):
    assert starts(weekly_slots(kind, MARCH[:9]))[:len(expected)] == expected


def test_weekly_slots_only_on_the_days_the_plan_is_in_force():
    kind = SlotType(1, 2, "week", 60, (1, 4), time(9))
    assert starts(weekly_slots(kind, MARCH[15:])) == [(16, "09:00"), (19, "09:00"), (23, "09:00"), (26, "09:00"),
                                                      (30, "09:00")]


@pytest.mark.parametrize("count, days, expected", [
    (2, 22, {5: 1, 16: 1}), (1, 10, {5: 1}), (4, 4, {0: 1, 1: 1, 2: 1, 3: 1}), (3, 2, {0: 1, 1: 2}), (0, 5, {}),
])
def test_spread_puts_each_visit_in_the_middle_of_an_equal_share(count, days, expected):
    chosen = spread(count, WORKING[:days])
    assert {WORKING.index(d): n for d, n in chosen.items()} == expected


def test_monthly_slots_cover_the_month_or_a_share_of_it():
    kind = SlotType(2, 2, "month", 30, (), time(10))
    assert starts(monthly_slots(kind, WORKING, len(WORKING))) == [(9, "10:00"), (24, "10:00")]
    first_half = [d for d in WORKING if d.day < 16]                          # 10 of 22 working days: once
    assert starts(monthly_slots(kind, first_half, len(WORKING))) == [(9, "10:00")]
    assert monthly_slots(kind, [], len(WORKING)) == [] and spread(3, []) == {}
    assert isinstance(monthly_slots(kind, WORKING, 22)[0], datetime)
