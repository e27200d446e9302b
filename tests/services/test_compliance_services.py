"""Entry-time checks and the provider-month scan keep findings in the database (SPEC §6)."""
from datetime import date, timedelta

from sqlalchemy import select

from ltc.compliance import readers, services
from ltc.compliance.models import Finding
from ltc.core.periods import add_period
from ltc.people.hospital.models import HospitalStay
from ltc.policy import timeline
from ltc.providers.models import ProviderCareTypePeriod
from ltc.providers.records.checks import check_record as records_check_record
from tests.builders import world
from tests.compliance_db_builders import NOW, beneficiary, carer, local, stay, visit
from tests.queries import count_queries

JUNE = date(2026, 6, 1)


def _open(session, kind: str = "visit") -> set[tuple[str, int]]:
    return {(f.rule, f.record_id) for f in session.scalars(
        select(Finding).where(Finding.status == "open", Finding.record_kind == kind))}


def test_entry_check_stores_and_returns_the_records_findings(session):
    w = world(session)
    person, nurse = beneficiary(session, w.provider), carer(session, w.provider)
    clean = visit(session, person, nurse)
    assert records_check_record(session, "visit", clean, now=NOW) == []
    short = visit(session, person, nurse, day="2026-06-11", minutes=40)
    [found] = records_check_record(session, "visit", short, now=NOW)   # through the records' registry
    assert (found.rule, found.severity) == ("V03", "REJECT")
    [row] = session.scalars(select(Finding).where(Finding.record_id == short.id)).all()
    assert (row.rule, row.severity, row.source, row.status, row.month) == ("V03", "REJECT", "entry", "open", JUNE)
    assert (row.provider_id, row.person_id, row.carer_id) == (w.provider.id, person.id, nurse.id)
    assert row.message % row.params == "实际服务 40 分钟，低于最低时长 54 分钟"


def test_an_offline_upload_makes_the_visit_saved_earlier_the_later_one(session):
    w = world(session)
    one, two = beneficiary(session, w.provider, 1), beneficiary(session, w.provider, 2)
    nurse = carer(session, w.provider)
    saved_first = visit(session, one, nurse, hour=10)
    assert services.check_record(session, "visit", saved_first, now=NOW) == []
    uploaded = visit(session, two, nurse, hour=9, minute=30, source="offline", device_id="pad-1",
                     uploaded_at=local("2026-06-12", 8))
    found = services.check_record(session, "visit", uploaded, now=NOW)
    assert {f.rule for f in found} == set()                                   # uploaded: the earlier check-in
    assert _open(session) == {("V04", saved_first.id)}                        # the one saved first: the later


def test_a_correction_clears_the_finding_and_keeps_it_on_file(session):
    w = world(session)
    person, nurse = beneficiary(session, w.provider), carer(session, w.provider)
    short = visit(session, person, nurse, minutes=40)
    services.check_record(session, "visit", short, now=NOW)
    short.check_out_at, short.actual_minutes = short.check_in_at + timedelta(minutes=60), 60
    assert services.check_record(session, "visit", short, now=NOW) == []
    [row] = session.scalars(select(Finding).where(Finding.record_id == short.id)).all()
    assert (row.status, row.cleared_at) == ("cleared", NOW)


def test_the_scan_is_idempotent_and_keeps_only_the_providers_own_findings(session):
    w = world(session)
    person, nurse = beneficiary(session, w.provider), carer(session, w.provider)
    visit(session, person, nurse, minutes=40)
    twice = visit(session, person, nurse, day="2026-06-12", hour=14)
    visit(session, person, nurse, day="2026-06-12", hour=14, minutes=58)      # V10: the later entry
    first = services.scan_provider_month(session, w.provider.id, JUNE, now=NOW)
    assert (first.added, first.changed, first.cleared) == (2, 0, 0)
    assert {rule for rule, _ in _open(session)} == {"V03", "V10"} and ("V10", twice.id) not in _open(session)
    again = services.scan_provider_month(session, w.provider.id, JUNE, now=NOW + timedelta(hours=1))
    assert (again.added, again.changed, again.cleared, again.open) == (0, 0, 0, 2)
    assert services.last_scan(session, w.provider.id, JUNE).scanned_at == NOW + timedelta(hours=1)


def test_bed_days_leaves_and_hospital_stays_through_the_scan(session):
    w = world(session)
    person = beneficiary(session, w.provider2, care_type="institution")
    session.add(HospitalStay(person_id=person.id, hospital="市一医院", category="inpatient",
                             admitted_on=date(2026, 6, 21), discharged_on=date(2026, 6, 22)))
    stay(session, person, w.provider2, date(2026, 6, 1), date(2026, 6, 25),
         leaves=[(date(2026, 6, 10), date(2026, 6, 14)), (date(2026, 6, 20), date(2026, 6, 23))])
    services.scan_provider_month(session, w.provider2.id, JUNE, now=NOW)
    rows = session.scalars(select(Finding).where(Finding.record_kind == "stay")).all()
    assert sorted((f.rule, f.service_date.day) for f in rows) == [
        ("D02", 10), ("D02", 11), ("D02", 12), ("D02", 13), ("E08", 21)]


def test_v06_a_visit_on_a_bed_day_at_another_provider_is_rejected(session):
    w = world(session)
    person, nurse = beneficiary(session, w.provider), carer(session, w.provider)
    add_period(session, ProviderCareTypePeriod, org_id=w.provider2.id, care_type="home", valid_from=date(2025, 1, 1))
    stay(session, person, w.provider2, date(2026, 6, 9), date(2026, 6, 12))
    on_bed_day = visit(session, person, nurse)
    services.scan_provider_month(session, w.provider.id, JUNE, now=NOW)
    assert ("V06", on_bed_day.id) in _open(session)


def test_reading_a_provider_month_takes_the_same_queries_for_1_or_4_beneficiaries(session):
    w = world(session)
    nurses = [carer(session, w.provider, n) for n in (1, 2)]

    def statements() -> int:
        session.expire_all()
        timeline.forget(session)
        timeline.timeline(session)   # the published versions, read once per transaction
        with count_queries(session) as sent:
            readers.provider_month(session, w.provider.id, JUNE, now=NOW)
        return len(sent)

    visit(session, beneficiary(session, w.provider, 1), nurses[0])
    few = statements()
    for n in (2, 3, 4):
        someone = beneficiary(session, w.provider, n)
        for day in (11, 12, 13):
            visit(session, someone, nurses[n % 2], day=f"2026-06-{day}", hour=8 + n)
    assert statements() == few <= 25


def test_caps_split_where_a_policy_version_changes_the_hours_cap_and_prorate(session):
    """REF level 4: 21 h; a version from 16 June raising it to 30 h splits June into two segments
    of 15 days each: 21 × 60 × 15 / 30 = 630 and 30 × 60 × 15 / 30 = 900 minutes."""
    import copy

    from ltc.compliance import dated
    from ltc.core.audit import SYSTEM
    from ltc.policy import services as policy_services
    w = world(session)
    person = beneficiary(session, w.provider)
    draft = policy_services.create_draft(session, actor=SYSTEM, now=NOW)
    billing = copy.deepcopy(draft.sections["billing"])
    billing["home"]["hours_cap_per_month"]["4"] = 30
    policy_services.update_section(session, draft, "billing", billing, actor=SYSTEM, now=NOW)
    policy_services.publish(session, draft, effective_from=date(2026, 6, 16), actor=SYSTEM, now=NOW)
    facts = dated.persons(session, [person.id], JUNE, date(2026, 7, 1))
    segments = dated.cap_segments(session, facts, JUNE, date(2026, 7, 1))
    assert [(s.start.day, s.end.day, s.minutes) for s in segments] == [(1, 16, 630), (16, 1, 900)]
    july = dated.cap_segments(session, dated.persons(session, [person.id], date(2026, 7, 1), date(2026, 8, 1)),
                              date(2026, 7, 1), date(2026, 8, 1))
    assert [s.minutes for s in july] == [1800]   # one segment keeps the full cap
