"""Bed-days from a provider's stays and leaves (SPEC §5.4), pure: no Flask, no database.

算入不算出: the admission day counts, the discharge day does not; a same-day stay counts one
day; the day of death counts (a stay "discharged" on the day of death keeps that day). An open
stay ends with the day of death; a stay the provider discharged later keeps the days it records
after the death, as bed-days that E07 rejects (nothing the provider claims is silently dropped).
A stay still open runs to the end of the period read. Each bed-day carries the
leave ``[out, back)`` it falls in, if any, and that leave's length: a leave without a return day
ends with the stay (discharge, death), else it is open (None); whether it is payable is rule D02's
business. The same reading as ``ltc.providers.records.beddays`` (the census), on the rules' facts.
"""
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from ltc.compliance.facts import BedDay, Leave, Stay
from ltc.core.months import days

ONE_DAY = timedelta(days=1)


def stay_end(stay: Stay, death_date: date | None = None) -> date | None:
    """The day after the stay's last bed-day (None while it is open and the person alive)."""
    end = stay.discharged_on
    if end is not None and end == stay.admitted_on:
        end = end + ONE_DAY                    # a same-day stay counts one day
    if death_date is not None and (end is None or end == death_date):
        end = death_date + ONE_DAY             # the day of death counts; an open stay ends with it
    return end


def stay_days(stay: Stay, *, death_date: date | None = None, until: date) -> tuple[date, date]:
    """The half-open range of the stay's bed-days, an open stay cut at ``until``."""
    end = stay_end(stay, death_date)
    return stay.admitted_on, until if end is None else end


def bed_days(stays: Iterable[Stay], leaves: Iterable[Leave], *, start: date, end: date,
             death_dates: Mapping[int, date | None] | None = None) -> list[BedDay]:
    """Every bed-day of ``stays`` within ``[start, end)``, ordered by stay and day."""
    by_stay: dict[int, list[Leave]] = defaultdict(list)
    for leave in leaves:
        by_stay[leave.stay_id].append(leave)
    deaths = death_dates or {}
    result = []
    for stay in stays:
        death = deaths.get(stay.beneficiary_id)
        first, stop = stay_days(stay, death_date=death, until=end)
        leaves_of = by_stay.get(stay.id)
        for day in days(max(first, start), min(stop, end)):
            leave = _leave_on(leaves_of, day) if leaves_of else None
            result.append(BedDay(stay.id, stay.beneficiary_id, stay.provider_id, stay.care_type, day,
                                 stay.admitted_on, leave, leave and leave_days(leave, stay_end(stay, death))))
    return result


def _leave_on(leaves: list[Leave], day: date) -> Leave | None:
    return next((leave for leave in leaves
                 if leave.out_on <= day and (leave.back_on is None or day < leave.back_on)), None)


def leave_days(leave: Leave, stay_end: date | None = None) -> int | None:
    """The leave's length in days (``back - out``); a leave without a return day ends with the stay
    (``stay_end``); None while it is open."""
    back = leave.back_on if leave.back_on is not None else stay_end
    return None if back is None else (back - leave.out_on).days
