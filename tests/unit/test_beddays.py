"""Bed-days by 算入不算出 and leaves (SPEC §5.4), from plain facts (no database)."""
from datetime import date

import pytest

from ltc.providers.records.beddays import (DayStatus, LeaveFacts, StayFacts, counts, day_statuses, leave_length,
                                           month_statuses)

D = date
P, LP, LN = DayStatus.PRESENT, DayStatus.LEAVE_PAYABLE, DayStatus.LEAVE_NOT_PAYABLE
MARCH = D(2026, 3, 1)
LATER = D(2026, 12, 31)


def runs(statuses: dict) -> list[tuple]:
    """``{day: status}`` as ``(first, last, status)`` runs."""
    out: list[list] = []
    for day, status in sorted(statuses.items()):
        if out and out[-1][2] == status and (day - out[-1][1]).days == 1:
            out[-1][1] = day
        else:
            out.append([day, day, status])
    return [tuple(run) for run in out]


def march(stay: StayFacts, *leaves: LeaveFacts, limit: int = 3, as_of: date = LATER) -> list[tuple]:
    return runs(month_statuses([stay], list(leaves), month=MARCH, leave_limit=limit, as_of=as_of)[stay.id])


def stay(admitted, discharged=None, death=None) -> StayFacts:
    return StayFacts(1, admitted, discharged, death)


def leave(out, back=None, n=1) -> LeaveFacts:
    return LeaveFacts(n, 1, out, back)


@pytest.mark.parametrize("facts, expected", [
    # the admission day counts, the discharge day does not
    (stay(D(2026, 3, 5), D(2026, 3, 8)), [(D(2026, 3, 5), D(2026, 3, 7), P)]),
    # a same-day stay counts one day
    (stay(D(2026, 3, 5), D(2026, 3, 5)), [(D(2026, 3, 5), D(2026, 3, 5), P)]),
    # admitted one day, discharged the next: one day
    (stay(D(2026, 3, 5), D(2026, 3, 6)), [(D(2026, 3, 5), D(2026, 3, 5), P)]),
    # the day of death counts and nothing after it, even with a later (wrong) discharge
    (stay(D(2026, 3, 5), None, D(2026, 3, 10)), [(D(2026, 3, 5), D(2026, 3, 10), P)]),
    (stay(D(2026, 3, 5), D(2026, 3, 20), D(2026, 3, 10)), [(D(2026, 3, 5), D(2026, 3, 10), P)]),
    # discharged on the day of death: that day counts
    (stay(D(2026, 3, 5), D(2026, 3, 10), D(2026, 3, 10)), [(D(2026, 3, 5), D(2026, 3, 10), P)]),
    # died after the discharge: the discharge rules
    (stay(D(2026, 3, 5), D(2026, 3, 8), D(2026, 3, 20)), [(D(2026, 3, 5), D(2026, 3, 7), P)]),
    # stays crossing the month's ends: only March's days; discharged on 1 April: 31 March counts
    (stay(D(2026, 2, 20), D(2026, 3, 3)), [(D(2026, 3, 1), D(2026, 3, 2), P)]),
    (stay(D(2026, 3, 30), D(2026, 4, 1)), [(D(2026, 3, 30), D(2026, 3, 31), P)]),
    (stay(D(2026, 1, 1)), [(D(2026, 3, 1), D(2026, 3, 31), P)]),
    # discharged on 1 March: no March day; admitted in April: none
    (stay(D(2026, 2, 1), D(2026, 3, 1)), []),
    (stay(D(2026, 4, 1)), []),
    # a same-day stay on the last day of February is February's
    (stay(D(2026, 2, 28), D(2026, 2, 28)), []),
])
def test_bed_days_by_admission_discharge_and_death(facts, expected):
    assert march(facts) == expected


def test_an_open_stay_counts_no_day_after_as_of():
    assert march(stay(D(2026, 3, 5)), as_of=D(2026, 3, 16)) == [(D(2026, 3, 5), D(2026, 3, 16), P)]
    assert march(stay(D(2026, 3, 5)), as_of=D(2026, 2, 28)) == []


@pytest.mark.parametrize("the_leave, expected", [
    # a leave of exactly 3 days is payable; the return day is a day in the bed
    (leave(D(2026, 3, 10), D(2026, 3, 13)),
     [(D(2026, 3, 1), D(2026, 3, 9), P), (D(2026, 3, 10), D(2026, 3, 12), LP), (D(2026, 3, 13), D(2026, 3, 31), P)]),
    # 4 days: every day of it is not payable
    (leave(D(2026, 3, 10), D(2026, 3, 14)),
     [(D(2026, 3, 1), D(2026, 3, 9), P), (D(2026, 3, 10), D(2026, 3, 13), LN), (D(2026, 3, 14), D(2026, 3, 31), P)]),
    # a one-day leave
    (leave(D(2026, 3, 10), D(2026, 3, 11)),
     [(D(2026, 3, 1), D(2026, 3, 9), P), (D(2026, 3, 10), D(2026, 3, 10), LP), (D(2026, 3, 11), D(2026, 3, 31), P)]),
    # a leave crossing into April: judged on its whole length (2 days in March, 4 in all)
    (leave(D(2026, 3, 30), D(2026, 4, 3)), [(D(2026, 3, 1), D(2026, 3, 29), P), (D(2026, 3, 30), D(2026, 3, 31), LN)]),
    (leave(D(2026, 3, 30), D(2026, 4, 2)), [(D(2026, 3, 1), D(2026, 3, 29), P), (D(2026, 3, 30), D(2026, 3, 31), LP)]),
    # a leave from February: 2 days in March, 5 in all
    (leave(D(2026, 2, 26), D(2026, 3, 3)), [(D(2026, 3, 1), D(2026, 3, 2), LN), (D(2026, 3, 3), D(2026, 3, 31), P)]),
])
def test_leaves_of_at_most_the_limit_are_payable_longer_ones_not_at_all(the_leave, expected):
    assert march(stay(D(2026, 1, 1)), the_leave) == expected


def test_the_limit_is_a_parameter():
    four_days = leave(D(2026, 3, 10), D(2026, 3, 14))
    assert (D(2026, 3, 10), D(2026, 3, 13), LP) in march(stay(D(2026, 1, 1)), four_days, limit=4)
    assert (D(2026, 3, 10), D(2026, 3, 13), LN) in march(stay(D(2026, 1, 1)), four_days, limit=3)


@pytest.mark.parametrize("as_of, status", [
    (D(2026, 3, 10), LN),   # one day so far: still counted as longer than the limit (SPEC §5.4)
    (D(2026, 3, 13), LN),   # the 4th day
])
def test_an_open_leave_counts_as_longer_than_the_limit_for_its_days_so_far(as_of, status):
    statuses = day_statuses(stay(D(2026, 1, 1)), [leave(D(2026, 3, 10))], start=MARCH, end=D(2026, 4, 1),
                            leave_limit=3, as_of=as_of)
    assert runs(statuses)[-1] == (D(2026, 3, 10), as_of, status)


def test_an_open_leave_ends_with_its_stay():
    discharged = stay(D(2026, 1, 1), D(2026, 3, 12))
    assert leave_length(leave(D(2026, 3, 10)), discharged, as_of=LATER) == (2, False)
    assert march(discharged, leave(D(2026, 3, 10))) == [(D(2026, 3, 1), D(2026, 3, 9), P),
                                                       (D(2026, 3, 10), D(2026, 3, 11), LP)]
    died = stay(D(2026, 1, 1), None, D(2026, 3, 11))
    assert leave_length(leave(D(2026, 3, 10)), died, as_of=LATER) == (2, False)
    assert leave_length(leave(D(2026, 3, 10)), stay(D(2026, 1, 1)), as_of=D(2026, 3, 20)) == (11, True)


def test_a_leave_of_an_earlier_stay_does_not_mark_another_stay():
    first, second = StayFacts(1, D(2026, 3, 1), D(2026, 3, 10)), StayFacts(2, D(2026, 3, 20), None)
    result = month_statuses([first, second], [LeaveFacts(7, 1, D(2026, 3, 3), D(2026, 3, 8))], month=MARCH,
                            leave_limit=3, as_of=LATER)
    assert counts(result[1]) == {P: 4, LP: 0, LN: 5}
    assert counts(result[2]) == {P: 12, LP: 0, LN: 0}
