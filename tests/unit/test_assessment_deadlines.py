"""Months arithmetic and the SLA state of a queue row."""
from dataclasses import dataclass
from datetime import date

import pytest

from ltc.assessment.applications.deadlines import add_months, sla_state


@pytest.mark.parametrize("day,months,expected", [
    (date(2026, 3, 16), 24, date(2028, 3, 16)),
    (date(2026, 3, 16), 6, date(2026, 9, 16)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 11, 30), 2, date(2027, 1, 30)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 1, 31), 0, date(2026, 1, 31)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@dataclass
class Row:
    status: str
    acceptance_due_on: date | None = date(2026, 3, 20)
    conclusion_due_on: date | None = date(2026, 4, 30)
    paused_since: date | None = None


@pytest.mark.parametrize("row,today,state", [
    (Row("submitted"), date(2026, 3, 17), "ok"),
    (Row("submitted"), date(2026, 3, 18), "due_soon"),
    (Row("submitted"), date(2026, 3, 20), "due_soon"),       # due today is not overdue yet
    (Row("submitted"), date(2026, 3, 21), "overdue"),
    (Row("accepted"), date(2026, 3, 21), "ok"),               # the conclusion clock runs now
    (Row("scheduled"), date(2026, 5, 1), "overdue"),
    (Row("publicized"), date(2026, 4, 29), "due_soon"),
    (Row("objected", paused_since=date(2026, 4, 1)), date(2026, 5, 1), "ok"),   # paused by a 复评
    (Row("concluded"), date(2026, 5, 1), "ok"),
    (Row("refused"), date(2026, 5, 1), "ok"),
    (Row("submitted", acceptance_due_on=None), date(2026, 5, 1), "ok"),
])
def test_sla_state(row, today, state):
    assert sla_state(row, today) == state
