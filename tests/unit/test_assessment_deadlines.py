"""The SLA state of a queue row (month arithmetic is tested in test_months)."""
from dataclasses import dataclass
from datetime import date

import pytest

from ltc.assessment.applications.deadlines import sla_state


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
    (Row("confirmed"), date(2026, 4, 29), "due_soon"),
    (Row("publicized"), date(2026, 5, 1), "ok"),             # concluded on confirmation: publicity runs no SLA
    (Row("objected", paused_since=date(2026, 4, 1)), date(2026, 5, 1), "ok"),   # paused by a 复评
    (Row("concluded"), date(2026, 5, 1), "ok"),
    (Row("refused"), date(2026, 5, 1), "ok"),
    (Row("submitted", acceptance_due_on=None), date(2026, 5, 1), "ok"),
])
def test_sla_state(row, today, state):
    assert sla_state(row, today) == state
