"""The nightly scan (SPEC §6, §9): a per-unit job by provider that closes visits not checked out
(V13) and scans the months whose records or facts changed since the last scan."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ltc.compliance import jobs
from ltc.compliance.models import Finding
from ltc.core.clock import LOCAL_TZ, utcnow
from ltc.people.hospital.models import HospitalStay
from ltc.providers.records.models import RecordVersion
from ltc.scheduler.registry import DAILY_0100, get_job
from tests.builders import world
from tests.compliance_db_builders import beneficiary, carer, visit


def _due(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(1, 0), LOCAL_TZ)


def test_the_nightly_scan_is_a_per_unit_job_at_0100():
    job = get_job("compliance_scan")
    assert (job.schedule, job.units) == (DAILY_0100, "ltc.compliance.jobs:providers_to_scan")


def test_the_scan_closes_visits_not_checked_out_at_their_planned_minutes_once(session):
    w = world(session)
    person, nurse = beneficiary(session, w.provider), carer(session, w.provider)
    open_visit = visit(session, person, nurse, minutes=None, planned=45)
    today_open = visit(session, person, nurse, day="2026-06-12", hour=0, minute=30, minutes=None)
    assert jobs.providers_to_scan(session, due_at=_due("2026-06-12")) == [str(w.provider.id)]
    counts = jobs.scan_provider(session, str(w.provider.id), now=utcnow(), due_at=_due("2026-06-12"))
    assert counts["visits_closed"] == 1 and counts["months_scanned"] == 1   # June: March to May hold no record
    assert (open_visit.closed_by_scan, open_visit.actual_minutes, open_visit.status) == (True, 45, "done")
    assert open_visit.check_out_at - open_visit.check_in_at == timedelta(minutes=45)
    assert today_open.check_out_at is None                                  # its day is not over
    [kept] = session.scalars(select(RecordVersion).where(RecordVersion.record_id == open_visit.id)).all()
    assert (kept.version, kept.data["check_out_at"], kept.data["closed_by_scan"]) == (1, None, False)
    rules = {(f.rule, f.record_id) for f in session.scalars(select(Finding).where(Finding.status == "open"))}
    assert rules == {("V13", open_visit.id)}
    again = jobs.scan_provider(session, str(w.provider.id), now=utcnow(), due_at=_due("2026-06-12"))
    assert (again["visits_closed"], again["findings_added"], again["months_scanned"]) == (0, 0, 1)


def test_a_past_month_is_scanned_again_once_over_and_after_a_dated_fact_changed(session):
    w = world(session)
    person, nurse = beneficiary(session, w.provider), carer(session, w.provider)
    june_visit = visit(session, person, nurse)
    jobs.scan_provider(session, str(w.provider.id), now=utcnow(), due_at=_due("2026-06-20"))
    over = jobs.scan_provider(session, str(w.provider.id), now=utcnow(), due_at=_due("2026-07-02"))
    assert over["months_scanned"] == 2                       # June (now complete) and July
    quiet = jobs.scan_provider(session, str(w.provider.id), now=utcnow(), due_at=_due("2026-07-03"))
    assert quiet["months_scanned"] == 1                      # July only: June unchanged
    session.add(HospitalStay(person_id=person.id, hospital="市一医院", category="inpatient",
                             admitted_on=date(2026, 6, 9), discharged_on=date(2026, 6, 15)))
    session.flush()
    changed = jobs.scan_provider(session, str(w.provider.id), now=utcnow() + timedelta(seconds=1),
                                 due_at=_due("2026-07-04"))
    assert changed["months_scanned"] == 2 and changed["findings_added"] == 1
    [e08] = session.scalars(select(Finding).where(Finding.record_id == june_visit.id)).all()
    assert (e08.rule, e08.source) == ("E08", "scan")


def test_the_scheduler_runs_the_scan_per_provider_and_records_the_counts(session):
    from ltc.scheduler.models import JobRunUnit
    from ltc.scheduler.runner import run_job
    w = world(session)
    visit(session, beneficiary(session, w.provider), carer(session, w.provider), minutes=None)
    session.commit()
    outcome = run_job(session, get_job("compliance_scan"), _due("2026-06-12"))
    assert outcome.status == "success" and outcome.counts["visits_closed"] == 1
    assert [u.unit_key for u in session.scalars(select(JobRunUnit))] == [str(w.provider.id)]


def test_s01_the_scan_finds_a_photo_reused_by_another_provider_on_another_person(session):
    """SPEC §6 S01: the same photo on visits to different addresses, whichever providers made them."""
    w = world(session)
    home = beneficiary(session, w.provider)
    other = beneficiary(session, w.provider2, n=2)
    mine = visit(session, home, carer(session, w.provider), photo_hash="f" * 64)
    theirs = visit(session, other, carer(session, w.provider2, n=2), hour=14, photo_hash="f" * 64,
                   gps=(home.latitude, home.longitude))
    jobs.scan_provider(session, str(w.provider.id), now=utcnow(), due_at=_due("2026-07-02"))
    jobs.scan_provider(session, str(w.provider2.id), now=utcnow(), due_at=_due("2026-07-02"))
    s01 = session.scalars(select(Finding).where(Finding.rule == "S01", Finding.status == "open")).all()
    assert sorted((f.record_id, f.provider_id) for f in s01) == sorted([(mine.id, w.provider.id),
                                                                        (theirs.id, w.provider2.id)])
    assert {key for f in s01 for key in f.evidence["shared"]} >= {"photo:" + "f" * 64}


def _marked(session, provider) -> list[date]:
    from ltc.compliance.models import ScanMark
    return sorted(session.scalars(select(ScanMark.month).where(ScanMark.provider_id == provider.id)))


def test_an_earlier_month_with_nothing_to_scan_is_skipped_and_left_unmarked(session):
    """March to May hold a home entitlement but no record, finding or family package: no scan, no mark."""
    w = world(session)
    visit(session, beneficiary(session, w.provider), carer(session, w.provider))
    counts = jobs.scan_provider(session, str(w.provider.id), now=utcnow(), due_at=_due("2026-06-12"))
    assert counts["months_scanned"] == 1 and _marked(session, w.provider) == [date(2026, 6, 1)]
    visit(session, beneficiary(session, w.provider, 2), carer(session, w.provider, 2), day="2026-04-08")
    later = jobs.scan_provider(session, str(w.provider.id), now=utcnow(), due_at=_due("2026-06-13"))
    assert later["months_scanned"] == 2 and _marked(session, w.provider) == [date(2026, 4, 1), date(2026, 6, 1)]


def test_f01_a_family_entitlement_without_visits_keeps_its_earlier_months_scanned(session):
    from ltc.orgs.kinds import CareType
    from ltc.providers.models import ProviderCareTypePeriod
    from ltc.core.periods import add_period
    w = world(session)
    add_period(session, ProviderCareTypePeriod, org_id=w.provider.id, care_type=CareType.FAMILY.value,
               valid_from=date(2025, 1, 1))
    beneficiary(session, w.provider, 2, care_type="family")      # entitled from February, never visited
    visit(session, beneficiary(session, w.provider), carer(session, w.provider))
    counts = jobs.scan_provider(session, str(w.provider.id), now=utcnow(), due_at=_due("2026-06-12"))
    assert counts["months_scanned"] == 4                           # March to June
    assert _marked(session, w.provider) == [date(2026, m, 1) for m in (3, 4, 5, 6)]


def test_an_open_finding_of_an_earlier_month_without_records_keeps_it_scanned_and_is_cleared(session):
    from ltc.compliance import services
    w = world(session)
    person, nurse = beneficiary(session, w.provider), carer(session, w.provider)
    april = visit(session, person, nurse, day="2026-04-08", minutes=10, gps=(person.latitude + 1, person.longitude))
    assert services.check_record(session, "visit", april, now=utcnow())        # entry-time findings, no mark
    april.status = "cancelled"
    visit(session, person, nurse)
    session.flush()
    counts = jobs.scan_provider(session, str(w.provider.id), now=utcnow(), due_at=_due("2026-06-12"))
    assert counts["months_scanned"] == 2 and _marked(session, w.provider) == [date(2026, 4, 1), date(2026, 6, 1)]
    assert session.scalars(select(Finding).where(Finding.record_id == april.id, Finding.status == "open")).all() == []
