"""Who sees which application (SPEC §1): every org kind, 404 outside the scope, person links."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications.services import acceptance
from ltc.assessment.applications.services import objections
from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.scope import can_see_application
from ltc.auth.scope import get_scoped, scoped
from ltc.core.errors import NotFound
from ltc.notices.models import Notice
from ltc.notices.services import can_see
from ltc.people.models import InsuredPerson
from tests.assessment_builders import at, confirmed, dispatched, file
from tests.builders import org, user
from tests.people_builders import person


@pytest.fixture
def c(shared_cast):
    return shared_cast


@pytest.fixture
def apps(session, c):
    """A: filed by the insurer, dispatched to agency 1 (东城区); B: filed by provider 1 for a person of 朝阳区,
    not dispatched; C: filed by provider 2 (西城区), dispatched to agency 2."""
    far = person(session, 2, name="朝阳人", district="朝阳区")
    west = person(session, 3, name="西城人", district="西城区")
    return {
        "A": dispatched(session, c, agency=0),
        "B": file(session, c, by="pr_op", person_id=far.id),
        "C": dispatched(session, c, agency=1, by="pr2_op", person_id=west.id),
    }


def visible(session, username_or_user, c) -> set[int]:
    u = c.world.users[username_or_user] if isinstance(username_or_user, str) else username_or_user
    return set(session.scalars(scoped(select(Application.id), Application, u)))


def names(apps, *keys) -> set[int]:
    return {apps[k].id for k in keys}


@pytest.mark.parametrize("who,expected", [
    ("mia_admin", "ABC"), ("mia_op", "ABC"),
    ("ins_op", "AC"), ("ins_rev", "AC"),             # its districts: 东城区, 西城区
    ("ag_admin", "A"), ("ag_assessor", "A"),         # dispatched to it
    ("pr_op", "B"), ("pr_admin", "B"),               # filed by it
    ("pr2_op", "C"),
])
def test_each_kind_of_organisation_sees_its_applications(session, c, apps, who, expected):
    assert visible(session, who, c) == names(apps, *expected)
    for key, app in apps.items():
        user_ = c.world.users[who]
        if key in expected:
            assert get_scoped(session, user_, Application, app.id) is app
            assert can_see_application(session, user_, app.id)
        else:
            with pytest.raises(NotFound):
                get_scoped(session, user_, Application, app.id)


def test_other_agencies_and_an_insurer_without_districts_see_nothing(session, c, apps):
    assert visible(session, c.agencies[2].admin, c) == set()
    assert visible(session, c.agencies[1].experts[0], c) == names(apps, "C")
    bare = user(session, org(session, "insurer", "无辖区保险", 9), "ins0_op", "operator")
    assert visible(session, bare, c) == set()


def test_agencies_and_providers_see_the_persons_of_their_applications(session, c, apps):
    def persons(u):
        return set(session.scalars(scoped(select(InsuredPerson.id), InsuredPerson, u)))

    assert persons(c.world.users["ag_admin"]) == {apps["A"].person_id}
    assert persons(c.world.users["pr_op"]) == {apps["B"].person_id}
    assert persons(c.agencies[1].admin) == persons(c.world.users["pr2_op"]) == {apps["C"].person_id}
    assert persons(c.agencies[2].admin) == set()


def test_a_review_is_seen_by_its_agency_the_first_agency_and_the_filer(session, c):
    parent = confirmed(session, c, level=3, by="pr_op")
    child = objections.object_to(session, parent.id, actor=c.actor("pr_op"), now=at(date(2026, 3, 23)),
                                 reason="等级偏低")
    reviewer = next(a for a in c.agencies if a.org.id == child.agency_id)
    bystander = next(a for a in c.agencies[1:] if a.org.id != child.agency_id)
    assert visible(session, reviewer.admin, c) == {child.id}                  # not the parent
    assert visible(session, c.world.users["ag_admin"], c) == {parent.id, child.id}
    assert visible(session, c.world.users["pr_op"], c) == {parent.id, child.id}
    assert visible(session, bystander.admin, c) == set()


def test_notices_of_an_application_follow_its_scope(session, c):
    app = acceptance.accept(session, file(session, c, by="pr_op").id, actor=c.ins, now=at(date(2026, 3, 16)))
    notice = session.scalar(select(Notice).where(Notice.subject_id == app.id))
    assert can_see(session, c.world.users["pr_op"], notice)
    assert can_see(session, c.world.users["ins_op"], notice)
    assert not can_see(session, c.world.users["pr2_op"], notice)
    assert not can_see(session, c.world.users["ag_admin"], notice)
