"""When violation points suspend a carer (SPEC §6, §8), pure: 12 points within 12 rolling months, from
the day after the 12th point, never backdated."""
from datetime import date

import pytest

from ltc.ratings.points.tally import Entry, first_trigger, suspension_start


def e(day: str, points: int) -> Entry:
    return Entry(date.fromisoformat(day), points)


@pytest.mark.parametrize("entries,after,trigger", [
    ((), None, None),
    ((e("2026-03-01", 6), e("2026-05-01", 5)), None, None),                                   # 11 points
    ((e("2026-03-01", 6), e("2026-05-01", 6)), None, (date(2026, 5, 1), 12)),                 # the 12th point's day
    ((e("2026-05-01", 6), e("2026-03-01", 6)), None, (date(2026, 5, 1), 12)),                 # in any order
    ((e("2026-03-01", 12),), None, (date(2026, 3, 1), 12)),                                   # fraud alone
    ((e("2025-03-01", 6), e("2026-03-01", 6)), None, None),                                   # 12 months apart
    ((e("2025-03-02", 6), e("2026-03-01", 6)), None, (date(2026, 3, 1), 12)),                 # within 12 months
    ((e("2026-01-01", 3), e("2026-02-01", 3), e("2026-03-01", 3), e("2026-04-01", 1), e("2026-04-01", 3)), None,
     (date(2026, 4, 1), 13)),
    # points up to an earlier suspension's trigger count for that one only
    ((e("2026-03-01", 12), e("2026-05-01", 6)), date(2026, 3, 1), None),
    ((e("2026-03-01", 12), e("2026-05-01", 6), e("2026-06-01", 6)), date(2026, 3, 1), (date(2026, 6, 1), 12)),
])
def test_first_trigger(entries, after, trigger):
    assert first_trigger(entries, after=after, threshold=12, window_months=12) == trigger


def test_threshold_and_window_are_parameters():
    entries = (e("2026-01-01", 3), e("2026-03-15", 3))
    assert first_trigger(entries, after=None, threshold=6, window_months=3) == (date(2026, 3, 15), 6)
    assert first_trigger(entries, after=None, threshold=6, window_months=2) is None


@pytest.mark.parametrize("trigger,today,start", [
    (date(2026, 7, 15), date(2026, 7, 16), date(2026, 7, 16)),
    (date(2026, 7, 15), date(2026, 7, 20), date(2026, 7, 20)),     # a late run: from the day it runs
    (date(2026, 7, 15), date(2026, 7, 15), date(2026, 7, 16)),
])
def test_suspension_starts_the_day_after_the_12th_point_never_backdated(trigger, today, start):
    assert suspension_start(trigger, today) == start
