"""Month arithmetic (SPEC §0.1), the one place billing, SLAs, validity and entitlement dates use.

Periods are half-open ``[from, to)``; a month is represented by its first day. Pure: no Flask,
no database.
"""
import calendar
from collections.abc import Iterator
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def first_of_next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def days_in_month(day: date) -> int:
    """The number of days of the month ``day`` lies in (28–31)."""
    return calendar.monthrange(day.year, day.month)[1]


def last_of_month(day: date) -> date:
    return day.replace(day=days_in_month(day))


def month_bounds(day: date) -> tuple[date, date]:
    """The month of ``day`` as a half-open period: its first day and the first of the next month."""
    return first_of_month(day), first_of_next_month(day)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` whole months (negative goes back); a day the target month lacks
    becomes its last day (31 August + 6 months = 28 February, or the 29th in a leap year).
    So validity "24 months from D" is ``[D, add_months(D, 24))``."""
    year, month_index = divmod(day.month - 1 + months, 12)
    target = date(day.year + year, month_index + 1, 1)
    return target.replace(day=min(day.day, days_in_month(target)))


def months_touched(start: date, end: date | None, *, horizon: date | None = None) -> list[date]:
    """The first days of the months the period ``[start, end)`` has at least one day in.

    An open period (``end`` None) runs up to ``horizon`` (exclusive), which it then requires;
    an empty period touches no month. Raises ValueError for an open period without horizon.
    """
    if end is None:
        if horizon is None:
            raise ValueError("an open-ended period needs a horizon")
        end = horizon
    months: list[date] = []
    month = first_of_month(start) if start < end else end
    while month < end:
        months.append(month)
        month = first_of_next_month(month)
    return months


def days(start: date, end: date) -> Iterator[date]:
    """Each day of ``[start, end)`` in order (none when ``end <= start``)."""
    day = start
    while day < end:
        yield day
        day += ONE_DAY
