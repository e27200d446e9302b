"""SPEC §6 rules on visits (pure, table-driven): V01, V03, V09, V12, V13, V04, V06, V10, P02."""
from dataclasses import replace
from datetime import date, timedelta

import pytest

from ltc.compliance.facts import Period, Qualification
from tests.compliance_builders import (AFTER, HOME, INJECTION, at, bed_day, carer, codes, findings, north_of,
                                       visit)


def test_a_clean_visit_has_no_finding():
    assert findings(visit()) == []


@pytest.mark.parametrize("metres,flagged", [(0, False), (299, False), (301, True), (2000, True)])
def test_v01_check_in_or_out_farther_than_300_metres_from_the_address(metres, flagged):
    far = north_of(HOME, metres)
    assert ("V01" in codes(findings(visit(gps_in=far)))) is flagged
    assert ("V01" in codes(findings(visit(gps_out=far)))) is flagged


def test_v01_is_a_flag_with_the_distance_and_without_gps_or_address_nothing():
    [found] = findings(visit(gps_out=north_of(HOME, 450)))
    assert (found.rule, found.severity, found.params["limit"]) == ("V01", "FLAG", 300)
    assert 449 <= found.params["metres"] <= 451 and found.evidence["metres_by_point"].keys() == {"check_out"}
    assert findings(visit(gps_in=None, gps_out=None)) == []
    assert findings(visit(gps_in=north_of(HOME, 5000), address=None)) == []


@pytest.mark.parametrize("minutes,rejected", [(53, True), (54, False), (60, False), (0, True)])
def test_v03_actual_duration_below_90_percent_of_planned(minutes, rejected):
    found = findings(visit(minutes=minutes), )
    assert ("V03" in codes(found)) is rejected


def test_v03_exactly_90_percent_passes_and_the_finding_names_the_minimum():
    assert findings(visit(minutes=27, planned_minutes=30)) == []
    [found] = findings(visit(minutes=26, planned_minutes=30))
    assert (found.rule, found.severity, found.params) == ("V03", "REJECT", {"minutes": 26, "minimum": "27"})


def test_v09_items_outside_the_care_plan_and_without_a_plan():
    [found] = findings(visit(plan_items=frozenset({"YL01"})))
    assert (found.rule, found.params["items"]) == ("V09", "SH01")
    assert codes(findings(visit(plan_items=None))) == {"V09"}


@pytest.mark.parametrize("hours,flagged", [(71, False), (72, False), (73, True)])
def test_v12_device_upload_more_than_72_hours_after_check_in(hours, flagged):
    uploaded = visit(device_id="pad-1")
    uploaded = replace(uploaded, uploaded_at=uploaded.check_in + timedelta(hours=hours))
    assert ("V12" in codes(findings(uploaded))) is flagged


def test_v12_needs_a_device_upload():
    entered_late = replace(visit(), uploaded_at=at("2026-06-20"))
    assert findings(entered_late) == []


def test_v13_a_visit_not_checked_out_by_the_end_of_its_day():
    open_visit = visit(check_out=None)
    assert findings(open_visit, now=at("2026-06-10", 23, 59)) == []
    assert codes(findings(open_visit, now=at("2026-06-11", 0, 0))) == {"V13"}
    closed_by_scan = replace(visit(), auto_closed=True)
    assert codes(findings(closed_by_scan)) == {"V13"}   # kept after the scan closed it (and no V03)


def test_a_scheduled_visit_not_checked_in_has_no_findings():
    scheduled = replace(visit(), check_in=None, check_out=None, plan_items=frozenset())
    assert findings(scheduled) == []


def test_service_date_is_the_shanghai_date_of_the_check_in():
    late_evening = visit(check_in=at("2026-06-10", 23, 30))
    assert late_evening.check_in.date() == date(2026, 6, 10) and late_evening.service_date == date(2026, 6, 10)
    after_midnight_utc = visit(check_in=at("2026-06-11", 7, 0))   # 23:00 UTC on the 10th
    assert after_midnight_utc.check_in.date() == date(2026, 6, 10)
    assert after_midnight_utc.service_date == date(2026, 6, 11)


@pytest.mark.parametrize("overlap,rejected", [(0, False), (5, False), (6, True), (30, True)])
def test_v04_same_carer_overlap_of_more_than_5_minutes_rejects_the_later(overlap, rejected):
    first = visit(1, hour=9, beneficiary_id=1)
    second = visit(2, hour=10, minute=-overlap, beneficiary_id=2, address_key="elsewhere")
    found = findings(first, second, persons=_two_persons())
    assert ("V04" in codes(found, 2)) is rejected
    assert "V04" not in codes(found, 1)


def test_v04_the_later_is_the_later_check_in_whatever_the_upload_order():
    """An offline upload of an earlier visit makes the visit saved first "the later" one."""
    saved_first = visit(1, hour=10, beneficiary_id=1, entered_at=at("2026-06-10", 11))
    uploaded_offline = visit(2, hour=9, minute=30, beneficiary_id=2, address_key="elsewhere",
                             entered_at=at("2026-06-12", 8), device_id="pad-1", uploaded_at=at("2026-06-12", 8))
    found = findings(saved_first, uploaded_offline, persons=_two_persons())
    assert "V04" in codes(found, 1) and "V04" not in codes(found, 2)
    [v04] = [f for f in found if f.rule == "V04"]
    assert v04.params == {"other": 2, "minutes": 30}


def test_v04_needs_the_same_carer():
    other_carer = visit(2, hour=9, minute=30, beneficiary_id=2, carer_id=101, address_key="elsewhere")
    found = findings(visit(1), other_carer, persons=_two_persons(), carers=(carer(), carer(101)))
    assert "V04" not in codes(found)


def _two_persons():
    from tests.compliance_builders import person
    return (person(), person(person_id=2))


def test_v10_same_beneficiary_carer_and_check_in_rejects_the_later_entry_only():
    first = visit(1, entered_at=at("2026-06-10", 10))
    again = visit(2, minutes=55, entered_at=at("2026-06-10", 12))
    found = findings(again, first)
    assert codes(found, 2) == {"V10"} and codes(found, 1) == set()   # not also V04
    assert [f.params for f in found] == [{"other": 1}]


def test_v10_a_different_check_in_is_no_duplicate():
    assert "V10" not in codes(findings(visit(1), visit(2, hour=14)))


def test_v06_bed_day_and_visit_the_same_day_rejects_the_visit():
    found = findings(visit(1, hour=0, minute=0), bed_days=[bed_day("2026-06-10", provider_id=11)],
                     providers=_two_providers())
    assert codes(found, 1) >= {"V06"}
    assert [f.record.kind for f in found if f.rule == "V06"] == ["visit"]


def test_v06_two_providers_the_same_day_rejects_the_later_check_in():
    from tests.compliance_builders import entitlement, person
    both = person(entitlement(), entitlement(provider_id=11))
    early_other = visit(1, hour=8, provider_id=11, carer_id=101)
    found = findings(visit(2, hour=10), early_other, persons=(both,), providers=_two_providers(),
                     carers=(carer(), carer(101)))
    assert "V06" in codes(found, 2) and "V06" not in codes(found, 1)
    assert "V06" not in codes(findings(visit(1, hour=8), visit(2, hour=14)))   # one provider: fine


def _two_providers():
    from tests.compliance_builders import provider
    return (provider(), provider(11))


@pytest.mark.parametrize("change,reason", [
    (dict(staff_type="assistant", items=(INJECTION,)), "staff_type"),
    (dict(qualifications=()), "no_qualification"),
    (dict(qualifications=(Qualification(date(2020, 1, 1), date(2026, 6, 10), "assistant"),)), "no_qualification"),
    (dict(qualifications=(Qualification(date(2020, 1, 1), None, "nurse"),)), "no_qualification"),
    (dict(suspensions=(Period(date(2026, 6, 1), date(2026, 7, 1)),)), "suspended"),
])
def test_p02_carer_staff_type_qualification_and_suspension(change, reason):
    items = change.pop("items", None)
    the_visit = visit(items=items) if items else visit()
    [found] = findings(the_visit, carers=(carer(**change),))
    assert (found.rule, found.severity, found.evidence["reasons"]) == ("P02", "REJECT", [reason])


def test_p02_suspension_ending_the_day_before_and_a_nurse_giving_an_injection_pass():
    ended = carer(suspensions=(Period(date(2026, 6, 1), date(2026, 6, 10)),))
    assert findings(visit(), carers=(ended,)) == []
    assert findings(visit(items=(INJECTION,)), carers=(carer(staff_type="nurse"),)) == []


def test_every_finding_records_rule_record_date_and_explanation():
    [found] = findings(visit(minutes=30), now=AFTER)
    assert (found.record.kind, found.record.id, found.service_date) == ("visit", 1, date(2026, 6, 10))
    assert (found.person_id, found.provider_id, found.carer_id) == (1, 10, 100)
    assert found.message % found.params == "实际服务 30 分钟，低于最低时长 54 分钟"
