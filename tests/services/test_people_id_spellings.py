"""One person, one ID number (SPEC §2 "ID validation"): every way a number enters — registration,
edit, bulk import, hospital-stay import, application intake, searches — normalises it first, so a
full-width, spaced or lower-case-x spelling finds the same person and never registers a second one."""
import pytest
from sqlalchemy import func, select

from ltc.assessment.applications.services import intake
from ltc.core.audit import SYSTEM
from ltc.core.errors import Conflict, ValidationFailed
from ltc.entitlements.services import search_entitlements
from ltc.people import imports as importer
from ltc.people import services
from ltc.people.hospital import imports as hospital_import
from ltc.people.models import InsuredPerson
from tests.assessment_builders import ANSWERS_E, cast
from tests.conftest import NOW, TODAY
from tests.builders import district
from tests.people_builders import csv_bytes, id_number, person

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


def full_width(number: str) -> str:
    return number.translate(FULL_WIDTH)


def spaced(number: str) -> str:
    return f" {number[:6]} {number[6:14]} {number[14:]} ".lower()


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(InsuredPerson))


def test_a_full_width_number_is_stored_in_ascii(session):
    district(session, "东城区")
    p = services.create_person(session, {"id_number": full_width(id_number(1)), "name": "张三", "district": "东城区"},
                               actor=SYSTEM, now=NOW)
    assert p.id_number == id_number(1) and p.id_number.isascii()


@pytest.mark.parametrize("spell", [full_width, spaced])
def test_the_same_person_cannot_be_registered_twice_in_another_spelling(session, spell):
    person(session, 1)
    with pytest.raises(Conflict) as caught:
        services.create_person(session, {"id_number": spell(id_number(1)), "name": "张三丰", "district": "东城区"},
                               actor=SYSTEM, now=NOW)
    assert caught.value.fields == {"id_number": "already registered"} and count(session) == 1


def test_an_edit_to_another_persons_number_in_full_width_is_refused(session):
    person(session, 1)
    other = person(session, 2, name="李四")
    with pytest.raises(Conflict):
        services.update_person(session, other, {"id_number": full_width(id_number(1))}, actor=SYSTEM, now=NOW)


def test_digits_of_another_script_are_refused_at_registration(session):
    arabic = id_number(1).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    with pytest.raises(ValidationFailed) as caught:
        services.create_person(session, {"id_number": arabic, "name": "张三", "district": "东城区"},
                               actor=SYSTEM, now=NOW)
    assert "id_number" in caught.value.fields and count(session) == 0


@pytest.mark.parametrize("spell", [full_width, spaced])
def test_a_search_by_another_spelling_finds_the_person(session, world, spell):
    p = person(session, 1)
    found = session.scalars(services.search_persons(world.users["mia_op"], spell(id_number(1)))).all()
    tail = session.scalars(services.search_persons(world.users["mia_op"], full_width(id_number(1)[-6:]))).all()
    assert found == [p] and tail == [p]


def test_the_import_updates_the_person_a_full_width_row_names(session):
    p = person(session, 1, name="张三丰")
    header = "id_number,name,district"
    result = importer.preview(session, csv_bytes(f"{full_width(id_number(1))},张三丰改,东城区", header=header),
                              "x.csv", today=TODAY)
    assert result.ok and [r.action for r in result.rows] == ["update"]
    importer.apply(session, result, actor=SYSTEM, now=NOW)
    assert count(session) == 1 and p.name == "张三丰改" and p.id_number == id_number(1)


def test_two_spellings_of_one_number_in_a_file_are_duplicate_rows(session):
    rows = (f"{id_number(1)},张三,东城区", f"{full_width(id_number(1))},张三,东城区")
    result = importer.preview(session, csv_bytes(*rows, header="id_number,name,district"), "x.csv", today=TODAY)
    assert not result.ok and "与第 2 行重复" in result.rows[1].errors[0]


def test_a_hospital_stay_row_in_full_width_finds_the_person(session):
    p = person(session, 1)
    data = csv_bytes(f"{full_width(id_number(1))},市第一人民医院,inpatient,2026-01-05,",
                     header="id_number,hospital,category,admitted_on,discharged_on")
    result = hospital_import.preview(session, data, "stays.csv", today=TODAY)
    assert result.ok and result.rows[0].person_id == p.id


def test_intake_finds_the_person_and_stores_the_applicants_number_in_ascii(session, world):
    c = cast(session, world)
    assert intake.person_by_id_number(session, full_width(c.persons[0].id_number)) == c.persons[0]
    agent = intake.Applicant(name="李小光", relation="child", phone="13800000000", id_number=spaced(id_number(9)))
    app = intake.file_application(session, actor=c.ins, now=NOW, person_id=c.persons[0].id, applicant=agent,
                                  declared_disability_6m=True, self_assessment=ANSWERS_E)
    assert app.applicant_id_number == id_number(9)


def test_the_entitlement_search_reads_a_full_width_number_as_a_number(session, world):
    stmt = search_entitlements(world.users["mia_op"], day=TODAY, q=full_width(id_number(1)))
    assert "id_number" in str(stmt.whereclause) and "name" not in str(stmt.whereclause)
