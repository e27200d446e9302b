"""SPEC §6 rules counting visits (pure, table-driven): V07 caps per segment, F01 family packages,
S01 reused evidence, S02 durations bunched at the minimum."""
from dataclasses import replace
from datetime import date, timedelta

import pytest

from ltc.compliance.facts import CapSegment
from tests.compliance_builders import (HOME, at, codes, entitlement, findings, north_of, person, visit,
                                       with_policy)

D = date
JUNE = CapSegment(1, "home", D(2026, 6, 1), D(2026, 7, 1), minutes=150)


def _visits(n: int, planned: int = 60, **kw):
    return [visit(i, day=f"2026-06-{i:02d}", planned_minutes=planned, minutes=planned, **kw) for i in range(1, n + 1)]


def test_v07_the_cap_crossed_mid_visit_records_the_minutes_over():
    found = findings(*_visits(4), caps=[JUNE])
    over = {f.record.id: f.minutes_over for f in found if f.rule == "V07"}
    assert over == {3: 30, 4: 60}   # 150 min: visit 3 has 30 left, visit 4 none
    third = next(f for f in found if f.record.id == 3)
    assert (third.severity, third.params) == ("REJECT", {"cap": 150, "used": 120, "over": 30})


def test_v07_consumes_in_check_in_order_whatever_the_entry_order():
    late_entry_early_visit = visit(9, day="2026-06-01", hour=7, entered_at=at("2026-06-30"))
    found = findings(*_visits(3), late_entry_early_visit, caps=[JUNE])
    assert {f.record.id: f.minutes_over for f in found if f.rule == "V07"} == {2: 30, 3: 60}


def test_v07_rejected_and_refused_visits_free_their_share_and_flagged_ones_count():
    short, flagged, refused = _visits(3)
    short = replace(short, check_out=short.check_in + timedelta(minutes=30))     # V03: rejected
    flagged = replace(flagged, gps_in=north_of(HOME, 500))                         # V01: still counts
    refused = replace(refused, refused=True)
    found = findings(short, flagged, refused, *[visit(i, day=f"2026-06-{i:02d}") for i in (4, 5)], caps=[JUNE])
    assert {f.record.id: f.minutes_over for f in found if f.rule == "V07"} == {5: 30}


def test_v07_caps_per_segment_and_visit_caps():
    first = CapSegment(1, "home", D(2026, 6, 1), D(2026, 6, 16), minutes=60)
    second = CapSegment(1, "home", D(2026, 6, 16), D(2026, 7, 1), minutes=60)
    visits = [visit(1, day="2026-06-02"), visit(2, day="2026-06-03"), visit(3, day="2026-06-20")]
    assert {f.record.id for f in findings(*visits, caps=[first, second]) if f.rule == "V07"} == {2}
    by_count = CapSegment(1, "home", D(2026, 6, 1), D(2026, 7, 1), visits=2)
    found = findings(*visits, caps=[by_count])
    assert [(f.record.id, f.minutes_over) for f in found if f.rule == "V07"] == [(3, 60)]


def test_v07_only_the_segments_provider_visits_count():
    other = CapSegment(1, "home", D(2026, 6, 1), D(2026, 7, 1), minutes=60, provider_id=11)
    assert findings(*_visits(3), caps=[other]) == []


FAMILY = (person(entitlement("family")),)


@pytest.mark.parametrize("visits,found", [(4, set()), (3, {"F01"})])
def test_f01_family_package_needs_4_valid_visits_in_a_full_month(visits, found):
    result = findings(*_visits(visits, care_type="family"), persons=FAMILY)
    assert codes(result) == found
    if found:
        [f01] = result
        assert (f01.record.kind, f01.record.id, f01.provider_id, f01.service_date) == ("package", 1, 10, D(2026, 6, 1))
        assert f01.params == {"valid": 3, "required": 4}


def test_f01_prorates_by_entitled_days_and_counts_valid_visits_only():
    half = (person(entitlement("family", valid_from=D(2026, 6, 16))),)      # 15 of 30 days → ⌈2⌉
    two = [visit(i, day=f"2026-06-{i:02d}", care_type="family") for i in (16, 17)]
    assert findings(*two, persons=half) == []
    rejected = replace(two[1], check_out=two[1].check_in + timedelta(minutes=10))
    assert codes(findings(two[0], rejected, persons=half)) == {"V03", "F01"}


def test_f01_waits_until_the_month_is_over():
    assert findings(*_visits(1, care_type="family"), persons=FAMILY, now=at("2026-06-30", 23)) == []


def test_s01_the_same_gps_point_at_two_addresses_flags_both_visits():
    shared = north_of(HOME, 1000)
    elsewhere = visit(2, hour=14, beneficiary_id=2, address_key="another address", gps_in=shared, address=None)
    found = findings(visit(1, gps_out=shared, address=None), elsewhere, persons=(person(), person(person_id=2)))
    assert codes(found, 1) == codes(found, 2) == {"S01"}
    assert all(f.severity == "FLAG" for f in found)


def test_s01_same_point_at_the_same_address_is_fine_and_photos_count_too():
    assert findings(visit(1), visit(2, hour=14)) == []   # the same home, twice
    photo = dict(photo_hash="abc123")
    found = findings(visit(1, **photo), visit(2, hour=14, beneficiary_id=2, address_key="b", gps_in=None,
                                               gps_out=None, **photo), persons=(person(), person(person_id=2)))
    assert codes(found, 1) == codes(found, 2) == {"S01"}
    assert found[0].evidence["shared"] == ["photo:abc123"]


def _carer_month(near: int, total: int):
    return [visit(i, day=f"2026-06-{i:02d}", minutes=55 if i <= near else 60) for i in range(1, total + 1)]


@pytest.mark.parametrize("near,total,flagged", [(8, 10, 8), (7, 10, 0), (10, 10, 10), (9, 9, 0)])
def test_s02_80_percent_of_a_carers_visits_ending_near_the_minimum(near, total, flagged):
    found = findings(*_carer_month(near, total))
    assert sum(1 for f in found if f.rule == "S02") == flagged


@pytest.mark.parametrize("minutes,near", [(54, True), (56, True), (57, False)])
def test_s02_within_2_minutes_of_the_minimum_duration(minutes, near):
    visits = [visit(i, day=f"2026-06-{i:02d}", minutes=minutes) for i in range(1, 11)]
    assert ("S02" in codes(findings(*visits))) is near


def test_s02_minimum_number_of_visits_is_a_parameter():
    assert codes(findings(*_carer_month(2, 2), policy=with_policy(s02_min_visits=2))) == {"S02"}
