"""Insurers' dated contracts (承办合同, SPEC §1): one row per insurer, district and [from, to); the
contracts of one district never overlap; a re-tender moves a district on a date, and with it
which insurer answers for it and sees its new work."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from ltc.assessment.applications.models import Application
from ltc.auth.scope import scoped
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import Conflict, ValidationFailed
from ltc.orgs import contracts
from ltc.orgs.models import InsurerContract
from ltc.people.models import InsuredPerson
from tests.builders import district, org, user
from tests.people_builders import person

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)
JAN, MAR, APR, JUL = date(2026, 1, 1), date(2026, 3, 1), date(2026, 4, 1), date(2026, 7, 1)


@pytest.fixture
def insurers(session):
    first = org(session, "insurer", "承办甲", 631)
    second = org(session, "insurer", "承办乙", 632)
    for code in ("东城区", "西城区"):
        district(session, code)
    return first, second


def add(session, insurer, code="东城区", valid_from=JAN, valid_to=None, **kw):
    return contracts.add_contract(session, actor=SYSTEM, now=NOW, insurer_id=insurer.id, district=code,
                                  valid_from=valid_from, valid_to=valid_to, **kw)


def test_a_contract_is_added_and_audited(session, insurers):
    first, _second = insurers
    added = add(session, first, contract_no=" CB-2026-01 ")
    assert (added.insurer_id, added.district, added.contract_no, added.valid_from, added.valid_to) == (
        first.id, "东城区", "CB-2026-01", JAN, None)
    row = session.scalars(select(AuditEntry).where(AuditEntry.entity == "insurer_contract")).one()
    assert (row.action, row.entity_id, row.after["district"], row.after["valid_from"]) == (
        "create", str(added.id), "东城区", "2026-01-01")


def test_an_overlapping_contract_of_the_district_is_refused_in_words(session, insurers):
    first, second = insurers
    add(session, first, valid_from=JAN, valid_to=JUL)
    with pytest.raises(Conflict, match="东城区在 2026-01-01 至 2026-06-30 已由承办甲承办，与所填期间重叠"):
        add(session, second, valid_from=APR)
    with pytest.raises(Conflict, match="已由承办甲承办"):
        add(session, first, valid_from=date(2025, 6, 1), valid_to=date(2026, 1, 2))
    add(session, second, valid_from=JUL)  # from the day the first one ends
    add(session, second, code="西城区", valid_from=APR)  # another district
    assert session.scalar(select(InsurerContract.id).where(InsurerContract.district == "东城区",
                                                           InsurerContract.valid_from == JUL)) is not None


def test_only_insurers_hold_contracts_for_active_districts_with_ordered_dates(session, insurers, world):
    first, _second = insurers
    with pytest.raises(ValidationFailed, match="只能与承办商保公司"):
        add(session, world.provider)
    with pytest.raises(ValidationFailed, match="不在区县名录中"):
        add(session, first, code="火星区")
    with pytest.raises(ValidationFailed, match="终止日期必须晚于开始日期"):
        add(session, first, valid_from=MAR, valid_to=MAR)
    with pytest.raises(ValidationFailed, match="不能超过 60 个字符"):
        add(session, first, contract_no="号" * 61)


def test_a_re_tender_ends_the_running_contract_and_the_new_insurer_answers_from_that_date(session, insurers):
    first, second = insurers
    running = add(session, first)
    with pytest.raises(Conflict, match="换签须先终止原合同"):
        add(session, second, valid_from=APR)
    contracts.end_contract(session, running, actor=SYSTEM, now=NOW, valid_to=APR)
    add(session, second, valid_from=APR)
    assert contracts.insurer_of_district(session, "东城区", date(2026, 3, 31)) == first.id
    assert contracts.insurer_of_district(session, "东城区", APR) == second.id
    ended = session.scalars(select(AuditEntry).where(AuditEntry.entity == "insurer_contract",
                                                     AuditEntry.action == "end")).one()
    assert (ended.before, ended.after) == ({"valid_to": None}, {"valid_to": "2026-04-01"})


def test_ending_a_contract_later_may_not_run_into_the_next_one(session, insurers):
    first, second = insurers
    running = add(session, first, valid_to=APR)
    add(session, second, valid_from=APR)
    with pytest.raises(Conflict, match="已由承办乙承办"):
        contracts.end_contract(session, running, actor=SYSTEM, now=NOW, valid_to=JUL)
    with pytest.raises(ValidationFailed, match="终止日期必须晚于开始日期"):
        contracts.end_contract(session, running, actor=SYSTEM, now=NOW, valid_to=JAN)
    with pytest.raises(ValidationFailed, match="已在该日终止"):
        contracts.end_contract(session, running, actor=SYSTEM, now=NOW, valid_to=APR)
    contracts.end_contract(session, running, actor=SYSTEM, now=NOW, valid_to=MAR)
    assert contracts.insurer_of_district(session, "东城区", MAR) is None


def test_postgresql_exclude_constraint_rejects_a_direct_overlapping_contract(session, insurers):
    if session.bind.dialect.name != "postgresql":
        pytest.skip("EXCLUDE USING gist exists on PostgreSQL only")
    first, second = insurers

    def direct(**values):
        with session.begin_nested():
            session.execute(insert(InsurerContract).values(created_at=NOW, **values))
    direct(insurer_id=first.id, district="东城区", valid_from=JAN, valid_to=None)
    with pytest.raises(IntegrityError, match="ex_insurer_contracts_no_overlap"):
        direct(insurer_id=second.id, district="东城区", valid_from=APR, valid_to=JUL)
    direct(insurer_id=second.id, district="西城区", valid_from=APR, valid_to=JUL)


def test_a_contract_must_name_a_district_of_the_list(session, insurers):
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(insert(InsurerContract).values(insurer_id=insurers[0].id, district="火星区",
                                                           valid_from=JAN, created_at=NOW))


def test_the_contracts_list_shows_the_mia_all_and_an_insurer_its_own(session, world):
    first, second = world.insurer, org(session, "insurer", "承办乙", 632)
    district(session, "南湖区")
    add(session, first, code="南湖区", valid_to=APR)
    add(session, second, code="南湖区", valid_from=APR)
    mine = user(session, second, "ins632_op", "operator")
    assert [(c.insurer_id, c.district) for c in contracts.search_contracts(session, mine).items] == [
        (second.id, "南湖区")]
    everything = contracts.search_contracts(session, world.users["mia_rev"]).items
    assert [(c.insurer_id, c.district, contracts.contract_state(c, MAR)) for c in everything] == [
        (first.id, "东城区", "current"), (first.id, "西城区", "current"), (first.id, "南湖区", "current"),
        (second.id, "南湖区", "upcoming")]  # in the district list's order, then by date
    assert contracts.search_contracts(session, world.users["pr_op"]).items == []


# --- scope: what a re-tender moves -----------------------------------------------------------

def _application(session, person_id: int, submitted_on: date) -> Application:
    app = Application(person_id=person_id, kind="initial", status="submitted", applicant_name="李小光",
                      applicant_relation="child", applicant_phone="13900001111", declared_disability_6m=True,
                      submitted_at=NOW, submitted_on=submitted_on, acceptance_due_on=submitted_on)
    session.add(app)
    session.flush()
    return app


def test_applications_follow_the_contract_in_force_on_their_date_persons_every_holder(session, insurers):
    first, second = insurers
    running = add(session, first, code="西城区", valid_from=JAN)
    contracts.end_contract(session, running, actor=SYSTEM, now=NOW, valid_to=APR)
    add(session, second, code="西城区", valid_from=APR)
    someone = person(session, 631, district="西城区")
    before = _application(session, someone.id, date(2026, 3, 31))
    after = _application(session, someone.id, APR)
    old, new = user(session, first, "ins631_op", "operator"), user(session, second, "ins632_op", "operator")

    def visible(viewer, model, ids):
        return set(session.scalars(scoped(select(model.id).where(model.id.in_(ids)), model, viewer)))
    assert visible(old, Application, [before.id, after.id]) == {before.id}
    assert visible(new, Application, [before.id, after.id]) == {after.id}
    assert visible(old, InsuredPerson, [someone.id]) == visible(new, InsuredPerson, [someone.id]) == {someone.id}
    stranger = org(session, "insurer", "承办丙", 633, districts=["东城区"])
    assert visible(user(session, stranger, "ins633_op", "operator"), InsuredPerson, [someone.id]) == set()


def test_demo_contracts_are_dated_relative_to_the_load_date(session):
    from ltc.demo import data

    later = datetime(2031, 5, 20, 2, 0, tzinfo=timezone.utc)
    demo = data.load_orgs(session, now=later)
    held = session.scalars(select(InsurerContract).where(InsurerContract.insurer_id == demo["insurer"].id)
                           .order_by(InsurerContract.district)).all()
    assert {c.district for c in held} == set(data.DISTRICTS)
    assert {c.valid_from for c in held} == {date(2029, 1, 1)}
    assert {(c.district, c.valid_to) for c in held if c.valid_to} == {("青溪县", date(2031, 7, 4))}
    assert contracts.insurer_of_district(session, "青溪县", date(2031, 7, 3)) == demo["insurer"].id
    data.load_orgs(session, now=later)  # idempotent
    assert session.scalar(select(func.count()).select_from(InsurerContract)) == len(held)
