"""Bed-days of stays and their leaves (SPEC §5.4), pure: no Flask, no database.

The one reading of stays and leaves that the monthly census, rule D02 and billing share.

* 算入不算出: the admission day is a bed-day, the discharge day is not; a same-day stay counts one
  day; the day of death counts and no day after it does (a stay "discharged" on the day of death
  keeps that day).
* A leave ``[out, back)`` marks its days: **payable** when the leave lasts at most ``leave_limit``
  days (a policy parameter, REF 3), **not payable** — every day of it — when it lasts longer. A
  leave still open (no return day, the stay not ended) counts as longer than the limit for its days
  so far (up to ``as_of``), however few: they are re-evaluated once the return day is entered; a stay
  that ends (discharge, death) while a leave is open ends the leave.
* No day after ``as_of`` is read: a month still running has only its days so far.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ltc.core.months import days, month_bounds

ONE_DAY = timedelta(days=1)


class DayStatus(StrEnum):
    PRESENT = "present"                       # in the bed: a bed-day
    LEAVE_PAYABLE = "leave_payable"           # on a leave of at most N days: still payable
    LEAVE_NOT_PAYABLE = "leave_not_payable"   # on a longer leave (or one still open): D02


#: msgids, translated where shown
DAY_STATUS_LABELS = {DayStatus.PRESENT: "在院", DayStatus.LEAVE_PAYABLE: "请假（可支付）",
                     DayStatus.LEAVE_NOT_PAYABLE: "请假（不予支付）"}
PAYABLE = frozenset({DayStatus.PRESENT, DayStatus.LEAVE_PAYABLE})


@dataclass(frozen=True)
class StayFacts:
    id: int
    admitted_on: date
    discharged_on: date | None
    #: the person's date of death, if any
    death_date: date | None = None


@dataclass(frozen=True)
class LeaveFacts:
    id: int
    stay_id: int
    out_on: date
    back_on: date | None


def stay_end(stay: StayFacts) -> date | None:
    """The day after the stay's last bed-day (None while it is open and the person alive)."""
    end = stay.discharged_on
    if end is not None and end == stay.admitted_on:
        end = end + ONE_DAY                    # a same-day stay counts one day
    death = stay.death_date
    if death is not None and (end is None or end >= death):
        end = death + ONE_DAY                  # the day of death counts, nothing after it
    return end


def leave_length(leave: LeaveFacts, stay: StayFacts, *, as_of: date) -> tuple[int, bool]:
    """The leave's length in days and whether it is still open. A leave without a return ends
    with the stay (its discharge, or the day after death), else its days so far run up to and
    including ``as_of``."""
    back = leave.back_on if leave.back_on is not None else stay_end(stay)
    if back is not None:
        return (back - leave.out_on).days, False
    return (as_of - leave.out_on).days + 1, True


def leave_payable(leave: LeaveFacts, stay: StayFacts, *, leave_limit: int, as_of: date) -> bool:
    """Whether the days of ``leave`` are payable: it has ended and lasted at most ``leave_limit`` days
    (an open leave counts as longer than the limit, SPEC §5.4)."""
    length, still_open = leave_length(leave, stay, as_of=as_of)
    return not still_open and length <= leave_limit


def day_statuses(stay: StayFacts, leaves: Iterable[LeaveFacts], *, start: date, end: date,
                 leave_limit: int, as_of: date) -> dict[date, DayStatus]:
    """The status of each bed-day of ``stay`` within ``[start, end)``, none after ``as_of``."""
    last = stay_end(stay)
    stop = min(end, as_of + ONE_DAY, last) if last is not None else min(end, as_of + ONE_DAY)
    statuses = {day: DayStatus.PRESENT for day in days(max(start, stay.admitted_on), stop)}
    for leave in leaves:
        back = leave.back_on or stay_end(stay) or stop
        status = (DayStatus.LEAVE_PAYABLE if leave_payable(leave, stay, leave_limit=leave_limit, as_of=as_of)
                  else DayStatus.LEAVE_NOT_PAYABLE)
        for day in days(max(leave.out_on, start), min(back, stop)):
            if day in statuses:
                statuses[day] = status
    return statuses


def month_statuses(stays: Iterable[StayFacts], leaves: Iterable[LeaveFacts], *, month: date, leave_limit: int,
                   as_of: date) -> dict[int, dict[date, DayStatus]]:
    """Per stay id, the statuses of its bed-days in the month of ``month``."""
    start, end = month_bounds(month)
    by_stay: dict[int, list[LeaveFacts]] = {}
    for leave in leaves:
        by_stay.setdefault(leave.stay_id, []).append(leave)
    return {stay.id: day_statuses(stay, by_stay.get(stay.id, ()), start=start, end=end,
                                  leave_limit=leave_limit, as_of=as_of) for stay in stays}


def counts(statuses: Mapping[date, DayStatus]) -> dict[DayStatus, int]:
    """How many days of each status."""
    result = dict.fromkeys(DayStatus, 0)
    for status in statuses.values():
        result[status] += 1
    return result
