"""The scan's set-based reads (``ltc.compliance.dated``): one bound array per id list on PostgreSQL
(an IN-list on SQLite), plain rows on the session's connection, dated periods read together in the readers' order."""
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import select

from ltc.compliance import dated, jobs
from ltc.compliance.models import Finding
from ltc.core.clock import LOCAL_TZ, utcnow
from ltc.core.periods import periods_overlapping
from ltc.people.hospital.models import HospitalStay
from ltc.people.models import PersonStatusPeriod
from ltc.providers.records.models import Visit
from tests.builders import world
from tests.compliance_db_builders import beneficiary, carer, visit

JUNE, JULY = date(2026, 6, 1), date(2026, 7, 1)
NIGHT_OF_2_JULY = datetime.combine(date(2026, 7, 2), time(1, 0), LOCAL_TZ)


def _ids(session, condition) -> list[int]:
    return sorted(i for (i,) in dated.rows(session, select(Visit.id).where(condition)))


def test_among_picks_rows_by_ids_texts_and_decimals_and_nothing_for_none(session):
    w = world(session)
    one, two = beneficiary(session, w.provider, 1), beneficiary(session, w.provider, 2)
    nurse = carer(session, w.provider)
    a = visit(session, one, nurse, photo_hash="a" * 64)
    b = visit(session, two, nurse, hour=14, photo_hash="b" * 64)
    c = visit(session, one, nurse, day="2026-06-11")
    assert _ids(session, dated.among(session, Visit.id, [c.id, a.id, a.id, 10 ** 9])) == sorted([a.id, c.id])
    assert _ids(session, dated.among(session, Visit.photo_hash, {"b" * 64, "z" * 64})) == [b.id]
    assert _ids(session, dated.among(session, Visit.check_in_lat, [two.latitude, Decimal("1.5")])) == [b.id]
    assert _ids(session, dated.among(session, Visit.id, [])) == []


def test_rows_sees_what_the_session_has_not_flushed_yet(session):
    w = world(session)
    someone = beneficiary(session, w.provider)
    session.add(HospitalStay(person_id=someone.id, hospital="市一医院", category="inpatient",
                             admitted_on=date(2026, 6, 9), discharged_on=date(2026, 6, 15)))
    found = dated.rows(session, select(HospitalStay.admitted_on).where(HospitalStay.person_id == someone.id))
    assert [tuple(row) for row in found] == [(date(2026, 6, 9),)]


def test_statuses_are_the_periods_overlapping_in_its_order_read_in_one_union(session):
    w = world(session)
    people = [beneficiary(session, w.provider, n) for n in (1, 2, 3)]
    ids = [p.id for p in people]
    [active] = session.scalars(select(PersonStatusPeriod).where(PersonStatusPeriod.person_id == ids[1])).all()
    active.valid_to = date(2026, 6, 20)
    session.flush()
    session.add(PersonStatusPeriod(person_id=ids[1], valid_from=date(2026, 6, 20), valid_to=None, status="suspended"))
    session.flush()
    expected = periods_overlapping(session, PersonStatusPeriod, ids, JUNE, JULY)
    found = dated.persons(session, ids, JUNE, JULY)
    assert {i: [(p.valid_from, p.valid_to, p.status) for p in found[i].statuses] for i in ids} == {
        i: [(p.valid_from, p.valid_to, p.status) for p in expected[i]] for i in ids}
    assert [p.status for p in found[ids[1]].statuses] == ["active", "suspended"]
    assert dated.persons(session, [], JUNE, JULY) == {}


def test_s01_the_scan_finds_a_gps_point_reused_by_another_provider_at_another_address(session):
    """SPEC §6 S01 through the other providers' visits read by GPS point (a bound array of decimals)."""
    w = world(session)
    home = beneficiary(session, w.provider)
    other = beneficiary(session, w.provider2, n=2)
    mine = visit(session, home, carer(session, w.provider))
    theirs = visit(session, other, carer(session, w.provider2, n=2), hour=14, gps=(home.latitude, home.longitude))
    jobs.scan_provider(session, str(w.provider.id), now=utcnow(), due_at=NIGHT_OF_2_JULY)
    s01 = session.scalars(select(Finding).where(Finding.rule == "S01", Finding.status == "open")).all()
    assert [(f.record_id, f.provider_id) for f in s01] == [(mine.id, w.provider.id)]
    assert s01[0].evidence["shared"] == [f"gps:{home.latitude:.6f}:{home.longitude:.6f}"]
    assert theirs.provider_id == w.provider2.id
