"""Who sees which entitlement (SPEC §1 scope rule), for every kind of organisation."""
import pytest
from sqlalchemy import select

from ltc.auth.scope import get_scoped, scoped
from ltc.core.errors import NotFound
from ltc.entitlements import services
from ltc.entitlements.models import Entitlement
from ltc.people.models import InsuredPerson
from tests.builders import org, user
from tests.conftest import TODAY
from tests.entitlement_builders import conclusion, grant
from tests.people_builders import person


@pytest.fixture
def granted(session, world):
    """East (东城区, at provider2, concluded by the agency), west (西城区, provider) and
    chaoyang (朝阳区, outside the insurer's districts, provider2, concluded by another agency)."""
    other_agency = org(session, "agency", "评估机构乙", 6)
    east, west, chaoyang = (person(session, 1, name="东", district="东城区"),
                            person(session, 2, name="西", district="西城区"),
                            person(session, 3, name="朝", district="朝阳区"))
    return {
        "east": grant(session, east, world.provider2, conclusion_of=conclusion(session, east, agency=world.agency)),
        "west": grant(session, west, world.provider, care_type="home", conclusion_of=conclusion(session, west)),
        "chaoyang": grant(session, chaoyang, world.provider2,
                          conclusion_of=conclusion(session, chaoyang, agency=other_agency)),
    }


def visible(session, u) -> set[str]:
    ids = set(session.scalars(scoped(select(Entitlement.id), Entitlement, u)))
    return {name for name, e in granted_names(session).items() if e in ids}


def granted_names(session) -> dict[str, int]:
    rows = session.execute(select(InsuredPerson.name, Entitlement.id).join(
        Entitlement, Entitlement.person_id == InsuredPerson.id))
    return {{"东": "east", "西": "west", "朝": "chaoyang"}[n]: i for n, i in rows}


@pytest.mark.parametrize("username, expected", [
    ("mia_op", {"east", "west", "chaoyang"}),
    ("ins_op", {"east", "west"}),                 # by the person's district
    ("pr_op", {"west"}), ("pr2_admin", {"east", "chaoyang"}),   # its own
    ("ag_admin", {"east"}),                       # the conclusion was dispatched to it
])
def test_each_kind_of_organisation_sees_its_entitlements(session, world, granted, username, expected):
    assert visible(session, world.users[username]) == expected


def test_an_insurer_without_districts_and_an_agency_without_conclusions_see_nothing(session, world, granted):
    idle_insurer = org(session, "insurer", "空闲保险公司", 8)
    idle_agency = org(session, "agency", "评估机构丙", 9)
    assert visible(session, user(session, idle_insurer, "idle_ins", "operator")) == set()
    assert visible(session, user(session, idle_agency, "idle_ag", "admin")) == set()


def test_an_entitlement_outside_the_scope_is_not_found(session, world, granted):
    with pytest.raises(NotFound):
        get_scoped(session, world.users["pr_op"], Entitlement, granted["east"].id)
    assert get_scoped(session, world.users["pr2_op"], Entitlement, granted["east"].id) == granted["east"]


def test_a_provider_sees_its_beneficiaries_in_the_roster(session, world, granted):
    names = set(session.scalars(scoped(select(InsuredPerson.name), InsuredPerson, world.users["pr_op"])))
    assert names == {"西"}


def test_the_list_search_is_scoped_and_filtered(session, world, granted):
    def names(username, **filters):
        stmt = services.search_entitlements(world.users[username], day=TODAY, **filters)
        return sorted(p.name for _, p, _ in session.execute(stmt))
    assert names("mia_op") == ["东", "朝", "西"]
    assert names("mia_op", care_type="home") == ["西"]
    assert names("ins_op", q="东") == ["东"]
    assert names("mia_op", q=person_number(session, granted["west"])) == ["西"]
    assert names("mia_op", state="active") == ["东", "朝", "西"]
    assert names("mia_op", state="future") == names("mia_op", state="ended") == []


def person_number(session, e: Entitlement) -> str:
    return session.get(InsuredPerson, e.person_id).id_number
