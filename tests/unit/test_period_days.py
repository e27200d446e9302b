"""The value of a dated attribute on each day of a window, from periods already loaded (no database)."""
from dataclasses import dataclass
from datetime import date

import pytest

from ltc.core.periods import each_day_by_subject, value_on_each_day, values_on_each_day

D = date
MARCH = (D(2026, 3, 1), D(2026, 4, 1))


@dataclass
class Period:
    valid_from: date
    valid_to: date | None
    status: str


def runs(by_day: dict) -> list[tuple[date, date, object]]:
    """``{day: value}`` as ``[first day, last day, value]`` runs, so a table can state a month briefly."""
    out: list[list] = []
    for day, value in by_day.items():
        if out and out[-1][2] == value:
            out[-1][1] = day
        else:
            out.append([day, day, value])
    return [tuple(run) for run in out]


@pytest.mark.parametrize("periods, expected", [
    ([], [(D(2026, 3, 1), D(2026, 3, 31), None)]),
    ([Period(D(2025, 1, 1), None, "active")], [(D(2026, 3, 1), D(2026, 3, 31), "active")]),
    ([Period(D(2025, 1, 1), D(2026, 3, 10), "active"), Period(D(2026, 3, 10), None, "suspended")],
     [(D(2026, 3, 1), D(2026, 3, 9), "active"), (D(2026, 3, 10), D(2026, 3, 31), "suspended")]),
    # half-open: ending on 1 April covers the 31st; starting on the 31st covers only that day
    ([Period(D(2026, 3, 31), D(2026, 5, 1), "active")],
     [(D(2026, 3, 1), D(2026, 3, 30), None), (D(2026, 3, 31), D(2026, 3, 31), "active")]),
    ([Period(D(2026, 1, 1), D(2026, 3, 1), "active"), Period(D(2026, 4, 1), None, "active")],
     [(D(2026, 3, 1), D(2026, 3, 31), None)]),
    ([Period(D(2026, 3, 5), D(2026, 3, 6), "active"), Period(D(2026, 3, 20), D(2026, 3, 22), "transferred")],
     [(D(2026, 3, 1), D(2026, 3, 4), None), (D(2026, 3, 5), D(2026, 3, 5), "active"),
      (D(2026, 3, 6), D(2026, 3, 19), None), (D(2026, 3, 20), D(2026, 3, 21), "transferred"),
      (D(2026, 3, 22), D(2026, 3, 31), None)]),
])
def test_the_value_on_each_day_of_march(periods, expected):
    by_day = value_on_each_day(periods, *MARCH, "status")
    assert list(by_day) == [D(2026, 3, d) for d in range(1, 32)]
    assert runs(by_day) == expected


def test_february_of_a_leap_year_has_29_days():
    by_day = value_on_each_day([Period(D(2028, 2, 29), None, "deceased")], D(2028, 2, 1), D(2028, 3, 1), "status")
    assert len(by_day) == 29 and by_day[D(2028, 2, 29)] == "deceased" and by_day[D(2028, 2, 28)] is None


def test_the_value_may_be_computed_from_the_period():
    by_day = value_on_each_day([Period(D(2026, 3, 30), None, "active")], *MARCH,
                               lambda p: (p.status, p.valid_from))
    assert by_day[D(2026, 3, 31)] == ("active", D(2026, 3, 30))


def test_two_periods_covering_one_day_are_an_error_for_a_single_value():
    with pytest.raises(ValueError, match="2026-03-15"):
        value_on_each_day([Period(D(2026, 3, 1), D(2026, 3, 16), "active"),
                           Period(D(2026, 3, 15), None, "suspended")], *MARCH, "status")


def test_an_empty_window_has_no_days():
    assert value_on_each_day([Period(D(2025, 1, 1), None, "active")], D(2026, 3, 1), D(2026, 3, 1), "status") == {}


def test_multi_valued_attributes_give_the_set_of_values_on_each_day():
    tags = [Period(D(2025, 1, 1), None, "low_income"), Period(D(2026, 3, 10), D(2026, 3, 20), "disabled"),
            Period(D(2026, 3, 31), None, "veteran")]
    by_day = values_on_each_day(tags, *MARCH, "status")
    assert runs(by_day) == [
        (D(2026, 3, 1), D(2026, 3, 9), frozenset({"low_income"})),
        (D(2026, 3, 10), D(2026, 3, 19), frozenset({"low_income", "disabled"})),
        (D(2026, 3, 20), D(2026, 3, 30), frozenset({"low_income"})),
        (D(2026, 3, 31), D(2026, 3, 31), frozenset({"low_income", "veteran"})),
    ]
    assert values_on_each_day([], D(2026, 3, 1), D(2026, 3, 3), "status") == {
        D(2026, 3, 1): frozenset(), D(2026, 3, 2): frozenset()}


def test_each_day_by_subject_keeps_subjects_without_periods():
    by_subject = {7: [Period(D(2026, 3, 2), None, "active")], 8: []}
    days = each_day_by_subject(by_subject, D(2026, 3, 1), D(2026, 3, 3), "status")
    assert days == {7: {D(2026, 3, 1): None, D(2026, 3, 2): "active"},
                    8: {D(2026, 3, 1): None, D(2026, 3, 2): None}}
    multi = each_day_by_subject(by_subject, D(2026, 3, 1), D(2026, 3, 3), "status", multi=True)
    assert multi[7] == {D(2026, 3, 1): frozenset(), D(2026, 3, 2): frozenset({"active"})}
