"""A unique key refused by the database (two requests passed the service's check at once) becomes
a Conflict naming the key's fields, with the words its domain registered (issue #9 point 3)."""
import pytest
from sqlalchemy.exc import IntegrityError

from ltc.core.errors import Conflict
from ltc.core.unique import GENERIC, as_conflict, describe_key
from ltc.orgs.models import District
from ltc.people.models import InsuredPerson
from tests.people_builders import id_number, person


def _copy_of(existing: InsuredPerson) -> InsuredPerson:
    """A second row with the same values (as a racing request's insert would be), but its own id."""
    columns = [c.key for c in InsuredPerson.__table__.columns if c.key != "id"]
    return InsuredPerson(**{key: getattr(existing, key) for key in columns})


def _refusal(session, *rows) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught:
        with session.begin_nested():
            session.add_all(rows)
            session.flush()
    return caught.value


def test_a_taken_id_number_is_a_conflict_with_the_words_of_the_people_domain(session):
    exc = _refusal(session, _copy_of(person(session, 1)))
    conflict = as_conflict(exc)
    assert isinstance(conflict, Conflict) and conflict.status == 409
    assert conflict.fields == {"id_number": "already exists"}
    assert conflict.message.startswith("该身份证号已登记")


def test_a_key_no_domain_describes_gets_the_generic_words_and_names_its_field(session):
    exc = _refusal(session, District(code="X1", name="甲区"), District(code="X2", name="甲区"))
    describe_key("districts", ("name",), "该区县名称已存在")  # what orgs.wire() registers
    assert as_conflict(exc).fields == {"name": "already exists"}
    assert as_conflict(exc).message == "该区县名称已存在"
    exc = _refusal(session, District(code="X3", name="乙区"), District(code="X3", name="丙区"))
    assert as_conflict(exc).fields == {"code": "already exists"}


def test_the_generic_words_name_no_code():
    assert "_" not in GENERIC and "请刷新后重试" in GENERIC


def test_other_integrity_errors_are_not_conflicts(session):
    row = _copy_of(person(session, 2))
    row.id_number, row.name = id_number(3), None
    exc = _refusal(session, row)  # NOT NULL
    assert as_conflict(exc) is None
