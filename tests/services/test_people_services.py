"""Registry services (SPEC §2): create, edit, dated attributes, death, full views."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ltc.auth.services import actor_of
from ltc.core import events
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import Conflict, NotFound, ValidationFailed
from ltc.people import services
from ltc.people.events import PersonDied
from ltc.people.models import InsuredPerson, PersonStatusPeriod, PersonTagPeriod
from tests.conftest import NOW, TODAY
from tests.people_builders import id_number, person

D = date


def audit_rows(session, action: str, entity_id) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "insured_person", AuditEntry.action == action,
        AuditEntry.entity_id == str(entity_id))))


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_create_derives_birth_and_sex_and_dates_the_attributes(session, world):
    actor = actor_of(world.users["mia_op"])
    p = services.create_person(session, {"id_number": "330106194501011233", "name": "王秀英", "district": "东城区",
                                         "phone": " 13812345678 ", "latitude": 39.9}, actor=actor, now=NOW,
                               category="resident", tags=["chronic_class_a"], valid_from=D(2026, 2, 1))
    assert (p.birth_date, p.sex, p.phone, p.latitude) == (D(1945, 1, 1), "M", "13812345678", Decimal("39.9"))
    assert services.status_on(session, p.id, D(2026, 2, 1)) == "active"
    assert services.status_on(session, p.id, D(2026, 1, 31)) is None
    assert services.category_on(session, p.id, TODAY) == "resident"
    assert services.tags_on(session, p.id, TODAY) == ["chronic_class_a"]
    [entry] = audit_rows(session, "create", p.id)
    assert (entry.user_id, entry.org_id) == (world.users["mia_op"].id, world.mia.id)
    assert entry.after["id_number"] == "330106194501011233" and entry.after["category"] == "resident"


@pytest.mark.parametrize("values,field", [
    ({"id_number": "110101194501011231", "name": "张三", "district": "东城区"}, "id_number"),
    ({"id_number": "110101194501011230", "name": " ", "district": "东城区"}, "name"),
    ({"id_number": "110101194501011230", "name": "张三", "district": "东城区", "phone": "call me"}, "phone"),
    ({"id_number": "110101194501011230", "name": "张三", "district": "东城区", "latitude": 95}, "latitude"),
    ({"id_number": "110101194501011230", "name": "张三", "district": "东城区", "colour": "red"}, "colour"),
])
def test_create_refuses_bad_fields_and_writes_nothing(session, values, field):
    entries = count(session, AuditEntry)  # the session's seed has its own entries
    with pytest.raises(ValidationFailed) as caught:
        services.create_person(session, values, actor=SYSTEM, now=NOW)
    assert field in caught.value.fields
    assert count(session, InsuredPerson) == 0 and count(session, AuditEntry) == entries


def test_create_refuses_a_registered_id_number_even_with_lowercase_x(session):
    number = "11010119400229028X"
    person(session, id_number=number)
    with pytest.raises(Conflict) as caught:
        services.create_person(session, {"id_number": number.lower(), "name": "李四", "district": "东城区"},
                               actor=SYSTEM, now=NOW)
    assert caught.value.fields == {"id_number": "already registered"}


def test_update_audits_only_the_changed_fields(session):
    p = person(session)
    services.update_person(session, p, {"phone": "13900000000", "name": p.name}, actor=SYSTEM, now=NOW)
    [entry] = audit_rows(session, "update", p.id)
    assert entry.before == {"phone": "13812345678"} and entry.after == {"phone": "13900000000"}
    services.update_person(session, p, {"phone": "13900000000"}, actor=SYSTEM, now=NOW)
    assert len(audit_rows(session, "update", p.id)) == 1  # no change, no entry


def test_update_of_the_id_number_rederives_birth_and_refuses_another_persons_number(session):
    p, other = person(session, 1), person(session, 2)
    new = id_number(3, birth=D(1960, 5, 5), female=True)
    services.update_person(session, p, {"id_number": new}, actor=SYSTEM, now=NOW)
    assert (p.birth_date, p.sex) == (D(1960, 5, 5), "F")
    with pytest.raises(Conflict):
        services.update_person(session, p, {"id_number": other.id_number}, actor=SYSTEM, now=NOW)


def test_status_change_closes_the_open_period(session):
    p = person(session, valid_from=D(2026, 1, 1))
    assert services.set_status(session, p, status="suspended", valid_from=D(2026, 3, 1), actor=SYSTEM, now=NOW)
    periods = [(s.status, s.valid_from, s.valid_to) for s in
               session.scalars(select(PersonStatusPeriod).order_by(PersonStatusPeriod.valid_from))]
    assert periods == [("active", D(2026, 1, 1), D(2026, 3, 1)), ("suspended", D(2026, 3, 1), None)]
    assert services.status_on(session, p.id, D(2026, 2, 28)) == "active"
    assert services.status_on(session, p.id, D(2026, 3, 1)) == "suspended"
    assert not services.set_status(session, p, status="suspended", valid_from=D(2026, 3, 10),
                                   actor=SYSTEM, now=NOW)
    assert [e.after["status"] for e in audit_rows(session, "set_status", p.id)] == ["suspended"]


def test_a_same_day_status_change_corrects_the_period(session):
    p = person(session, valid_from=D(2026, 3, 1))
    services.set_status(session, p, status="transferred", valid_from=D(2026, 3, 1), actor=SYSTEM, now=NOW)
    assert [(s.status, s.valid_to) for s in session.scalars(select(PersonStatusPeriod))] == [("transferred", None)]


def test_a_status_change_before_a_later_period_conflicts(session):
    p = person(session, valid_from=D(2026, 3, 1))
    with pytest.raises(Conflict):
        services.set_status(session, p, status="suspended", valid_from=D(2026, 2, 1), actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationFailed):
        services.set_status(session, p, status="deceased", valid_from=D(2026, 3, 5), actor=SYSTEM, now=NOW)


def test_category_change_is_dated(session):
    p = person(session, category="employee", valid_from=D(2026, 1, 1))
    services.set_category(session, p, category="resident", valid_from=D(2026, 4, 1), actor=SYSTEM, now=NOW)
    assert services.category_on(session, p.id, D(2026, 3, 31)) == "employee"
    assert services.category_on(session, p.id, D(2026, 4, 1)) == "resident"


def test_tags_are_added_and_ended(session):
    p = person(session, tags=["medical_assistance"], valid_from=D(2026, 1, 1))
    services.add_tag(session, p, tag="chronic_class_a", valid_from=D(2026, 2, 1), actor=SYSTEM, now=NOW)
    assert not services.add_tag(session, p, tag="medical_assistance", valid_from=D(2026, 2, 1),
                                actor=SYSTEM, now=NOW)
    assert services.end_tag(session, p, tag="medical_assistance", valid_to=D(2026, 3, 1), actor=SYSTEM, now=NOW)
    assert services.tags_on(session, p.id, D(2026, 2, 28)) == ["chronic_class_a", "medical_assistance"]
    assert services.tags_on(session, p.id, D(2026, 3, 1)) == ["chronic_class_a"]
    # ending a tag on the day it started removes the period
    services.end_tag(session, p, tag="chronic_class_a", valid_to=D(2026, 2, 1), actor=SYSTEM, now=NOW)
    assert session.scalar(select(func.count()).where(PersonTagPeriod.tag == "chronic_class_a")) == 0
    assert not services.end_tag(session, p, tag="severe_disability_cert", valid_to=TODAY, actor=SYSTEM, now=NOW)


def test_the_day_of_death_is_still_covered(session):
    p = person(session, valid_from=D(2026, 1, 1))
    services.record_death(session, p, death_date=D(2026, 2, 10), actor=SYSTEM, now=NOW)
    assert p.death_date == D(2026, 2, 10)
    assert services.status_on(session, p.id, D(2026, 2, 10)) == "active"
    assert services.status_on(session, p.id, D(2026, 2, 11)) == "deceased"
    [entry] = audit_rows(session, "record_death", p.id)
    assert entry.after["death_date"] == "2026-02-10" and entry.before["status"] == "active"


def test_a_late_death_record_cuts_later_status_periods(session):
    p = person(session, valid_from=D(2026, 1, 1))
    services.set_status(session, p, status="suspended", valid_from=D(2026, 3, 1), actor=SYSTEM, now=NOW)
    services.record_death(session, p, death_date=D(2026, 2, 10), actor=SYSTEM, now=NOW)
    periods = [(s.status, s.valid_from, s.valid_to) for s in
               session.scalars(select(PersonStatusPeriod).order_by(PersonStatusPeriod.valid_from))]
    assert periods == [("active", D(2026, 1, 1), D(2026, 2, 11)), ("deceased", D(2026, 2, 11), None)]


def test_death_rules(session):
    p = person(session)
    with pytest.raises(ValidationFailed):
        services.record_death(session, p, death_date=TODAY + timedelta(days=1), actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationFailed):
        services.record_death(session, p, death_date=D(1949, 12, 31), actor=SYSTEM, now=NOW)
    services.record_death(session, p, death_date=TODAY, actor=SYSTEM, now=NOW)
    services.record_death(session, p, death_date=TODAY, actor=SYSTEM, now=NOW)  # same date: no-op
    assert len(audit_rows(session, "record_death", p.id)) == 1
    with pytest.raises(Conflict):
        services.record_death(session, p, death_date=TODAY - timedelta(days=3), actor=SYSTEM, now=NOW)
    with pytest.raises(Conflict):
        services.set_status(session, p, status="active", valid_from=TODAY, actor=SYSTEM, now=NOW)


def test_person_died_is_published_after_the_death_is_recorded(session, monkeypatch):
    seen = []
    monkeypatch.setattr(events.hub, "_handlers",
                        {PersonDied: [lambda s, e: seen.append((e.person.id, e.person.death_date))]})
    p = person(session)
    services.record_death(session, p, death_date=TODAY, actor=SYSTEM, now=NOW)
    assert seen == [(p.id, TODAY)]


def test_a_full_view_is_audited(session, world):
    p = person(session)
    detail = services.get_person_full(session, world.users["mia_op"], p.id, now=NOW)
    assert detail.person.id_number == p.id_number and detail.status == "active"
    [entry] = audit_rows(session, "view", p.id)
    assert entry.user_id == world.users["mia_op"].id and entry.entity == "insured_person"


def test_a_full_view_outside_the_scope_is_not_found_and_not_audited(session, world):
    p = person(session, district="朝阳区")
    with pytest.raises(NotFound):
        services.get_person_full(session, world.users["ins_op"], p.id, now=NOW)
    assert audit_rows(session, "view", p.id) == []


def test_overlapping_periods_are_refused_by_the_database_on_postgresql(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("EXCLUDE USING gist exists on PostgreSQL only")
    p = person(session, valid_from=D(2026, 1, 1))
    session.add(PersonStatusPeriod(person_id=p.id, status="suspended", valid_from=D(2026, 2, 1)))
    with pytest.raises(IntegrityError):
        session.flush()
