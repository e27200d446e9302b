"""Who sees which person (SPEC §1 scope rule) and the roster search."""
import pytest
from sqlalchemy import select

from ltc.auth.scope import get_scoped
from ltc.core.errors import NotFound
from ltc.people import scope, services
from ltc.people.models import InsuredPerson
from tests.people_builders import person


def names(session, stmt) -> list[str]:
    return [p.name for p in session.scalars(stmt)]


@pytest.fixture
def roster(session, world):
    return {d: person(session, n, name=f"{d}人", district=d) for n, d in enumerate(("东城区", "西城区", "朝阳区"), 1)}


def test_the_mia_sees_everyone(session, world, roster):
    assert len(names(session, services.search_persons(world.users["mia_op"]))) == 3


def test_an_insurer_sees_only_its_districts(session, world, roster):
    user = world.users["ins_op"]
    assert names(session, services.search_persons(user)) == ["东城区人", "西城区人"]
    assert names(session, services.search_persons(user, district="朝阳区")) == []
    with pytest.raises(NotFound):
        get_scoped(session, user, InsuredPerson, roster["朝阳区"].id)
    assert services.districts_in_scope(session, user) == ["东城区", "西城区"]


@pytest.mark.parametrize("username", ["ag_admin", "ag_assessor", "pr_admin", "pr_op"])
def test_agencies_and_providers_see_nobody_without_links(session, world, roster, username):
    assert names(session, services.search_persons(world.users[username])) == []
    with pytest.raises(NotFound):
        get_scoped(session, world.users[username], InsuredPerson, roster["东城区"].id)


def test_a_linked_person_becomes_visible_to_that_organisation_only(session, world, roster, monkeypatch):
    linked = roster["朝阳区"]
    provider_id = world.provider.id

    def beneficiaries(org_id):
        return select(InsuredPerson.id).where(InsuredPerson.id == linked.id, org_id == provider_id)

    monkeypatch.setattr(scope, "PERSON_LINKS", [*scope.PERSON_LINKS, beneficiaries])
    assert names(session, services.search_persons(world.users["pr_op"])) == ["朝阳区人"]
    assert get_scoped(session, world.users["pr_op"], InsuredPerson, linked.id) is linked
    assert names(session, services.search_persons(world.users["pr2_op"])) == []
    assert names(session, services.search_persons(world.users["ag_admin"])) == []


def test_a_test_registered_link_is_removed_afterwards():
    assert all(not getattr(link, "__module__", "").startswith("tests.") for link in scope.PERSON_LINKS)


def test_search_by_name_part_full_id_or_id_suffix(session, world):
    mia = world.users["mia_op"]
    a = person(session, 1, name="张三丰")
    person(session, 2, name="李四")
    assert names(session, services.search_persons(mia, "三")) == ["张三丰"]
    assert names(session, services.search_persons(mia, "张")) == ["张三丰"]
    assert names(session, services.search_persons(mia, a.id_number)) == ["张三丰"]
    assert names(session, services.search_persons(mia, a.id_number[-6:])) == ["张三丰"]
    assert names(session, services.search_persons(mia, a.id_number[:6])) == []  # a prefix is not a suffix
    assert names(session, services.search_persons(mia, "%")) == []               # LIKE wildcards are literal
    assert names(session, services.search_persons(mia, "_")) == []


def test_search_by_id_with_lowercase_x(session, world):
    person(session, name="王五", id_number="11010119400229028X")
    assert names(session, services.search_persons(world.users["mia_op"], "11010119400229028x")) == ["王五"]
