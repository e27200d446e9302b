"""Planning "from day D on, the value is V" changes to dated attributes."""
from datetime import date

import pytest

from ltc.people.dated import DatedConflict, Span, Step, plan_change, value_on, values_on

JAN, MAR, MAY = date(2026, 1, 1), date(2026, 3, 1), date(2026, 5, 1)


@pytest.mark.parametrize("spans,value,day,step", [
    ([], "active", MAR, Step.ADD),
    ([Span(JAN, None, "active")], "active", MAR, Step.UNCHANGED),
    ([Span(JAN, None, "active")], "suspended", MAR, Step.ADD),          # the open period closes at MAR
    ([Span(MAR, None, "active")], "suspended", MAR, Step.REPLACE),      # same-day correction
    ([Span(JAN, MAR, "active")], "suspended", MAR, Step.ADD),           # after a closed period
    ([Span(JAN, MAR, "active"), Span(MAR, None, "suspended")], "suspended", MAY, Step.UNCHANGED),
])
def test_plan_change(spans, value, day, step):
    assert plan_change(spans, value, day) is step


@pytest.mark.parametrize("spans,day", [
    ([Span(MAY, None, "active")], MAR),                 # would rewrite a later period
    ([Span(JAN, MAY, "active")], MAR),                  # inside a closed period
])
def test_changes_that_would_rewrite_history_conflict(spans, day):
    with pytest.raises(DatedConflict):
        plan_change(spans, "suspended", day)


def test_value_on_reads_half_open_periods():
    spans = [Span(JAN, MAR, "employee"), Span(MAR, None, "resident")]
    assert value_on(spans, date(2026, 2, 28)) == "employee"
    assert value_on(spans, MAR) == "resident"
    assert value_on(spans, date(2025, 12, 31)) is None
    tags = [Span(JAN, MAR, "a"), Span(JAN, None, "b")]
    assert values_on(tags, MAR) == {"b"}
    assert values_on(tags, JAN) == {"a", "b"}
