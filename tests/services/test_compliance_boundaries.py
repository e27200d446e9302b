"""The boundaries of issue 10's Done-when through the database on both engines: stored values
(coordinates, timestamps, minutes) read back by the readers give the same verdicts as the pure rules."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from ltc.compliance import services
from ltc.compliance.models import Finding
from ltc.people.hospital.models import HospitalStay
from tests.builders import world
from tests.compliance_db_builders import NOW, beneficiary, carer, local, stay, visit

JUNE = date(2026, 6, 1)


def _rules(found) -> set[str]:
    return {f.rule.value for f in found}


@pytest.mark.parametrize("metres,flagged", [(299, False), (301, True)])
def test_v01_299_vs_301_metres(session, metres, flagged):
    w = world(session)
    person, nurse = beneficiary(session, w.provider), carer(session, w.provider)
    north = (Decimal(metres) / Decimal("111195.08")).quantize(Decimal("0.000001"))
    away = visit(session, person, nurse, gps=(person.latitude + north, person.longitude))
    assert ("V01" in _rules(services.check_record(session, "visit", away, now=NOW))) is flagged


@pytest.mark.parametrize("minutes,rejected", [(54, False), (53, True)])
def test_v03_exactly_90_percent(session, minutes, rejected):
    w = world(session)
    done = visit(session, beneficiary(session, w.provider), carer(session, w.provider), minutes=minutes)
    assert ("V03" in _rules(services.check_record(session, "visit", done, now=NOW))) is rejected


@pytest.mark.parametrize("overlap,rejected", [(5, False), (6, True)])
def test_v04_overlap_of_5_vs_6_minutes(session, overlap, rejected):
    w = world(session)
    nurse = carer(session, w.provider)
    visit(session, beneficiary(session, w.provider, 1), nurse, hour=9)
    later = visit(session, beneficiary(session, w.provider, 2), nurse, hour=10, minute=-overlap)
    assert ("V04" in _rules(services.check_record(session, "visit", later, now=NOW))) is rejected


@pytest.mark.parametrize("hours,flagged", [(71, False), (73, True)])
def test_v12_upload_71_vs_73_hours_late(session, hours, flagged):
    w = world(session)
    late = visit(session, beneficiary(session, w.provider), carer(session, w.provider), source="offline",
                 device_id="pad-7", uploaded_at=local("2026-06-10", 9) + timedelta(hours=hours))
    assert ("V12" in _rules(services.check_record(session, "visit", late, now=NOW))) is flagged


def test_v07_the_cap_crossed_mid_visit_from_the_billing_policy(session):
    """REF level 4 home: 21 hours a month. Twenty one-hour visits, then a 90-minute one: 30 minutes over."""
    w = world(session)
    person, nurse = beneficiary(session, w.provider), carer(session, w.provider)
    for day in range(1, 21):
        visit(session, person, nurse, day=f"2026-06-{day:02d}")
    crossing = visit(session, person, nurse, day="2026-06-21", planned=90, minutes=90)
    past = visit(session, person, nurse, day="2026-06-22")
    services.scan_provider_month(session, w.provider.id, JUNE, now=NOW)
    over = {f.record_id: f.minutes_over for f in session.scalars(select(Finding).where(Finding.rule == "V07"))}
    assert over == {crossing.id: 30, past.id: 60}


def test_bed_days_discharge_day_leaves_of_3_and_4_days_and_a_hospital_day_in_a_short_leave(session):
    w = world(session)
    person = beneficiary(session, w.provider2, care_type="institution")
    session.add(HospitalStay(person_id=person.id, hospital="市一医院", category="inpatient",
                             admitted_on=date(2026, 6, 4), discharged_on=date(2026, 6, 5)))
    stay(session, person, w.provider2, date(2026, 6, 1), date(2026, 6, 20),
         leaves=[(date(2026, 6, 3), date(2026, 6, 6)), (date(2026, 6, 10), date(2026, 6, 14))])
    services.scan_provider_month(session, w.provider2.id, JUNE, now=NOW)
    rows = session.scalars(select(Finding).where(Finding.record_kind == "stay", Finding.status == "open")).all()
    assert sorted((f.rule, f.service_date.day) for f in rows) == [
        ("D02", 10), ("D02", 11), ("D02", 12), ("D02", 13), ("E08", 4)]


def test_bed_days_count_the_admission_day_not_the_discharge_day_and_a_same_day_stay_once(session):
    """Without an entitlement every bed-day is E01: the days found are exactly the bed-days."""
    from tests.people_builders import person as insured
    w = world(session)
    nobody = insured(session, 7)
    stay(session, nobody, w.provider2, date(2026, 6, 3), date(2026, 6, 6))
    same_day = stay(session, nobody, w.provider2, date(2026, 6, 9), date(2026, 6, 9))
    found = services.check_record(session, "stay", same_day, now=NOW)
    assert [(f.rule.value, f.service_date.day) for f in found] == [("E01", 9)]
    services.scan_provider_month(session, w.provider2.id, JUNE, now=NOW)
    rows = session.scalars(select(Finding).where(Finding.record_kind == "stay", Finding.status == "open")).all()
    assert sorted(f.service_date.day for f in rows) == [3, 4, 5, 9]
