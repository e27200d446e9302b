"""Granting entitlements (SPEC §4.2): effective dates, one active per person, change, death."""
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ltc.assessment.applications.models import Application
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import Conflict, ValidationFailed
from ltc.entitlements import services
from ltc.entitlements.models import Entitlement, EntitlementEvent, ImmutableEntitlementEvent
from ltc.people.services import record_death
from tests.conftest import NOW
from tests.entitlement_builders import conclusion, grant, plain_conclusion
from tests.people_builders import person


@pytest.fixture
def someone(session, world):
    return person(session, 1, name="张三丰")


def test_institution_care_starts_the_first_of_the_conclusion_month_and_ends_at_expiry(session, world, someone):
    concl = conclusion(session, someone, concluded_on=date(2026, 1, 20))
    e = grant(session, someone, world.provider2, care_type="institution", conclusion_of=concl)
    assert (e.valid_from, e.valid_to, e.end_reason) == (date(2026, 1, 1), date(2028, 1, 20), "expiry")
    assert (e.origin, e.application_id, e.conclusion_level, e.level) == ("review", concl.id, 4, 4)
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "entitlement")).one()
    assert audit.action == "grant" and audit.after["valid_from"] == "2026-01-01"


def test_home_care_starts_the_first_of_the_month_after_and_december_rolls_into_january(session, world, someone):
    concl = conclusion(session, someone, concluded_on=date(2025, 12, 10))
    e = grant(session, someone, world.provider, care_type="home", conclusion_of=concl)
    assert e.valid_from == date(2026, 1, 1)


def test_a_retroactive_start_is_granted(session, world, someone):
    e = grant(session, someone, world.provider2, starts_on=date(2025, 6, 1), conclusion_of=conclusion(
        session, someone, concluded_on=date(2025, 6, 10)))
    assert services.active_on(session, someone.id, date(2025, 6, 1)) == e
    assert services.active_on(session, someone.id, date(2025, 5, 31)) is None


def test_a_second_overlapping_entitlement_is_refused(session, world, someone):
    concl = conclusion(session, someone)
    grant(session, someone, world.provider2, conclusion_of=concl)
    with pytest.raises(Conflict) as err:
        grant(session, someone, world.provider, care_type="home", conclusion_of=concl)
    assert "2026-01-01 至 2028-01-20（不含）已有待遇（机构护理，2026-01-01 起的待遇）" in err.value.message
    assert len(session.scalars(select(Entitlement)).all()) == 1


def test_an_overlap_names_the_other_entitlement_by_its_ent_number(session, world, someone):
    from ltc.entitlements.notice import issue_entitlement_notice
    concl = conclusion(session, someone)
    first = grant(session, someone, world.provider2, conclusion_of=concl)
    notice = issue_entitlement_notice(session, first, actor=SYSTEM, now=NOW)
    with pytest.raises(Conflict) as err:
        grant(session, someone, world.provider, care_type="home", conclusion_of=concl)
    assert f"（机构护理，{notice.number}）" in err.value.message and f"编号 {first.id}" not in err.value.message


def test_a_change_overlapping_a_third_entitlement_is_refused_before_anything_changes(session, world, someone):
    first = grant(session, someone, world.provider2, conclusion_of=plain_conclusion(valid_to=date(2026, 6, 1)),
                  origin="migrated", starts_on=date(2026, 1, 1))
    second = grant(session, someone, world.provider2, conclusion_of=plain_conclusion(concluded_on=date(2026, 5, 1)),
                   origin="migrated", starts_on=date(2026, 6, 1))
    with pytest.raises(Conflict):
        grant(session, someone, world.provider, care_type="home", conclusion_of=conclusion(session, someone),
              replaces=first, starts_on=date(2026, 4, 1))
    assert (first.valid_to, first.end_reason, first.replaced_by_id) == (date(2026, 6, 1), "expiry", None)
    assert second.valid_to == date(2028, 1, 20) and session.scalars(select(EntitlementEvent)).all() == []


def test_a_start_on_or_after_the_end_is_refused(session, world, someone):
    with pytest.raises(ValidationFailed):
        grant(session, someone, world.provider2, conclusion_of=plain_conclusion(), starts_on=date(2028, 1, 20),
              origin="migrated")


def test_a_reviewed_entitlement_needs_a_conclusion_in_the_system(session, world, someone):
    with pytest.raises(ValidationFailed) as err:
        grant(session, someone, world.provider2, conclusion_of=plain_conclusion())
    assert "conclusion" in err.value.fields
    e = grant(session, someone, world.provider2, conclusion_of=plain_conclusion(), origin="migrated")
    assert e.origin == "migrated"
    stored = session.get(Application, e.application_id)   # the legacy conclusion, stored as a conclusion
    assert (stored.kind, stored.status, stored.level, stored.concluded_on, stored.valid_to, stored.final_on) == (
        "migrated", "concluded", 4, date(2026, 1, 20), date(2028, 1, 20), date(2026, 1, 20))


@pytest.mark.parametrize("values, field", [
    ({"level": 0}, "level"), ({"level": 6}, "level"), ({"care_type": "spa"}, "care_type"),
])
def test_bad_values_are_refused_with_the_field_named(session, world, someone, values, field):
    concl = conclusion(session, someone)
    with pytest.raises(ValidationFailed) as err:
        services.grant_entitlement(session, **{"person_id": someone.id, "level": 4, "care_type": "institution",
                                               "provider_id": world.provider2.id, "conclusion": concl,
                                               "starts_on": date(2026, 1, 1), "actor": SYSTEM, "now": NOW, **values})
    assert field in err.value.fields


def test_the_level_and_person_must_be_those_of_the_conclusion(session, world, someone):
    other = person(session, 2, name="李四")
    with pytest.raises(ValidationFailed) as err:
        grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone, level=4), level=5)
    assert "level" in err.value.fields
    with pytest.raises(ValidationFailed) as err:
        grant(session, someone, world.provider2, conclusion_of=conclusion(session, other))
    assert "conclusion" in err.value.fields


def test_a_provider_must_be_a_provider(session, world, someone):
    with pytest.raises(ValidationFailed) as err:
        grant(session, someone, world.agency, conclusion_of=conclusion(session, someone))
    assert "provider_id" in err.value.fields


def test_a_change_ends_the_old_entitlement_on_the_new_start_with_an_event(session, world, someone):
    old = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    later = conclusion(session, someone, concluded_on=date(2026, 5, 20), level=5)
    new = grant(session, someone, world.provider2, conclusion_of=later, replaces=old,
                starts_on=services.dates.change_start(later.concluded_on))
    assert (old.valid_to, old.end_reason, old.replaced_by_id) == (date(2026, 6, 1), "change", new.id)
    assert (new.valid_from, new.level, new.valid_to) == (date(2026, 6, 1), 5, date(2028, 5, 20))
    event = session.scalars(select(EntitlementEvent)).one()
    assert (event.entitlement_id, event.reason, event.valid_to_before, event.valid_to_after) == (
        old.id, "change", date(2028, 1, 20), date(2026, 6, 1))
    assert services.active_on(session, someone.id, date(2026, 5, 31)) == old
    assert services.active_on(session, someone.id, date(2026, 6, 1)) == new
    assert services.entitlements_of(session, someone.id) == [old, new]


def test_a_change_may_not_replace_another_persons_entitlement_or_start_before_it(session, world, someone):
    other = person(session, 2, name="李四")
    old = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    with pytest.raises(ValidationFailed):
        grant(session, other, world.provider2, conclusion_of=conclusion(session, other), replaces=old)
    with pytest.raises(ValidationFailed):
        grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone), replaces=old,
              starts_on=old.valid_from)
    assert old.valid_to == date(2028, 1, 20) and old.replaced_by_id is None


def test_events_are_immutable(session, world, someone):
    old = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    event = services.shorten(session, old, to=date(2026, 6, 1), reason="change", actor=SYSTEM, now=NOW)
    event.note = "changed"
    with pytest.raises(ImmutableEntitlementEvent):
        session.flush()


def test_shorten_only_shortens(session, world, someone):
    e = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    for to in (date(2028, 1, 20), date(2029, 1, 1), e.valid_from):
        with pytest.raises(ValidationFailed):
            services.shorten(session, e, to=to, reason="change", actor=SYSTEM, now=NOW)


# --- death ---------------------------------------------------------------------------------

def test_death_on_the_last_day_of_a_month_ends_the_entitlement_the_next_day(session, world, someone):
    e = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    record_death(session, someone, death_date=date(2026, 2, 28), actor=SYSTEM, now=NOW)
    assert (e.valid_to, e.end_reason) == (date(2026, 3, 1), "death")
    assert services.active_on(session, someone.id, date(2026, 2, 28)) == e
    assert services.active_on(session, someone.id, date(2026, 3, 1)) is None
    event = session.scalars(select(EntitlementEvent)).one()
    assert (event.reason, event.valid_to_before, event.valid_to_after) == ("death", date(2028, 1, 20), date(2026, 3, 1))
    assert "2026-02-28" in event.note


def test_an_entitlement_already_expired_before_death_is_left_alone(session, world, someone):
    concl = conclusion(session, someone, concluded_on=date(2024, 1, 10))  # valid to 2026-01-10
    e = grant(session, someone, world.provider2, conclusion_of=concl)
    record_death(session, someone, death_date=date(2026, 3, 1), actor=SYSTEM, now=NOW)
    assert (e.valid_to, e.end_reason) == (date(2026, 1, 10), "expiry")
    assert session.scalars(select(EntitlementEvent)).all() == []


def test_an_expiry_earlier_than_a_recorded_death_is_the_end_of_a_later_grant(session, world, someone):
    concl = conclusion(session, someone, concluded_on=date(2024, 3, 10))  # valid to 2026-03-10
    record_death(session, someone, death_date=date(2026, 3, 12), actor=SYSTEM, now=NOW)
    e = grant(session, someone, world.provider2, conclusion_of=concl, starts_on=date(2026, 1, 1))
    assert (e.valid_to, e.end_reason) == (date(2026, 3, 10), "expiry")


def test_a_grant_after_a_recorded_death_ends_the_day_after_death(session, world, someone):
    concl = conclusion(session, someone, concluded_on=date(2026, 1, 5))
    record_death(session, someone, death_date=date(2026, 2, 10), actor=SYSTEM, now=NOW)
    e = grant(session, someone, world.provider2, conclusion_of=concl)  # retroactive from 2026-01-01
    assert (e.valid_from, e.valid_to, e.end_reason) == (date(2026, 1, 1), date(2026, 2, 11), "death")


def test_a_grant_starting_after_death_is_refused(session, world, someone):
    concl = conclusion(session, someone, concluded_on=date(2026, 1, 5))
    record_death(session, someone, death_date=date(2026, 1, 20), actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationFailed) as err:
        grant(session, someone, world.provider, care_type="home", conclusion_of=concl)  # would start 2026-02-01
    assert "死亡" in err.value.message


def test_death_voids_an_entitlement_that_had_not_started_and_keeps_it(session, world, someone):
    old = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    new = grant(session, someone, world.provider, care_type="home", conclusion_of=conclusion(
        session, someone, concluded_on=date(2026, 3, 5)), replaces=old, starts_on=date(2026, 4, 1))
    record_death(session, someone, death_date=date(2026, 3, 10), actor=SYSTEM, now=NOW)
    assert session.get(Entitlement, new.id) is new and (new.status, new.void_reason) == ("void", "death")
    assert (old.valid_to, old.end_reason) == (date(2026, 3, 11), "death")
    voided = session.scalars(select(AuditEntry).where(AuditEntry.action == "void_death")).one()
    assert voided.entity_id == str(new.id)


# --- one active entitlement per person, on both databases ------------------------------------

def test_the_database_rejects_an_overlap_that_bypasses_the_service(session, world, someone):
    e = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    clash = Entitlement(person_id=someone.id, level=4, care_type="home", provider_id=world.provider.id,
                        application_id=e.application_id, conclusion_level=4, conclusion_date=e.conclusion_date,
                        conclusion_valid_to=e.conclusion_valid_to, origin="migrated",
                        valid_from=date(2026, 6, 1), valid_to=date(2026, 7, 1))
    if session.get_bind().dialect.name != "postgresql":
        with pytest.raises(Conflict):  # SQLite has no EXCLUDE: the service check is the guard
            services.grant_entitlement(
                session, person_id=someone.id, level=4, care_type="home", provider_id=world.provider.id,
                conclusion=plain_conclusion(), starts_on=date(2026, 6, 1), origin="migrated", actor=SYSTEM, now=NOW)
        return
    savepoint = session.begin_nested()
    session.add(clash)
    with pytest.raises(IntegrityError, match="ex_entitlements_no_overlap"):
        session.flush()
    savepoint.rollback()


def test_the_database_refuses_an_open_ended_entitlement_a_bad_level_and_no_conclusion(session, world, someone):
    stored = conclusion(session, someone)
    for values in ({"valid_to": None}, {"level": 0}, {"application_id": None}):
        row = Entitlement(**{"person_id": someone.id, "level": 4, "care_type": "home", "provider_id": world.provider.id,
                             "application_id": stored.id, "conclusion_level": 4, "conclusion_date": date(2026, 1, 1),
                             "conclusion_valid_to": date(2028, 1, 1), "origin": "migrated",
                             "valid_from": date(2026, 6, 1), "valid_to": date(2026, 7, 1), **values})
        savepoint = session.begin_nested()
        session.add(row)
        with pytest.raises(IntegrityError):
            session.flush()
        savepoint.rollback()


# --- the provider's list -------------------------------------------------------------------

def test_entitled_with_provider_lists_who_is_covered_on_the_day(session, world):
    people = [person(session, n, name=name) for n, name in ((1, "甲"), (2, "乙"), (3, "丙"), (4, "丁"))]
    grant(session, people[0], world.provider2, conclusion_of=conclusion(session, people[0]))
    grant(session, people[1], world.provider2, conclusion_of=conclusion(session, people[1]),
          starts_on=date(2026, 4, 1))                                     # not yet started
    grant(session, people[2], world.provider, care_type="home", conclusion_of=conclusion(session, people[2]))
    ended = grant(session, people[3], world.provider2, conclusion_of=conclusion(session, people[3]))
    services.shorten(session, ended, to=date(2026, 3, 16), reason="change", actor=SYSTEM, now=NOW)
    page = services.entitled_with_provider(session, world.provider2.id, date(2026, 3, 16))
    assert [p.name for _, p in page.items] == ["甲"] and page.total == 1
    assert services.entitled_with_provider(session, world.provider2.id, date(2026, 3, 15)).total == 2
    assert services.entitled_with_provider(session, world.provider2.id, date(2026, 4, 1)).total == 2
    assert services.entitled_with_provider(session, world.provider.id, date(2026, 3, 16)).total == 1
