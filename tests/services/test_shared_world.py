"""The world (and the casts built on it) is built once and shared by consecutive tests
(tests/world_cache.py): each test still starts from the world as built and leaves nothing behind.
The tests run in this order: the later ones check what the earlier ones changed."""
from sqlalchemy import func, select

from ltc.auth.models import User
from ltc.orgs.models import Organisation
from tests import builders


def test_a_test_changes_and_adds_to_the_shared_world(session, world):
    world.mia.name = "改过的医保中心"
    builders.user(session, world.mia, "extra_user", "operator")
    world.users["extra"] = world.users["mia_op"]
    session.commit()  # a savepoint release, as a request's commit
    assert session.scalar(select(func.count()).select_from(User).where(User.username == "extra_user")) == 1


def test_the_next_test_sees_the_world_as_built(session, world):
    assert world.mia.name == "市医保中心" and "extra" not in world.users
    assert session.scalar(select(func.count()).select_from(User).where(User.username == "extra_user")) == 0
    assert session.scalar(select(func.count()).select_from(User)) == len(world.users) == 13


def test_a_test_without_the_world_sees_none_of_it(session):
    assert session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_a_cast_test_adds_a_person_and_an_agency(session, shared_cast):
    shared_cast.persons.append("someone")
    builders.org(session, "agency", "评估机构丁", 8)
    session.commit()


def test_the_next_cast_test_sees_the_cast_as_built(session, shared_cast, world):
    assert len(shared_cast.persons) == 1 and len(shared_cast.agencies) == 3
    assert shared_cast.world.users["ins_op"] is world.users["ins_op"]  # one object per row in the session
    assert session.scalar(select(func.count()).select_from(Organisation)
                          .where(Organisation.kind == "agency")) == 3


def test_the_world_alone_has_no_cast_after_a_cast_test(session, world):
    assert session.scalar(select(func.count()).select_from(Organisation)) == 5
