"""SPEC §5.4 bed-days (算入不算出, leaves) and the bed-day rules D02, V11, E08 (pure)."""
from datetime import date

import pytest

from ltc.compliance.beddays import bed_days
from ltc.compliance.facts import Facts, HospitalStay, Leave, Stay
from ltc.compliance.rules import evaluate
from tests.compliance_builders import AFTER, MONTH, POLICY, entitlement, person, provider

D = date
JULY = D(2026, 7, 1)


def _days(stay: Stay, leaves=(), death=None, end=JULY) -> list[int]:
    return [b.day.day for b in bed_days([stay], leaves, start=MONTH, end=end, death_dates={1: death})]


@pytest.mark.parametrize("admitted,discharged,death,days", [
    (D(2026, 6, 3), D(2026, 6, 6), None, [3, 4, 5]),          # the discharge day is not payable
    (D(2026, 6, 3), D(2026, 6, 3), None, [3]),                # a same-day stay counts one day
    (D(2026, 6, 3), D(2026, 6, 6), D(2026, 6, 6), [3, 4, 5, 6]),   # the day of death counts
    (D(2026, 5, 20), D(2026, 6, 2), None, [1]),               # only the month read
    (D(2026, 6, 28), None, None, [28, 29, 30]),               # still in: to the end of the period
])
def test_bed_days_count_the_admission_day_not_the_discharge_day(admitted, discharged, death, days):
    assert _days(Stay(7, 1, 10, "institution", admitted, discharged), death=death) == days


def test_an_open_stay_ends_with_the_day_of_death():
    assert _days(Stay(7, 1, 10, "institution", D(2026, 6, 3), None), death=D(2026, 6, 10)) == list(range(3, 11))


def test_e07_days_a_stay_records_after_the_death_are_bed_days_rejected_not_dropped():
    """The provider discharged the stay five days after the death: the days it claims after the
    day of death are kept as bed-days and each is rejected by E07 (the discharge day is not one)."""
    late = Stay(7, 1, 10, "institution", D(2026, 6, 3), D(2026, 6, 15))
    assert _days(late, death=D(2026, 6, 10)) == list(range(3, 15))
    days = bed_days([late], (), start=MONTH, end=JULY, death_dates={1: D(2026, 6, 10)})
    facts = Facts(month=MONTH, bed_days=tuple(days), providers={10: provider()},
                  persons={1: person(entitlement("institution"), death_date=D(2026, 6, 10))})
    by_day = _by_day(evaluate(facts, POLICY, now=AFTER))
    assert sorted(day for day, rules in by_day.items() if "E07" in rules) == [11, 12, 13, 14]


def test_an_open_stay_stops_at_the_end_read():
    assert _days(Stay(7, 1, 10, "institution", D(2026, 6, 28), None), end=D(2026, 6, 30)) == [28, 29]


def _scan(stays, leaves=(), hospital=(), care_type="institution", end=JULY):
    days = bed_days(stays, leaves, start=MONTH, end=end)
    facts = Facts(month=MONTH, bed_days=tuple(days),
                  persons={1: person(entitlement(care_type), hospital_stays=tuple(hospital))},
                  providers={10: provider()})
    return evaluate(facts, POLICY, now=AFTER)


def _by_day(found) -> dict[int, set[str]]:
    result: dict[int, set[str]] = {}
    for f in found:
        result.setdefault(f.service_date.day, set()).add(f.rule.value)
    return result


STAY = Stay(7, 1, 10, "institution", D(2026, 6, 1), D(2026, 6, 20))


@pytest.mark.parametrize("back,rejected", [(D(2026, 6, 13), []), (D(2026, 6, 14), [10, 11, 12, 13])])
def test_d02_a_leave_of_3_days_is_payable_of_4_every_day_rejected(back, rejected):
    found = _scan([STAY], [Leave(3, 7, D(2026, 6, 10), back)])
    assert sorted(day for day, rules in _by_day(found).items() if "D02" in rules) == rejected
    assert all(f.severity == "REJECT" and f.record.kind == "stay" for f in found)


def test_d02_an_open_leave_counts_as_longer_than_the_limit_for_its_days_so_far():
    still_in = Stay(7, 1, 10, "institution", D(2026, 6, 1), None)
    found = _scan([still_in], [Leave(3, 7, D(2026, 6, 18), None)], end=D(2026, 6, 20))   # read up to the 19th
    assert _by_day(found) == {18: {"D02"}, 19: {"D02"}}


def test_a_leave_without_return_ends_with_the_stay_and_is_judged_by_its_length():
    assert _scan([STAY], [Leave(3, 7, D(2026, 6, 18), None)]) == []          # 18th to the discharge: 2 days
    assert len(_scan([STAY], [Leave(3, 7, D(2026, 6, 15), None)])) == 5     # 5 days: every one rejected


def test_e08_a_hospital_day_inside_a_short_leave_is_rejected_and_wins_over_d02():
    hospital = [HospitalStay("inpatient", D(2026, 6, 11), D(2026, 6, 12))]
    assert _by_day(_scan([STAY], [Leave(3, 7, D(2026, 6, 10), D(2026, 6, 12))], hospital)) == {11: {"E08"}}
    long_leave = _by_day(_scan([STAY], [Leave(3, 7, D(2026, 6, 10), D(2026, 6, 15))], hospital))
    assert long_leave == {10: {"D02"}, 11: {"E08"}, 12: {"D02"}, 13: {"D02"}, 14: {"D02"}}


SPECIAL = Stay(7, 1, 10, "special", D(2026, 6, 5), D(2026, 6, 15))


@pytest.mark.parametrize("admitted,discharged,flagged", [
    (D(2026, 6, 5), D(2026, 6, 15), []),
    (D(2026, 6, 6), D(2026, 6, 14), []),              # one day apart at each end
    (D(2026, 6, 7), D(2026, 6, 15), [5]),             # two days apart at admission
    (D(2026, 6, 5), D(2026, 6, 13), [14]),            # two days apart at discharge
    (D(2026, 6, 5), None, []),
])
def test_v11_special_bed_days_the_ltc_special_stays_do_not_show(admitted, discharged, flagged):
    hospital = [HospitalStay("ltc_special", admitted, discharged)]
    found = _scan([SPECIAL], hospital=hospital, care_type="special")
    assert sorted(day for day, rules in _by_day(found).items() if "V11" in rules) == flagged
    assert all(f.severity == "FLAG" for f in found)


def test_v11_without_any_ltc_special_stay_flags_every_day_and_never_institution_days():
    assert len(_scan([SPECIAL], care_type="special")) == 10
    assert _scan([STAY]) == []


def test_no_bed_day_after_the_day_of_death_and_bed_days_take_the_eligibility_rules():
    stay = Stay(7, 1, 10, "institution", D(2026, 6, 25), None)
    days = bed_days([stay], [], start=MONTH, end=JULY, death_dates={1: D(2026, 6, 28)})
    assert [d.day.day for d in days] == [25, 26, 27, 28]
    other_provider = entitlement("institution", provider_id=11)
    facts = Facts(month=MONTH, bed_days=tuple(days), persons={1: person(other_provider)}, providers={10: provider()})
    assert _by_day(evaluate(facts, POLICY, now=AFTER)) == {25: {"E01"}, 26: {"E01"}, 27: {"E01"}, 28: {"E01"}}
