"""Due dates of review stages (SPEC §4.1) on the official calendar, without the database.

Official 2026 calendar (chinese_calendar 1.11): National Day Thu 1 – Wed 7 October, back to
work Thu 8 October; Qingming Sat 4 – Mon 6 April; Spring Festival Sun 15 – Mon 23 February.
2027 is unknown to the package: weekends only.
"""
from datetime import date

import pytest

from ltc.core.calendar import WorkCalendar
from ltc.reviews.definitions import due_date

D = date
OFFICIAL = WorkCalendar()


def due(rule: str, entered_on: date, period_end: date | None = None) -> date:
    return due_date(rule, entered_on, OFFICIAL.add_working_days, period_end=period_end)


@pytest.mark.parametrize("rule,period_end,entered_on,expected", [
    # a settlement of September 2026 (period ends 1 October): the 5th falls inside National Day
    ("day_of_month:5", D(2026, 10, 1), D(2026, 10, 1), D(2026, 10, 8)),
    ("day_of_month:5", D(2026, 10, 1), D(2026, 9, 30), D(2026, 10, 8)),
    ("day_of_month:5", D(2026, 10, 1), D(2026, 10, 8), D(2026, 10, 8)),    # entered on the moved day
    ("day_of_month:5", D(2026, 10, 1), D(2026, 10, 9), D(2026, 10, 9)),    # entered later: due on entry
    ("day_of_month:12", D(2026, 10, 1), D(2026, 10, 8), D(2026, 10, 12)),  # a Monday: not moved
    # weekends: 12 July 2026 is a Sunday, 20 June 2026 a Saturday
    ("day_of_month:12", D(2026, 7, 1), D(2026, 7, 1), D(2026, 7, 13)),
    ("day_of_month:20", D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 22)),
    # the Spring Festival: a January settlement due on the 15th waits until 24 February
    ("day_of_month:15", D(2026, 2, 1), D(2026, 2, 2), D(2026, 2, 24)),
    # the period decides the month, not the entry date: March's settlement entered in May
    ("day_of_month:20", D(2026, 4, 1), D(2026, 5, 6), D(2026, 5, 6)),
    ("day_of_month:20", D(2026, 4, 1), D(2026, 3, 31), D(2026, 4, 20)),
    # a period ending mid-month (exclusive end 16 March: its last day is in March) → April
    ("day_of_month:20", D(2026, 3, 16), D(2026, 3, 16), D(2026, 4, 20)),
    # December's settlement is due in January of the next year (2027: weekends only)
    ("day_of_month:2", D(2027, 1, 1), D(2027, 1, 1), D(2027, 1, 4)),
])
def test_day_of_month_counts_from_the_subjects_period(rule, period_end, entered_on, expected):
    assert due(rule, entered_on, period_end) == expected


@pytest.mark.parametrize("rule,entered_on,expected", [
    ("day_of_month:5", D(2026, 3, 3), D(2026, 3, 5)),     # the 5th of the entry month, a Thursday
    ("day_of_month:5", D(2026, 3, 5), D(2026, 3, 5)),
    ("day_of_month:5", D(2026, 3, 6), D(2026, 4, 7)),     # 5 April is Qingming (Sunday): moved to Tuesday
    ("day_of_month:5", D(2026, 9, 28), D(2026, 10, 8)),   # National Day
    ("day_of_month:20", D(2026, 12, 21), D(2027, 1, 20)),
])
def test_without_a_period_the_next_such_day_from_entry_is_moved_to_a_working_day(rule, entered_on, expected):
    assert due(rule, entered_on) == expected


@pytest.mark.parametrize("rule,entered_on,expected", [
    ("working_days:3", D(2026, 4, 3), D(2026, 4, 9)),     # Qingming skipped
    ("working_days:3", D(2026, 9, 30), D(2026, 10, 10)),  # National Day skipped; Sat 10 Oct is 调休
    ("working_days:1", D(2026, 2, 14), D(2026, 2, 24)),
])
def test_working_days_count_from_entry_and_ignore_the_period(rule, entered_on, expected):
    assert due(rule, entered_on, D(2026, 1, 1)) == expected


def test_the_entered_holidays_of_an_unknown_year_move_a_day_of_month_deadline():
    national_day_2027 = WorkCalendar({D(2027, 10, day): False for day in range(1, 8)})
    assert due("day_of_month:5", D(2027, 10, 1), D(2027, 10, 1)) == D(2027, 10, 5)
    assert due_date("day_of_month:5", D(2027, 10, 1), national_day_2027.add_working_days,
                    period_end=D(2027, 10, 1)) == D(2027, 10, 8)
