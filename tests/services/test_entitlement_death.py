"""Death and transfer at the edges of an entitlement (SPEC §2, §4.2): a death before a granted
entitlement starts voids it (kept, never deleted) and sends the provider a termination notice;
void entitlements are invisible to every reader and to the overlap checks; a transfer ends the
entitlement like a death; a death recorded in error is undone by an MIA admin."""
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ltc.core.audit import SYSTEM, Actor, AuditEntry
from ltc.core.errors import Conflict, ValidationFailed
from ltc.entitlements import services, termination
from ltc.entitlements.models import Entitlement, EntitlementEvent, EntitlementRequest
from ltc.notices.models import Notice
from ltc.people import services as people
from ltc.people.models import InsuredPerson, PersonDeath
from ltc.reviews.models import ReviewCase
from tests import assessment_builders as ab
from tests.conftest import NOW
from tests.entitlement_builders import conclusion, grant, plain_conclusion
from tests.review_builders import approve_through, opened, plan_for


@pytest.fixture
def r(shared_review):
    return shared_review


def granted_by_review(session, r) -> tuple[EntitlementRequest, Entitlement]:
    """Home care concluded 2026-03-10, granted by the four parties: it starts 2026-04-01."""
    request, case = opened(session, r)
    plan_for(session, request)
    approve_through(session, r, case, "provider", "agency", "insurer", "mia")
    return request, session.get(Entitlement, request.entitlement_id)


def notices_of(session, entitlement: Entitlement, kind: str) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.kind == kind, Notice.subject_type == "entitlement",
                                                     Notice.subject_id == entitlement.id)))


def person_of(session, entitlement: Entitlement) -> InsuredPerson:
    return session.get(InsuredPerson, entitlement.person_id)


# --- death before the start: void, never deleted ----------------------------------------------

def test_death_before_a_review_granted_entitlement_starts_voids_it_and_keeps_its_notice(session, r):
    request, e = granted_by_review(session, r)
    assert e.valid_from == date(2026, 4, 1)
    people.record_death(session, person_of(session, e), death_date=date(2026, 3, 14), actor=SYSTEM, now=NOW)
    session.flush()
    assert (e.status, e.void_reason, e.valid_from, e.valid_to) == ("void", "death", date(2026, 4, 1), date(2028, 3, 10))
    assert request.entitlement_id == e.id and request.status == "granted"
    [event] = session.scalars(select(EntitlementEvent).where(EntitlementEvent.entitlement_id == e.id)).all()
    assert (event.action, event.reason, event.valid_to_before, event.valid_to_after) == (
        "void", "death", date(2028, 3, 10), date(2028, 3, 10))
    assert len(notices_of(session, e, "entitlement")) == 1          # the grant notice stays on file
    [trm] = notices_of(session, e, "termination")
    assert trm.number == "TRM-2026-000001" and trm.is_pending
    assert (trm.data["void"], trm.data["reason_text"], trm.data["event_date"]) == (True, "参保人死亡", "2026-03-14")
    assert trm.data["provider_name"] == r.c.world.provider.name
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "void_death")).one().entity_id == str(e.id)


def test_death_ends_a_running_entitlement_the_next_day_with_a_termination_notice(session, world):
    someone = ab_person(session)
    e = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    people.record_death(session, someone, death_date=date(2026, 3, 5), actor=SYSTEM, now=NOW)
    assert (e.status, e.valid_to, e.end_reason) == ("active", date(2026, 3, 6), "death")
    [trm] = notices_of(session, e, "termination")
    assert (trm.data["void"], trm.data["ends_on"], trm.data["last_covered_day"]) == (False, "2026-03-06", "2026-03-05")
    assert trm.data["valid_to"] == "2028-01-20"


def test_death_between_a_change_keeps_the_replacement_void_and_ends_the_old_one(session, world):
    someone = ab_person(session)
    old = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    new = grant(session, someone, world.provider, care_type="home", conclusion_of=conclusion(
        session, someone, concluded_on=date(2026, 3, 5)), replaces=old, starts_on=date(2026, 4, 1))
    people.record_death(session, someone, death_date=date(2026, 3, 10), actor=SYSTEM, now=NOW)
    assert session.get(Entitlement, new.id) is new and (new.status, new.void_reason) == ("void", "death")
    assert (old.valid_to, old.end_reason, old.replaced_by_id) == (date(2026, 3, 11), "death", new.id)
    assert len(session.scalars(select(Notice).where(Notice.kind == "termination")).all()) == 2


# --- void rows are invisible ------------------------------------------------------------------

def test_a_void_entitlement_is_invisible_to_every_reader(session, r):
    _, e = granted_by_review(session, r)
    person = person_of(session, e)
    provider = r.c.world.provider
    assert services.entitled_with_provider(session, provider.id, date(2026, 4, 1)).total == 1
    termination.void(session, e, reason="death", actor=SYSTEM, now=NOW)
    day = date(2026, 4, 1)
    assert services.active_on(session, person.id, day) is None
    assert services.entitlements_of(session, person.id) == []
    assert services.overlapping(session, person.id, day, date(2030, 1, 1)) == []
    assert services.entitled_with_provider(session, provider.id, day).total == 0
    assert services.entitlement_periods(session, [person.id], day, None) == {person.id: []}
    assert services.entitlements_by_provider(session, [provider.id], day, None) == {provider.id: []}
    mia = r.c.world.users["mia_rev"]
    assert session.execute(services.search_entitlements(mia, day=day)).all() == []


def test_a_later_grant_over_the_dates_of_a_void_entitlement_succeeds(session, world):
    someone = ab_person(session)
    concl = conclusion(session, someone)
    first = grant(session, someone, world.provider2, conclusion_of=concl)
    termination.void(session, first, reason="death", actor=SYSTEM, now=NOW)
    second = grant(session, someone, world.provider2, conclusion_of=concl)   # same dates: the EXCLUDE too
    assert (second.valid_from, second.valid_to) == (first.valid_from, first.valid_to)
    assert services.active_on(session, someone.id, date(2026, 3, 16)) == second


def test_the_database_still_refuses_an_overlap_of_two_rows_that_are_not_void(session, world):
    someone = ab_person(session)
    e = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the EXCLUDE constraint exists on PostgreSQL only")
    values = dict(person_id=someone.id, level=4, care_type="home", provider_id=world.provider.id,
                  application_id=e.application_id, conclusion_level=4,
                  conclusion_date=e.conclusion_date, conclusion_valid_to=e.conclusion_valid_to, origin="migrated",
                  valid_from=date(2026, 6, 1), valid_to=date(2026, 7, 1))
    savepoint = session.begin_nested()
    session.add(Entitlement(**values, status="void", void_reason="death"))
    session.flush()                                                   # a void row is outside the constraint
    savepoint.commit()
    savepoint = session.begin_nested()
    session.add(Entitlement(**values))
    with pytest.raises(IntegrityError, match="ex_entitlements_no_overlap"):
        session.flush()
    savepoint.rollback()


def test_the_database_refuses_a_void_without_its_reason(session, world):
    someone = ab_person(session)
    e = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    savepoint = session.begin_nested()
    e.status = "void"
    with pytest.raises(IntegrityError):
        session.flush()
    savepoint.rollback()


# --- transfer and suspension ------------------------------------------------------------------

def test_a_transfer_ends_the_entitlement_from_the_day_after_like_a_death(session, world):
    someone = ab_person(session)
    running = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    people.set_status(session, someone, status="transferred", valid_from=date(2026, 3, 20), actor=SYSTEM, now=NOW)
    assert (running.valid_to, running.end_reason, running.status) == (date(2026, 3, 21), "transfer", "active")
    [trm] = notices_of(session, running, "termination")
    assert (trm.data["reason_text"], trm.data["void"]) == ("参保人转出本统筹地区", False)


def test_a_transfer_before_the_start_voids_the_entitlement(session, world):
    someone = ab_person(session)
    later = grant(session, someone, world.provider, care_type="home", conclusion_of=conclusion(
        session, someone, concluded_on=date(2026, 3, 5)))                  # starts 2026-04-01
    people.set_status(session, someone, status="transferred", valid_from=date(2026, 3, 20), actor=SYSTEM, now=NOW)
    assert (later.status, later.void_reason) == ("void", "transfer")
    assert notices_of(session, later, "termination")[0].data["void"] is True


def test_a_suspension_keeps_the_entitlement(session, world):
    someone = ab_person(session)
    e = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    people.set_status(session, someone, status="suspended", valid_from=date(2026, 3, 20), actor=SYSTEM, now=NOW)
    assert (e.valid_to, e.end_reason, e.status) == (date(2028, 1, 20), "expiry", "active")
    assert session.scalars(select(Notice).where(Notice.kind == "termination")).all() == []


# --- undoing a death recorded in error --------------------------------------------------------

def test_undoing_a_death_restores_the_status_periods_and_the_entitlements(session, world):
    someone = ab_person(session)
    people.set_status(session, someone, status="suspended", valid_from=date(2026, 5, 1), actor=SYSTEM, now=NOW)
    before = [(p.status, p.valid_from, p.valid_to) for p in someone.statuses]
    old = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    new = grant(session, someone, world.provider, care_type="home", conclusion_of=conclusion(
        session, someone, concluded_on=date(2026, 3, 5)), replaces=old, starts_on=date(2026, 4, 1))
    people.record_death(session, someone, death_date=date(2026, 3, 10), actor=SYSTEM, now=NOW)
    admin = Actor(world.users["mia_admin"].id, world.mia.id, "mia_admin")
    people.undo_death(session, someone, reason="医院误报", actor=admin, now=NOW)
    session.expire_all()
    assert someone.death_date is None
    assert [(p.status, p.valid_from, p.valid_to) for p in someone.statuses] == before
    assert (old.valid_to, old.end_reason, old.status) == (date(2026, 4, 1), "change", "active")
    assert (new.valid_to, new.end_reason, new.status, new.void_reason) == (date(2028, 3, 5), "expiry", "active", None)
    assert [(e.action, e.reason) for e in old.events] == [("end", "change"), ("end", "death"), ("restore", "death")]
    assert [(e.action, e.reason) for e in new.events] == [("void", "death"), ("restore", "death")]
    assert services.active_on(session, someone.id, date(2026, 4, 1)) == new
    record = session.scalars(select(PersonDeath)).one()
    assert (record.undone_by_id, record.undo_reason) == (admin.user_id, "医院误报")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "undo_death")).one()
    assert entry.detail == "医院误报" and entry.before["death_date"] == "2026-03-10"


def test_undoing_a_death_restores_applications_and_reopens_the_review_as_a_new_case(session, r):
    request, case = opened(session, r)
    person = session.get(InsuredPerson, request.person_id)
    app = ab.file(session, r.c, person_id=person.id)
    status_before = app.status
    people.record_death(session, person, death_date=date(2026, 3, 14), actor=r.c.ins, now=NOW)
    assert (case.status, request.status, app.status) == ("cancelled", "cancelled", "cancelled")
    admin = Actor(r.c.world.users["mia_admin"].id, r.c.world.mia.id, "mia_admin")
    people.undo_death(session, person, reason="登记错误", actor=admin, now=NOW)
    assert app.status == status_before and app.close_reason is None
    assert app.events[-1].action == "restore_after_death_undone"
    assert case.status == "cancelled"                                   # an ended case never reopens
    again = session.scalars(select(EntitlementRequest).where(EntitlementRequest.status == "open")).one()
    assert (again.application_id, again.care_type, again.provider_id, again.trigger_date) == (
        request.application_id, request.care_type, request.provider_id, request.trigger_date)
    assert session.get(ReviewCase, again.case_id).status == "open" and again.case_id != case.id


def test_undoing_a_death_needs_a_reason_and_a_recorded_death(session, world):
    someone = ab_person(session)
    with pytest.raises(Conflict):
        people.undo_death(session, someone, reason="误报", actor=SYSTEM, now=NOW)
    people.record_death(session, someone, death_date=date(2026, 3, 10), actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationFailed):
        people.undo_death(session, someone, reason="  ", actor=SYSTEM, now=NOW)
    assert someone.death_date == date(2026, 3, 10)


def test_a_death_recorded_before_its_recording_was_kept_is_undone_from_its_periods(session, world):
    someone = ab_person(session)
    people.record_death(session, someone, death_date=date(2026, 3, 10), actor=SYSTEM, now=NOW)
    session.delete(session.scalars(select(PersonDeath)).one())          # as after the migration
    session.flush()
    people.undo_death(session, someone, reason="误报", actor=SYSTEM, now=NOW)
    session.expire_all()
    assert [(p.status, p.valid_to) for p in someone.statuses] == [("active", None)]


def test_scope_of_a_termination_notice_follows_the_entitlement(session, world):
    from ltc.notices import services as notices
    someone = ab_person(session)
    e = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    people.record_death(session, someone, death_date=date(2026, 3, 5), actor=SYSTEM, now=NOW)
    [trm] = notices_of(session, e, "termination")
    can = {name: notices.can_see(session, world.users[name], trm) for name in ("pr2_op", "mia_op", "pr_op")}
    assert can == {"pr2_op": True, "mia_op": True, "pr_op": False}


def ab_person(session):
    from tests.people_builders import person
    return person(session, 1, name="张三丰")


def test_a_migrated_entitlement_without_application_is_ended_on_death_too(session, world):
    someone = ab_person(session)
    e = grant(session, someone, world.provider2, conclusion_of=plain_conclusion(), origin="migrated")
    people.record_death(session, someone, death_date=date(2026, 3, 5), actor=SYSTEM, now=NOW)
    assert (e.valid_to, e.end_reason) == (date(2026, 3, 6), "death")
    assert len(notices_of(session, e, "termination")) == 1
