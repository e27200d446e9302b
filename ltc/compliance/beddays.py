"""Bed-days from a provider's stays and leaves (SPEC §5.4), pure: no Flask, no database.

算入不算出: the admission day counts, the discharge day does not; a same-day stay counts one
day; the day of death counts (a stay discharged on the day of death keeps that day). A stay
still open runs to the end of the period read. Each bed-day carries the leave ``[out, back)``
it falls in, if any; whether that leave is payable is rule D02's business.
"""
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from ltc.compliance.facts import BedDay, Leave, Stay
from ltc.core.months import days

ONE_DAY = timedelta(days=1)


def stay_days(stay: Stay, *, death_date: date | None = None, until: date) -> tuple[date, date]:
    """The half-open range of the stay's bed-days, an open stay cut at ``until``."""
    end = stay.discharged_on if stay.discharged_on is not None else until
    if stay.discharged_on is not None and (stay.discharged_on == stay.admitted_on
                                           or stay.discharged_on == death_date):
        end = stay.discharged_on + ONE_DAY
    return stay.admitted_on, end


def bed_days(stays: Iterable[Stay], leaves: Iterable[Leave], *, start: date, end: date,
             death_dates: Mapping[int, date | None] | None = None) -> list[BedDay]:
    """Every bed-day of ``stays`` within ``[start, end)``, ordered by stay and day."""
    by_stay: dict[int, list[Leave]] = defaultdict(list)
    for leave in leaves:
        by_stay[leave.stay_id].append(leave)
    deaths = death_dates or {}
    result = []
    for stay in stays:
        first, stop = stay_days(stay, death_date=deaths.get(stay.beneficiary_id), until=end)
        for day in days(max(first, start), min(stop, end)):
            result.append(BedDay(stay.id, stay.beneficiary_id, stay.provider_id, stay.care_type, day,
                                 stay.admitted_on, _leave_on(by_stay[stay.id], day)))
    return result


def _leave_on(leaves: list[Leave], day: date) -> Leave | None:
    return next((leave for leave in leaves
                 if leave.out_on <= day and (leave.back_on is None or day < leave.back_on)), None)


def leave_days(leave: Leave) -> int | None:
    """The length of a closed leave in days (``back - out``); None while it is open."""
    return None if leave.back_on is None else (leave.back_on - leave.out_on).days
