"""Hospital stays (SPEC §2): upsert by (person, hospital, admission date), long inpatient stays
(SPEC §3.1 reassessment) and inpatient days (SPEC §6 E08)."""
from datetime import date

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import ValidationFailed
from ltc.people.hospital import services as hospital
from ltc.people.hospital.models import HospitalStay
from ltc.people.hospital.services import StayInput
from tests.conftest import NOW
from tests.people_builders import person

D = date


@pytest.fixture
def people(session):
    return [person(session, n, name=f"住院{n}") for n in (1, 2, 3)]


def stay(p, admitted, discharged=None, *, category="inpatient", where="市第一人民医院") -> StayInput:
    return StayInput(person_id=p.id, hospital=where, category=category, admitted_on=admitted, discharged_on=discharged)


def upsert(session, *rows):
    return hospital.upsert_stays(session, list(rows), actor=SYSTEM, now=NOW)


def stored(session) -> list[tuple]:
    return [(s.person_id, s.hospital, s.category, s.admitted_on, s.discharged_on)
            for s in session.scalars(select(HospitalStay).order_by(HospitalStay.id))]


def test_upsert_creates_then_updates_the_discharge_date_and_is_idempotent(session, people):
    a, b = people[:2]
    rows = [stay(a, D(2026, 1, 5)), stay(b, D(2026, 1, 5), D(2026, 1, 9), category="ltc_special")]
    assert upsert(session, *rows) == {"create": 2, "update": 0, "unchanged": 0}
    assert upsert(session, *rows) == {"create": 0, "update": 0, "unchanged": 2}
    discharged = stay(a, D(2026, 1, 5), D(2026, 2, 10))
    assert upsert(session, discharged, rows[1]) == {"create": 0, "update": 1, "unchanged": 1}
    assert stored(session)[0][4] == D(2026, 2, 10) and len(stored(session)) == 2
    [update] = session.scalars(select(AuditEntry).where(AuditEntry.entity == "hospital_stay",
                                                        AuditEntry.action == "update")).all()
    assert update.before == {"discharged_on": None} and update.after == {"discharged_on": "2026-02-10"}
    assert len(session.scalars(select(AuditEntry).where(AuditEntry.action == "create",
                                                        AuditEntry.entity == "hospital_stay")).all()) == 2


def test_another_hospital_or_admission_date_is_another_stay(session, people):
    a = people[0]
    upsert(session, stay(a, D(2026, 1, 5)), stay(a, D(2026, 1, 5), where="市中医院"), stay(a, D(2026, 2, 1)))
    assert len(stored(session)) == 3
    assert [s.admitted_on for s in hospital.stays_of(session, a.id)] == [D(2026, 2, 1), D(2026, 1, 5), D(2026, 1, 5)]


def test_upsert_refuses_bad_rows_before_writing(session, people):
    a = people[0]
    for rows in ([stay(a, D(2026, 1, 5)), stay(a, D(2026, 1, 5), D(2026, 1, 7))],       # the same key twice
                 [stay(a, D(2026, 1, 5)), stay(a, D(2026, 1, 9), D(2026, 1, 8))],       # discharge before admission
                 [stay(a, D(2026, 1, 5), category="day_care")]):
        with pytest.raises(ValidationFailed):
            upsert(session, *rows)
    assert stored(session) == []


def test_existing_stays_are_looked_up_in_one_query(session, people):
    upsert(session, *[stay(p, D(2026, 1, 5)) for p in people])
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.bind, "before_cursor_execute", listener)
    try:
        wanted = [stay(p, D(2026, 1, 5)) for p in people] + [stay(people[0], D(2026, 3, 1))]
        found = hospital.existing_stays(session, wanted)
    finally:
        event.remove(session.bind, "before_cursor_execute", listener)
    assert len(found) == 3 and len(statements) == 1


def test_the_schema_refuses_a_discharge_before_admission_and_a_bad_category(session, people):
    for values in ({"category": "inpatient", "discharged_on": D(2026, 1, 1)}, {"category": "other"}):
        with pytest.raises(IntegrityError):
            with session.begin_nested():
                session.add(HospitalStay(person_id=people[0].id, hospital="某医院", admitted_on=D(2026, 1, 2),
                                         **values))
                session.flush()


# --- long inpatient stays: "longer than min_days" -----------------------------------------

ON = D(2026, 3, 16)


@pytest.mark.parametrize("admitted, discharged, category, on_or_before, long", [
    (D(2026, 1, 1), D(2026, 1, 31), "inpatient", ON, False),        # exactly 30 days
    (D(2026, 1, 1), D(2026, 2, 1), "inpatient", ON, True),          # 31 days
    (D(2026, 2, 14), None, "inpatient", ON, False),                 # open, 30 days up to on_or_before
    (D(2026, 2, 13), None, "inpatient", ON, True),                  # open, 31 days
    (D(2026, 2, 14), D(2026, 4, 30), "inpatient", ON, False),       # discharged later: measured to on_or_before
    (D(2026, 2, 14), D(2026, 4, 30), "inpatient", D(2026, 3, 17), True),
    (D(2026, 1, 1), None, "ltc_special", ON, False),                # special care stays are ignored
    (D(2026, 1, 1), D(2026, 3, 1), "ltc_special", ON, False),
    (D(2026, 4, 1), None, "inpatient", ON, False),                  # admitted after on_or_before
])
def test_long_inpatient_stays_boundaries(session, people, admitted, discharged, category, on_or_before, long):
    upsert(session, stay(people[0], admitted, discharged, category=category))
    found = hospital.long_inpatient_stays(session, min_days=30, on_or_before=on_or_before)
    assert [(pid, s.admitted_on) for pid, s in found] == ([(people[0].id, admitted)] if long else [])


def test_long_stays_of_several_people_and_recent_discharges_only(session, people):
    a, b, c = people
    upsert(session, stay(a, D(2025, 1, 1), D(2025, 6, 1)), stay(b, D(2026, 1, 1), D(2026, 3, 1)),
           stay(c, D(2026, 1, 2)), stay(c, D(2025, 1, 1), D(2025, 1, 10)))
    all_long = hospital.long_inpatient_stays(session, min_days=30, on_or_before=ON)
    assert [pid for pid, _ in all_long] == sorted([a.id, b.id, c.id])
    recent = hospital.long_inpatient_stays(session, min_days=30, on_or_before=ON, discharged_since=D(2026, 3, 1))
    assert sorted(pid for pid, _ in recent) == sorted([b.id, c.id])


# --- inpatient days (E08) -----------------------------------------------------------------

def test_inpatient_days_are_admission_to_the_day_before_discharge(session, people):
    a, b = people[:2]
    upsert(session, stay(a, D(2026, 3, 3), D(2026, 3, 6)),                       # 3, 4, 5 March
           stay(a, D(2026, 3, 10), D(2026, 3, 10), where="市中医院"),             # same day: no day
           stay(a, D(2026, 3, 20), D(2026, 3, 25), category="ltc_special"),       # ignored
           stay(a, D(2026, 3, 28)),                                               # open: to the end of the range
           stay(b, D(2026, 3, 1), D(2026, 3, 31)))                                # another person
    days = hospital.inpatient_days(session, a.id, D(2026, 3, 4), D(2026, 3, 29))
    assert sorted(days) == [D(2026, 3, 4), D(2026, 3, 5), D(2026, 3, 28), D(2026, 3, 29)]
    assert hospital.inpatient_days(session, a.id, D(2026, 2, 1), D(2026, 2, 28)) == set()
    assert len(hospital.inpatient_days(session, b.id, D(2026, 3, 1), D(2026, 3, 31))) == 30
    assert session.scalar(select(func.count()).select_from(HospitalStay)) == 5
