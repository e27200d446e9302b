"""Working-day arithmetic without the database (SPEC §0.1).

Official 2026 calendar used below (chinese_calendar 1.11): Spring Festival holidays
Sun 15 – Mon 23 February 2026, in-lieu workdays Sat 14 and Sat 28 February.
2027 is unknown to the package: weekends plus overrides only.
"""
import warnings
from datetime import date, timedelta

import pytest

from ltc.core.calendar import WorkCalendar, official_calendar_knows, years_to_check

OFFICIAL = WorkCalendar()
D = date


@pytest.mark.parametrize("day,expected", [
    (D(2026, 2, 13), True),    # Friday before the festival
    (D(2026, 2, 14), True),    # Saturday, in-lieu workday (调休)
    (D(2026, 2, 15), False),   # Sunday, first day of the holiday
    (D(2026, 2, 16), False),   # Monday, Spring Festival
    (D(2026, 2, 20), False),   # Friday, Spring Festival
    (D(2026, 2, 23), False),   # Monday, last holiday
    (D(2026, 2, 24), True),    # Tuesday, back to work
    (D(2026, 2, 28), True),    # Saturday, in-lieu workday (调休)
    (D(2026, 3, 1), False),    # ordinary Sunday
    (D(2026, 1, 1), False),    # New Year's Day
    (D(2026, 1, 4), True),     # Sunday, in-lieu workday
    (D(2027, 1, 1), True),     # unknown year: a Friday is a workday until an admin says otherwise
    (D(2027, 1, 2), False),    # unknown year: Saturday
    (D(2027, 2, 6), False),    # unknown year: Saturday
    (D(2003, 12, 31), True),   # before the package's range: Wednesday
])
def test_is_workday_follows_the_official_calendar_then_weekends(day, expected):
    assert OFFICIAL.is_workday(day) is expected


@pytest.mark.parametrize("start,n,due", [
    (D(2026, 2, 13), 0, D(2026, 2, 13)),
    (D(2026, 2, 16), 0, D(2026, 2, 16)),   # n = 0 is the day itself, even a holiday
    (D(2026, 2, 13), 1, D(2026, 2, 14)),   # the in-lieu Saturday counts
    (D(2026, 2, 14), 1, D(2026, 2, 24)),   # the whole festival is skipped
    (D(2026, 2, 13), 5, D(2026, 2, 27)),
    (D(2026, 2, 13), 6, D(2026, 2, 28)),   # second in-lieu Saturday
    (D(2026, 2, 13), 7, D(2026, 3, 2)),
    (D(2026, 2, 16), 1, D(2026, 2, 24)),   # from inside the holiday
    (D(2026, 3, 16), 5, D(2026, 3, 23)),   # an ordinary week
    (D(2026, 12, 31), 1, D(2027, 1, 1)),   # into the unknown year
    (D(2026, 12, 31), 2, D(2027, 1, 4)),
    (D(2027, 1, 1), 1, D(2027, 1, 4)),
    (D(2027, 2, 5), 10, D(2027, 2, 19)),
])
def test_add_working_days_excludes_the_start_and_returns_the_nth_working_day(start, n, due):
    assert OFFICIAL.add_working_days(start, n) == due


@pytest.mark.parametrize("a,b,count", [
    (D(2026, 2, 13), D(2026, 2, 27), 5),
    (D(2026, 2, 13), D(2026, 2, 13), 0),
    (D(2026, 2, 27), D(2026, 2, 13), 0),   # b before a
    (D(2026, 2, 14), D(2026, 2, 23), 0),   # (a, b] lies inside the festival
    (D(2026, 2, 13), D(2026, 2, 14), 1),   # b is included
    (D(2026, 2, 14), D(2026, 2, 24), 1),   # a is excluded
    (D(2027, 1, 1), D(2027, 1, 8), 5),
])
def test_working_days_between_counts_the_half_open_range(a, b, count):
    assert OFFICIAL.working_days_between(a, b) == count


@pytest.mark.parametrize("start", [D(2026, 1, 30), D(2026, 2, 10), D(2026, 9, 28), D(2026, 12, 20), D(2027, 3, 1)])
def test_working_days_between_and_add_working_days_agree(start):
    for n in range(0, 45):
        due = OFFICIAL.add_working_days(start, n)
        assert OFFICIAL.working_days_between(start, due) == n
        assert n == 0 or OFFICIAL.is_workday(due)
        assert n == 0 or OFFICIAL.working_days_between(start, due - timedelta(days=1)) == n - 1


def test_an_override_beats_the_official_calendar():
    cal = WorkCalendar({D(2026, 2, 24): False, D(2026, 2, 16): True, D(2026, 2, 14): False})
    assert cal.is_workday(D(2026, 2, 24)) is False
    assert cal.is_workday(D(2026, 2, 16)) is True
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 16)
    assert cal.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 25)
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 25)) == 2


def test_overrides_enter_the_holidays_of_an_unknown_year():
    festival = {D(2027, 2, 6) + timedelta(days=i): False for i in range(9)}  # Sat 6 – Sun 14 Feb 2027
    cal = WorkCalendar({**festival, D(2027, 2, 20): True})                   # Saturday 调休
    assert cal.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 15)
    assert cal.add_working_days(D(2027, 2, 15), 5) == D(2027, 2, 20)
    assert cal.working_days_between(D(2027, 2, 5), D(2027, 2, 21)) == 6


def test_add_working_days_reports_running_past_the_loaded_range():
    assert OFFICIAL.add_working_days(D(2026, 2, 13), 2, last=D(2026, 2, 23)) is None
    assert OFFICIAL.add_working_days(D(2026, 2, 13), 2, last=D(2026, 2, 24)) == D(2026, 2, 24)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        OFFICIAL.add_working_days(D(2026, 2, 13), -1)


def test_unknown_years_raise_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert OFFICIAL.add_working_days(D(2027, 12, 30), 3) == D(2028, 1, 4)
        assert OFFICIAL.working_days_between(D(2003, 12, 25), D(2004, 1, 5)) > 0


@pytest.mark.parametrize("year,known", [(2003, False), (2004, True), (2026, True), (2027, False)])
def test_which_years_the_official_calendar_knows(year, known):
    assert official_calendar_knows(year) is known


@pytest.mark.parametrize("today,years", [
    (D(2027, 1, 1), [2027]), (D(2027, 10, 31), [2027]), (D(2027, 11, 1), [2027, 2028]),
    (D(2026, 12, 31), [2026, 2027]),
])
def test_the_banner_looks_at_next_year_from_november(today, years):
    assert years_to_check(today) == years
