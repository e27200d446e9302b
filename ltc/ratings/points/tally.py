"""When points suspend a carer (SPEC §6, §8), pure: the first day on which the points attached in the
rolling window ending that day (REF 12 months) reach the threshold (REF 12). Points attached on or
before an earlier suspension's trigger day count for that one only, so each suspension needs 12 new
points. The suspension starts the day after that day (REF for 3 months), never before the day the
job finds it: a suspension is never backdated over care the provider could not know it must not give.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ltc.core.months import add_months


@dataclass(frozen=True)
class Entry:
    day: date
    points: int


def first_trigger(entries: Sequence[Entry], *, after: date | None, threshold: int,
                  window_months: int) -> tuple[date, int] | None:
    """(day, points in the window ending that day) of the first day, after ``after``, on which the
    points attached in ``(day − window_months, day]`` reach ``threshold``; None when no day does."""
    counted = sorted((e for e in entries if after is None or e.day > after), key=lambda e: e.day)
    for day in sorted({e.day for e in counted}):
        start = add_months(day, -window_months)
        total = sum(e.points for e in counted if start < e.day <= day)
        if total >= threshold:
            return day, total
    return None


def suspension_start(trigger_day: date, today: date) -> date:
    """The day after the point that reached the threshold, or ``today`` if that day is past."""
    return max(trigger_day + timedelta(days=1), today)
