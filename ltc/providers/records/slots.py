"""The slots of a month's schedule (pure: no database, no Flask).

A weekly visit type is given on its usual weekdays (``frequency / len(weekdays)`` visits each of
those days) or, without weekdays, spread evenly over the week; a monthly visit type is spread
evenly over the working days of the month on which its plan is in force. Several visits of one
type on one day start ``planned minutes + GAP`` apart. Times are wall-clock times in
Asia/Shanghai; a visit type without a start time (saved before start times existed) uses
``DEFAULT_START_TIME``.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ltc.providers.kinds import DEFAULT_START_TIME

GAP = timedelta(minutes=60)


@dataclass(frozen=True)
class SlotType:
    """What the schedule reads of a visit type."""

    id: int
    frequency: int
    unit: str                      # "week" | "month"
    planned_minutes: int
    weekdays: tuple[int, ...] = ()
    start_time: time | None = None


def _weekly_days(kind: SlotType) -> dict[int, int]:
    """ISO weekday → visits that day."""
    if kind.weekdays:
        each = kind.frequency // len(kind.weekdays) or 1
        return {d: each for d in kind.weekdays}
    counts: dict[int, int] = {}
    for i in range(kind.frequency):
        day = 1 + (i * 7) // kind.frequency
        counts[day] = counts.get(day, 0) + 1
    return counts


def _starts(day: date, kind: SlotType, count: int) -> list[datetime]:
    first = datetime.combine(day, kind.start_time or DEFAULT_START_TIME)
    step = timedelta(minutes=kind.planned_minutes) + GAP
    return [first + i * step for i in range(count)]


def weekly_slots(kind: SlotType, days: Iterable[date]) -> list[datetime]:
    """The naive local starts of a weekly type over ``days`` (the days its plan is in force)."""
    per_day = _weekly_days(kind)
    return [start for day in days for start in _starts(day, kind, per_day.get(day.isoweekday(), 0))]


def spread(count: int, days: Sequence[date]) -> dict[date, int]:
    """``count`` visits spread evenly over ``days`` (in the middle of equal shares)."""
    per_day: dict[date, int] = {}
    if not days:
        return per_day
    for i in range(count):
        day = days[min(len(days) - 1, (2 * i + 1) * len(days) // (2 * count))]
        per_day[day] = per_day.get(day, 0) + 1
    return per_day


def monthly_slots(kind: SlotType, working_days: Sequence[date], month_working_days: int) -> list[datetime]:
    """The naive local starts of a monthly type: its frequency (in proportion when its plan is in
    force on only ``len(working_days)`` of the month's ``month_working_days``) spread evenly."""
    if month_working_days <= 0 or not working_days:
        return []
    count = kind.frequency if len(working_days) >= month_working_days else \
        round(kind.frequency * len(working_days) / month_working_days)
    return [start for day, n in sorted(spread(count, working_days).items()) for start in _starts(day, kind, n)]
