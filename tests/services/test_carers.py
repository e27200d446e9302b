"""The carer register's services (SPEC §1, §0.2, §2 ID validation): registration, corrections with
an optimistic version, dated qualifications and suspensions, logins and the set-based readers."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import Conflict, ValidationFailed
from ltc.providers.carers.models import CarerSuspensionPeriod
from ltc.providers.carers.services import dated, logins, readers, register
from ltc.providers.carers.services.register import CarerInput
from tests.builders import user
from tests.carer_builders import carer
from tests.conftest import NOW, TODAY
from tests.people_builders import id_number

NUMBER = id_number(7, birth=date(1979, 2, 3), female=True)


def entry(number: str = NUMBER, **changes) -> CarerInput:
    values = {"name": "李护士", "id_number": number, "staff_type": "nurse", "employed_from": date(2025, 3, 1),
              "phone": "13900002222", **changes}
    return CarerInput(**values)


def audits(session, entity: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)))


def test_a_carer_is_registered_with_the_id_number_normalised_and_birth_and_sex_derived(session, world):
    spelled = " " + NUMBER[:6] + " " + NUMBER[6:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) \
        + NUMBER[-1].lower()
    found = register.register_carer(session, provider_id=world.provider.id, entry=entry(spelled), actor=SYSTEM,
                                    now=NOW)
    assert (found.id_number, found.birth_date, found.sex) == (NUMBER, date(1979, 2, 3), "F")
    assert audits(session, "carer")[-1].after["id_number"] == NUMBER


@pytest.mark.parametrize("bad, words", [(NUMBER[:-1], "18 位"), (NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1"),
                                                                                "校验位"),
                                         (id_number(3, birth=date(2030, 1, 1)), "晚于今天")])
def test_a_bad_id_number_is_refused_naming_the_problem(session, world, bad, words):
    with pytest.raises(ValidationFailed) as refused:
        register.register_carer(session, provider_id=world.provider.id, entry=entry(bad), actor=SYSTEM, now=NOW)
    assert words in refused.value.message and refused.value.fields == {"id_number": refused.value.fields["id_number"]}


def test_the_same_id_number_twice_in_one_register_is_a_conflict_naming_it_but_another_provider_may(session, world):
    carer_one = register.register_carer(session, provider_id=world.provider.id, entry=entry(), actor=SYSTEM, now=NOW)
    with pytest.raises(Conflict) as taken:
        register.register_carer(session, provider_id=world.provider.id, entry=entry(NUMBER.lower()), actor=SYSTEM,
                                now=NOW)
    assert NUMBER in taken.value.message and carer_one.name in taken.value.message
    assert taken.value.status == 409 and "id_number" in taken.value.fields
    other = register.register_carer(session, provider_id=world.provider2.id, entry=entry(), actor=SYSTEM, now=NOW)
    assert other.id != carer_one.id


def test_an_update_with_a_stale_version_is_refused_and_a_fresh_one_audited(session, world):
    found = carer(session, world.provider)
    read_version = found.version
    register.update_carer(session, found, entry=entry(found.id_number, name="王改名"), expected_version=read_version,
                          actor=SYSTEM, now=NOW)
    assert (found.name, found.version) == ("王改名", read_version + 1)
    with pytest.raises(Conflict):
        register.update_carer(session, found, entry=entry(found.id_number, name="又改名"),
                              expected_version=read_version, actor=SYSTEM, now=NOW)
    last = audits(session, "carer")[-1]
    assert (last.action, last.before["name"], last.after["name"]) == ("update", "王护理", "王改名")


def test_qualifications_of_one_staff_type_never_overlap_and_end_early(session, world):
    found = carer(session, world.provider, staff_type="nurse")
    first = dated.add_qualification(session, found, staff_type="nurse", certificate_no="HS-1",
                                    valid_from=date(2025, 1, 1), valid_to=date(2026, 1, 1), actor=SYSTEM, now=NOW)
    with pytest.raises(Conflict):
        dated.add_qualification(session, found, staff_type="nurse", certificate_no="HS-2",
                                valid_from=date(2025, 12, 31), valid_to=None, actor=SYSTEM, now=NOW)
    dated.add_qualification(session, found, staff_type="nurse", certificate_no="HS-2", valid_from=date(2026, 1, 1),
                            valid_to=None, actor=SYSTEM, now=NOW)  # back to back: no overlap
    dated.add_qualification(session, found, staff_type="doctor", certificate_no="YS-1", valid_from=date(2025, 6, 1),
                            valid_to=None, actor=SYSTEM, now=NOW)  # another staff type may overlap
    with pytest.raises(ValidationFailed):
        dated.end_qualification(session, first, valid_to=date(2026, 2, 1), actor=SYSTEM, now=NOW)
    dated.end_qualification(session, first, valid_to=date(2025, 10, 1), actor=SYSTEM, now=NOW)
    assert readers.qualified_on(session, [found.id], date(2025, 10, 1)) == {found.id: frozenset({"doctor"})}
    assert readers.qualified_on(session, [found.id], date(2025, 9, 30)) == {found.id: frozenset({"nurse", "doctor"})}
    assert [a.action for a in audits(session, "carer_qualification")] == ["create", "create", "create", "end"]


def test_a_suspension_is_dated_with_a_reason_and_lifted_from_a_day(session, world):
    found = carer(session, world.provider)
    with pytest.raises(ValidationFailed):
        dated.suspend_carer(session, found, valid_from=TODAY, valid_to=None, reason="  ", actor=SYSTEM, now=NOW)
    suspension = dated.suspend_carer(session, found, valid_from=TODAY, valid_to=None, reason="投诉核查", actor=SYSTEM,
                                     now=NOW)
    with pytest.raises(Conflict):
        dated.suspend_carer(session, found, valid_from=TODAY + timedelta(days=3), valid_to=None, reason="再次",
                            actor=SYSTEM, now=NOW)
    assert readers.suspended_on(session, [found.id], TODAY - timedelta(days=1)) == set()
    assert readers.suspended_on(session, [found.id], TODAY) == {found.id}
    dated.lift_suspension(session, suspension, valid_to=TODAY + timedelta(days=5), actor=SYSTEM, now=NOW)
    assert readers.suspended_on(session, [found.id], TODAY + timedelta(days=4)) == {found.id}
    assert readers.suspended_on(session, [found.id], TODAY + timedelta(days=5)) == set()
    stored = session.get(CarerSuspensionPeriod, suspension.id)
    assert (stored.reason, stored.valid_to) == ("投诉核查", TODAY + timedelta(days=5))
    assert [a.action for a in audits(session, "carer_suspension")] == ["suspend", "end"]


def test_certificates_and_training_are_recorded_and_checked(session, world):
    found = carer(session, world.provider)
    dated.add_certificate(session, found, name="健康证", number="JK-1", valid_from=date(2025, 1, 1),
                          valid_to=date(2026, 1, 1), actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationFailed):
        dated.add_certificate(session, found, name="健康证", valid_from=date(2025, 1, 1), valid_to=date(2025, 1, 1),
                              actor=SYSTEM, now=NOW)
    row = dated.record_training(session, found, day=TODAY, hours="2.5", topic="压疮护理", actor=SYSTEM, now=NOW)
    assert row.hours == Decimal("2.5")
    for hours in ("0", "25", "abc"):
        with pytest.raises(ValidationFailed):
            dated.record_training(session, found, day=TODAY, hours=hours, topic="x", actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationFailed):
        dated.record_training(session, found, day=TODAY + timedelta(days=1), hours="1", topic="x", actor=SYSTEM,
                              now=NOW)


def test_a_carer_leaves_and_is_no_longer_on_the_staff_from_that_day(session, world):
    found = carer(session, world.provider, employed_from=date(2025, 1, 1))
    with pytest.raises(ValidationFailed):
        register.record_leaving(session, found, left_on=date(2025, 1, 1), actor=SYSTEM, now=NOW)
    register.record_leaving(session, found, left_on=TODAY, actor=SYSTEM, now=NOW)
    assert readers.carers_on(session, [world.provider.id], TODAY - timedelta(days=1)) == {world.provider.id: [found]}
    assert readers.carers_on(session, [world.provider.id, world.provider2.id], TODAY) == {
        world.provider.id: [], world.provider2.id: []}
    assert audits(session, "carer")[-1].after == {"left_on": TODAY.isoformat()}


def test_a_login_is_created_or_linked_once_per_carer_and_per_user(session, world):
    found, other = carer(session, world.provider, 1), carer(session, world.provider, 2, name="赵护理")
    created = logins.create_login(session, found, username="wang.carer", password="Carer-pass-2026", actor=SYSTEM,
                                  now=NOW)
    assert created.roles == frozenset({"carer"}) and created.org_id == world.provider.id
    assert readers.carer_of_user(session, created) is found
    with pytest.raises(Conflict):
        logins.link_login(session, other, user=created, actor=SYSTEM, now=NOW)  # one carer per user
    with pytest.raises(ValidationFailed):
        logins.link_login(session, other, user=world.users["pr_op"], actor=SYSTEM, now=NOW)  # not a carer role
    with pytest.raises(ValidationFailed):
        logins.link_login(session, other, user=user(session, world.provider2, "p2_carer", "carer"), actor=SYSTEM,
                          now=NOW)  # another provider's user
    logins.link_login(session, other, user=world.users["pr_carer"], actor=SYSTEM, now=NOW)
    assert readers.carer_of_user(session, world.users["pr_carer"]) is other
    assert readers.carer_of_user(session, world.users["pr_op"]) is None


def test_able_carers_need_the_staff_type_a_qualification_on_the_day_and_no_suspension(session, world):
    day = TODAY
    able = carer(session, world.provider, 1, staff_type="nurse", qualified=True)
    carer(session, world.provider, 2, staff_type="nurse")  # no qualification
    carer(session, world.provider, 3, staff_type="assistant", qualified=True)  # another staff type
    suspended = carer(session, world.provider, 4, staff_type="nurse", qualified=True)
    dated.suspend_carer(session, suspended, valid_from=day, valid_to=None, reason="暂停", actor=SYSTEM, now=NOW)
    carer(session, world.provider, 5, staff_type="nurse", qualified=True, employed_from=day + timedelta(days=1))
    assert readers.able_carers_count(session, world.provider.id, {"nurse"}, day) == 1
    assert readers.able_carers_count(session, world.provider.id, {"nurse", "assistant"}, day) == 2
    assert readers.able_carers_count(session, world.provider.id, set(), day) == 0
    assert readers.qualified_on(session, [able.id, suspended.id], day) == {able.id: frozenset({"nurse"}),
                                                                          suspended.id: frozenset({"nurse"})}


def test_overlapping_qualifications_and_suspensions_are_refused_by_the_database_on_postgresql(session, world):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("EXCLUDE USING gist exists on PostgreSQL only")
    from sqlalchemy.exc import IntegrityError

    from ltc.providers.carers.models import CarerQualificationPeriod

    found = carer(session, world.provider, staff_type="nurse", qualified=True)  # open-ended from 2025-01-01
    dated.suspend_carer(session, found, valid_from=date(2025, 6, 1), valid_to=None, reason="b", actor=SYSTEM, now=NOW)
    overlapping = (CarerQualificationPeriod(carer_id=found.id, staff_type="nurse", certificate_no="X",
                                            valid_from=date(2026, 1, 1)),
                   CarerSuspensionPeriod(carer_id=found.id, reason="a", valid_from=date(2026, 1, 1)))
    for row in overlapping:
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(row)
            session.flush()
