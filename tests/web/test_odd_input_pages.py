"""Odd input on the HTML pages and forms (issue #9 point 4) is a clear 4xx, never a 500, and
stores nothing: huge ids in paths and form fields, ids in full-width digits, NaN coordinates, NUL
characters, searches longer than a search can be. (The API's side: test_api_bad_input.py.)"""
from datetime import date

import pytest
from sqlalchemy import func, select

from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from tests.assessment_builders import past_conclusion
from tests.conftest import login
from tests.people_builders import id_number, person
from tests.web.test_api_core import token_for

HUGE = 99999999999999999999999999
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture
def east(session, world):
    made = person(session, 1, name="张三丰", district="东城区")
    session.commit()
    return made


def persons(session) -> int:
    return session.scalar(select(func.count()).select_from(InsuredPerson))


def new_person(**changes) -> dict:
    return {"id_number": id_number(7), "name": "王秀英", "district": "东城区", "status": "active",
            "valid_from": "2026-03-16", **changes}


@pytest.mark.parametrize("url", [f"/people/{HUGE}", f"/people/{2**31}", f"/people/{HUGE}/edit",
                                 f"/assessment/{HUGE}", f"/reviews/{HUGE}", f"/notices/{HUGE}.pdf",
                                 f"/entitlements/{HUGE}", f"/care-plans/{HUGE}"])
def test_a_huge_id_in_a_page_path_is_not_found(client, world, url):
    login(client, "mia_op")
    assert client.get(url).status_code == 404


def test_a_huge_id_posted_to_a_page_path_is_not_found(client, world):
    login(client, "mia_op")
    assert client.post(f"/people/{HUGE}/status", data={"status": "active"}).status_code == 404


@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC])
def test_an_id_in_other_digits_names_no_record(client, east, digits):
    login(client, "mia_op")
    assert client.get(f"/people/{east.id}").status_code == 200
    assert client.get(f"/people/{str(east.id).translate(digits)}").status_code == 404


def test_an_api_id_in_full_width_digits_names_no_record(client, east):
    headers = {"Authorization": f"Bearer {token_for(client, 'mia_op')}"}
    assert client.get(f"/api/v1/persons/{east.id}", headers=headers).status_code == 200
    response = client.get(f"/api/v1/persons/{str(east.id).translate(FULL_WIDTH)}", headers=headers)
    assert response.status_code == 404 and response.json["error"]


@pytest.mark.parametrize("page", [str(HUGE), "２", "-3", "1e3"])
def test_a_page_number_that_is_no_integer_shows_the_first_page(client, east, page):
    login(client, "mia_op")
    response = client.get(f"/people/?page={page}")
    assert response.status_code == 200 and "张三丰" in response.data.decode()


@pytest.mark.parametrize("url", ["/people/?q=%00", "/people/?district=%00", "/people/hospital-stays/?q=a%00b",
                                 "/api/v1/persons?q=%00"])
def test_a_nul_character_in_a_query_is_refused(client, world, url):
    login(client, "mia_op")
    headers = {"Authorization": f"Bearer {token_for(client, 'mia_op')}"} if url.startswith("/api") else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 400
    assert "NUL" in response.data.decode()


@pytest.mark.parametrize("field", ["name", "address", "district"])
def test_a_nul_character_in_a_form_field_stores_nothing(client, session, world, field):
    login(client, "mia_op")
    response = client.post("/people/new", data=new_person(**{field: "东\x00城区"}))
    assert response.status_code == 400
    assert "NUL" in response.data.decode()
    assert persons(session) == 0


def test_a_nul_character_in_an_edit_changes_nothing(client, session, east):
    login(client, "mia_op")
    response = client.post(f"/people/{east.id}/edit", data={**new_person(id_number=east.id_number),
                                                            "name": "张\x00三"})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(InsuredPerson, east.id).name == "张三丰"


@pytest.mark.parametrize("value", ["NaN", "-nan", "sNaN", "Infinity", "-inf"])
def test_a_coordinate_that_is_no_number_is_named_on_the_person_form(client, session, world, value):
    login(client, "mia_op")
    response = client.post("/people/new", data=new_person(latitude=value))
    assert response.status_code == 400
    page = response.data.decode()
    assert "请输入一个有限的数字" in page or "纬度" in page
    assert persons(session) == 0


def test_a_coordinate_that_is_no_number_is_named_on_the_organisation_form(client, session, world):
    login(client, "mia_admin")
    before = session.scalar(select(func.count()).select_from(Organisation))
    response = client.post("/orgs/new", data={"kind": "provider", "name": "新机构", "uscc": "91110000MA0000001X",
                                              "latitude": "NaN", "longitude": "116.4"})
    assert response.status_code == 400
    assert "请输入一个有限的数字" in response.data.decode()
    assert session.scalar(select(func.count()).select_from(Organisation)) == before


def test_a_nan_coordinate_is_refused_by_the_service_too(session, world):
    from ltc.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        person(session, 8, latitude="NaN")
    assert "latitude" in refused.value.fields


def test_a_huge_application_number_is_named_on_the_entitlement_request_form(client, world):
    login(client, "ins_op")
    response = client.post("/reviews/entitlement/new", data={"application": f"SQ-2026-{HUGE}", "care_type": "home",
                                                          "provider_id": str(world.provider.id)})
    assert response.status_code == 400
    assert "找不到该申请或参保人" in response.data.decode()


def test_a_huge_survivor_on_the_merge_form_is_refused(client, world):
    login(client, "mia_admin")
    response = client.post("/people/id-collisions/1/merge", data={"survivor_id": str(HUGE), "reason": "重复"})
    assert response.status_code == 302  # back to the preview, with the message flashed


def test_a_search_longer_than_a_search_can_be_is_refused_with_a_message(client, world):
    login(client, "mia_op")
    response = client.get("/people/", query_string={"q": "张" * 600})
    assert response.status_code == 400
    assert "查询条件过长" in response.data.decode()
    assert client.get("/people/", query_string={"q": "张" * 200}).status_code == 200


def test_the_search_boxes_say_how_long_a_search_can_be(client, world):
    login(client, "mia_op")
    for url in ("/people/", "/people/hospital-stays/"):
        assert 'maxlength="200"' in client.get(url).data.decode(), url


def test_a_person_in_a_district_not_on_the_list_is_refused_on_the_page_and_in_the_api(client, session, world):
    """D14: 火星区 was accepted, and then no insurer saw the person."""
    login(client, "mia_op")
    page = client.post("/people/new", data=new_person(district="火星区"))
    assert page.status_code == 400 and "区县 火星区 不在区县名录中" in page.data.decode()
    headers = {"Authorization": f"Bearer {token_for(client, 'mia_op')}"}
    api = client.post("/api/v1/persons", headers=headers,
                      json={"id_number": id_number(8), "name": "n", "district": "火星区"})
    assert api.status_code == 400 and api.json["fields"] == {"district": "未知"}
    assert persons(session) == 0


def test_a_name_with_a_bidi_override_is_refused_and_one_outside_the_bmp_accepted(client, session, world):
    """D15: U+202E and BEL were stored; 𠮷 must stay accepted."""
    headers = {"Authorization": f"Bearer {token_for(client, 'mia_op')}"}
    api = client.post("/api/v1/persons", headers=headers,
                      json={"id_number": id_number(9), "name": "张\u202e三\u0007", "district": "东城区"})
    assert api.status_code == 400 and "name" in api.json["fields"]
    assert persons(session) == 0
    kept = client.post("/api/v1/persons", headers=headers,
                       json={"id_number": id_number(9), "name": "𠮷田", "district": "东城区"})
    assert kept.status_code == 201 and kept.json["name"] == "𠮷田"


def test_an_application_number_in_another_script_names_no_application_on_the_form(client, session, world, east):
    """Full-width digits are a spelling of the number (NFKC, as for ID numbers: see
    tests/services/test_entitlement_picking.py); digits of another script name nothing."""
    app = past_conclusion(session, east.id, date(2026, 1, 20))
    session.commit()
    login(client, "ins_op")
    response = client.post("/reviews/entitlement/new", data={"application": app.number.translate(ARABIC_INDIC),
                                                              "care_type": "home",
                                                              "provider_id": str(world.provider.id)})
    assert response.status_code == 400
    assert "找不到该申请或参保人" in response.data.decode()
