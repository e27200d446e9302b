"""The expert register (SPEC §1, §3.2): who is an expert on a date."""
from datetime import date

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError

from ltc.assessment.experts import services as experts
from ltc.assessment.experts.models import ExpertCertificate
from ltc.auth.services import actor_of, update_user
from ltc.core.audit import AuditEntry
from ltc.core.errors import Conflict, ValidationFailed
from tests.builders import org, user
from tests.conftest import NOW

D = date
CERTIFIED_FROM = D(2026, 1, 1)
CERTIFIED_TO = D(2027, 1, 1)


@pytest.fixture
def admin(world):
    return actor_of(world.users["mia_admin"])


def certify(session, holder, admin, start=CERTIFIED_FROM, end=CERTIFIED_TO, number="ZJ-001"):
    return experts.add_certificate(session, user=holder, certificate_no=number, valid_from=start, valid_to=end,
                                   actor=admin, now=NOW, issued_by="市医保局")


@pytest.mark.parametrize("day, expected", [
    (D(2025, 12, 31), False),   # before the period
    (D(2026, 1, 1), True),      # first day
    (D(2026, 12, 31), True),    # last day
    (D(2027, 1, 1), False),     # the end is exclusive
])
def test_an_assessor_is_an_expert_only_inside_the_certificate_period(session, world, admin, day, expected):
    assessor = world.users["ag_assessor"]
    certify(session, assessor, admin)
    assert experts.is_expert(session, assessor.id, day) is expected
    assert experts.expert_ids(session, [assessor.id], day) == ({assessor.id} if expected else set())
    assert (experts.experts_of_agency(session, world.agency.id, day) == [assessor]) is expected


def test_adding_a_certificate_is_audited(session, world, admin):
    cert = certify(session, world.users["ag_assessor"], admin, end=None)
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.entity == "expert_certificate")).all()
    assert (entry.action, entry.entity_id, entry.user_id) == ("create", str(cert.id), world.users["mia_admin"].id)
    assert entry.after["certificate_no"] == "ZJ-001" and entry.after["valid_to"] is None
    assert experts.is_expert(session, world.users["ag_assessor"].id, D(2040, 1, 1))


@pytest.mark.parametrize("username, reason", [
    ("ag_admin", "没有评估员角色"),      # agency user without the assessor role
    ("pr_op", "只有评估机构"),           # not an agency user
    ("mia_admin", "只有评估机构"),
])
def test_only_agency_assessors_can_hold_a_certificate(session, world, admin, username, reason):
    with pytest.raises(ValidationFailed, match=reason) as caught:
        certify(session, world.users[username], admin)
    assert "user_id" in caught.value.fields
    assert session.scalars(select(ExpertCertificate)).all() == []


def test_overlapping_certificates_of_one_assessor_are_refused(session, world, admin):
    assessor = world.users["ag_assessor"]
    certify(session, assessor, admin)
    for start, end in ((D(2026, 12, 31), None), (D(2025, 6, 1), D(2026, 1, 2)), (D(2026, 3, 1), D(2026, 4, 1))):
        with pytest.raises(Conflict, match="重叠"):
            certify(session, assessor, admin, start, end, number="ZJ-002")
    renewed = certify(session, assessor, admin, D(2027, 1, 1), D(2029, 1, 1), number="ZJ-002")
    assert experts.is_expert(session, assessor.id, D(2028, 6, 1)) and renewed.valid_from == D(2027, 1, 1)


def test_a_certificate_number_belongs_to_one_person(session, world, admin):
    second = user(session, world.agency, "ag_assessor2", "assessor")
    certify(session, world.users["ag_assessor"], admin)
    with pytest.raises(Conflict, match="其他人员"):
        certify(session, second, admin)


def test_bad_numbers_and_dates_are_refused(session, world, admin):
    assessor = world.users["ag_assessor"]
    with pytest.raises(ValidationFailed):
        certify(session, assessor, admin, number="  ")
    with pytest.raises(ValidationFailed):
        certify(session, assessor, admin, D(2026, 1, 1), D(2026, 1, 1))


def test_ending_a_certificate_early(session, world, admin):
    assessor = world.users["ag_assessor"]
    cert = certify(session, assessor, admin, end=None)
    experts.end_certificate(session, cert, valid_to=D(2026, 6, 1), actor=admin, now=NOW)
    assert experts.is_expert(session, assessor.id, D(2026, 5, 31))
    assert not experts.is_expert(session, assessor.id, D(2026, 6, 1))
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "end")).one()
    assert entry.before == {"valid_to": None} and entry.after == {"valid_to": "2026-06-01"}
    for bad in (D(2026, 1, 1), D(2026, 6, 1), D(2026, 9, 1)):  # not after the start / not shorter
        with pytest.raises(ValidationFailed):
            experts.end_certificate(session, cert, valid_to=bad, actor=admin, now=NOW)
    assert cert.valid_to == D(2026, 6, 1)


def test_an_assessor_who_lost_the_role_is_no_longer_an_expert(session, world, admin):
    assessor = world.users["ag_assessor"]
    certify(session, assessor, admin)
    update_user(session, assessor, actor=admin, full_name=assessor.full_name, roles={"operator"}, active=True,
                now=NOW)
    session.flush()
    assert not experts.is_expert(session, assessor.id, D(2026, 6, 1))


def test_experts_of_an_agency_and_expert_ids_in_one_query(session, world, admin):
    other_agency = org(session, "agency", "评估机构乙", 31)
    a2 = user(session, world.agency, "ag_assessor2", "assessor")      # no certificate
    b1 = user(session, other_agency, "ag_b_assessor", "assessor")
    certify(session, world.users["ag_assessor"], admin)
    certify(session, b1, admin, number="ZJ-B1")
    day = D(2026, 3, 1)
    assert experts.experts_of_agency(session, world.agency.id, day) == [world.users["ag_assessor"]]
    assert experts.experts_of_agency(session, other_agency.id, day) == [b1]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.bind, "before_cursor_execute", listener)
    try:
        ids = experts.expert_ids(session, [world.users["ag_assessor"].id, a2.id, b1.id], day)
    finally:
        event.remove(session.bind, "before_cursor_execute", listener)
    assert ids == {world.users["ag_assessor"].id, b1.id} and len(statements) == 1
    assert experts.expert_ids(session, [], day) == set()


def test_postgresql_refuses_a_direct_overlapping_insert(session, world):
    if session.bind.dialect.name != "postgresql":
        pytest.skip("EXCLUDE USING gist exists on PostgreSQL only")
    row = {"user_id": world.users["ag_assessor"].id, "certificate_no": "ZJ-9", "created_at": NOW}
    with session.begin_nested():
        session.execute(insert(ExpertCertificate).values(valid_from=D(2026, 1, 1), valid_to=None, **row))
    with pytest.raises(IntegrityError, match="ex_expert_certificates_no_overlap"):
        with session.begin_nested():
            session.execute(insert(ExpertCertificate).values(valid_from=D(2026, 5, 1), valid_to=D(2026, 6, 1),
                                                             **row))
