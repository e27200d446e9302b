"""/api/v1/persons: masked list, audited full view, create and update with strict bodies."""
import pytest
from sqlalchemy import func, select

from ltc.core.audit import AuditEntry
from ltc.people.models import InsuredPerson
from tests.builders import PASSWORD
from tests.people_builders import id_number, person


@pytest.fixture(autouse=True)
def english_api(client):
    """These tests match the English wording an API client gets when it asks for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def api(client, session, world):
    made = {"east": person(session, 1, name="张三丰", district="东城区", phone="13812345678", tags=["chronic_class_a"]),
            "north": person(session, 2, name="王五", district="朝阳区")}
    session.commit()  # a refused request rolls back; keep the data

    def call(method: str, url: str, username: str = "mia_op", **kw):
        if username not in tokens:
            r = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            tokens[username] = r.json["token"]
        headers = {"Authorization": f"Bearer {tokens[username]}", **kw.pop("headers", {})}
        return getattr(client, method)(url, headers=headers, **kw)
    tokens: dict[str, str] = {}
    call.people = made
    return call


def views(session, person_id) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "view", AuditEntry.entity == "insured_person", AuditEntry.entity_id == str(person_id)))


def test_the_list_is_masked_paginated_and_scoped(api):
    east = api.people["east"]
    body = api("get", "/api/v1/persons").json
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 25
    item = next(i for i in body["items"] if i["id"] == east.id)
    assert item["id_number"] == f"{east.id_number[:4]}**********{east.id_number[-4:]}"
    assert item["phone"] == "138****5678"
    assert [i["name"] for i in api("get", "/api/v1/persons", "ins_op").json["items"]] == ["张三丰"]
    assert api("get", "/api/v1/persons", "pr_op").json["total"] == 0
    page = api("get", "/api/v1/persons?per_page=1&page=2").json
    assert len(page["items"]) == 1 and page["pages"] == 2
    assert api("get", "/api/v1/persons?q=王").json["items"][0]["name"] == "王五"
    assert api("get", "/api/v1/persons?district=东城区").json["total"] == 1


def test_bad_list_parameters_are_400(api):
    for query, field in (("per_page=101", "per_page"), ("per_page=0", "per_page"), ("page=x", "page"),
                         ("page=-1", "page"), ("page=%C2%B2", "page"), ("per_page=%EF%BC%93", "per_page")):
        r = api("get", f"/api/v1/persons?{query}")
        assert r.status_code == 400 and field in r.json["fields"], query


def test_a_full_view_is_audited_and_out_of_scope_is_404(api, session):
    east, north = api.people["east"], api.people["north"]
    r = api("get", f"/api/v1/persons/{east.id}", "ins_op")
    assert r.status_code == 200
    assert r.json["id_number"] == east.id_number and r.json["phone"] == "13812345678"
    assert r.json["status"] == "active" and r.json["tags"] == ["chronic_class_a"]
    assert r.json["history"]["status"][0] == {"value": "active", "valid_from": "2026-01-01", "valid_to": None}
    assert views(session, east.id) == 1
    assert api("get", f"/api/v1/persons/{north.id}", "ins_op").status_code == 404
    assert api("get", f"/api/v1/persons/{north.id}", "ag_admin").status_code == 404
    assert api("get", "/api/v1/persons/999999").status_code == 404
    assert views(session, north.id) == 0


def test_create_returns_201_with_the_location(api, session):
    body = {"id_number": "330106194501011233", "name": "王秀英", "district": "东城区", "phone": "13900001111",
            "latitude": 39.904211, "category": "resident", "tags": ["medical_assistance"],
            "valid_from": "2026-02-01"}
    r = api("post", "/api/v1/persons", json=body)
    assert r.status_code == 201, r.json
    assert r.json["birth_date"] == "1945-01-01" and r.json["sex"] == "M" and r.json["latitude"] == 39.904211
    assert r.headers["Location"].endswith(f"/api/v1/persons/{r.json['id']}")
    assert r.json["history"]["category"] == [{"value": "resident", "valid_from": "2026-02-01", "valid_to": None}]
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "create", AuditEntry.entity_id == str(r.json["id"]),
        AuditEntry.entity == "insured_person")) == 1


BAD_CREATES = [
    ({"name": "甲", "district": "东城区"}, {"id_number"}),
    ({"id_number": "330106194501011233", "name": "甲", "district": "东城区", "colour": "red"}, {"colour"}),
    ({"id_number": 330106194501011233, "name": "甲", "district": "东城区"}, {"id_number"}),
    ({"id_number": "330106194501011233", "name": ["甲"], "district": "东城区", "latitude": True},
     {"name", "latitude"}),
    ({"id_number": "330106194501011234", "name": "甲", "district": "东城区"}, {"id_number"}),
    ({"id_number": "330106194501011233", "name": None, "district": "东城区"}, {"name"}),
    ({"id_number": "330106194501011233", "name": "甲", "district": "东城区", "tags": [1]}, {"tags"}),
    ({"id_number": "330106194501011233", "name": "甲", "district": "东城区", "valid_from": "soon"}, {"valid_from"}),
    ({"id_number": "330106194501011233", "name": "甲", "district": "东城区", "category": "vip"}, {"category"}),
]


def test_create_rejects_bad_bodies_naming_the_fields(api, session):
    for body, fields in BAD_CREATES:
        r = api("post", "/api/v1/persons", json=body)
        assert r.status_code == 400 and set(r.json["fields"]) == fields, (body, r.json)
    assert api("post", "/api/v1/persons", data="not json", content_type="application/json").status_code == 400
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) == 2


def test_create_of_a_registered_id_is_409_and_non_editors_are_403(api):
    body = {"id_number": api.people["east"].id_number, "name": "甲", "district": "东城区"}
    assert api("post", "/api/v1/persons", json=body).status_code == 409
    body["id_number"] = id_number(9)
    assert api("post", "/api/v1/persons", "ins_op", json=body).status_code == 403
    assert api("patch", f"/api/v1/persons/{api.people['east'].id}", "ins_op", json={"name": "x"}).status_code == 403


def test_patch_updates_only_the_given_fields(api, session):
    east = api.people["east"]
    r = api("patch", f"/api/v1/persons/{east.id}", json={"phone": "13700000000", "village": None})
    assert r.status_code == 200 and r.json["phone"] == "13700000000" and r.json["village"] is None
    assert r.json["name"] == "张三丰"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.after == {"phone": "13700000000", "village": None}


def test_patch_rejects_bad_bodies(api, session):
    east = api.people["east"]
    for body, field in (({"status": "suspended"}, "status"), ({"phone": 13700000000}, "phone"),
                        ({"district": ""}, "district"), ({"id_number": "123"}, "id_number")):
        r = api("patch", f"/api/v1/persons/{east.id}", json=body)
        assert r.status_code == 400 and field in r.json["fields"], (body, r.json)
    session.refresh(east)
    assert east.district == "东城区" and east.phone == "13812345678"


def test_patch_outside_scope_or_unknown_is_404(api):
    assert api("patch", "/api/v1/persons/999999", json={"name": "x"}).status_code == 404


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


def test_a_full_width_number_finds_the_same_person_and_cannot_register_a_second_one(api, session):
    """SPEC §2: the API normalises a number (NFKC, blanks, x) before every lookup and write."""
    east = api.people["east"]
    wide = east.id_number.translate(FULL_WIDTH)
    assert [i["id"] for i in api("get", "/api/v1/persons", query_string={"q": wide}).json["items"]] == [east.id]
    r = api("post", "/api/v1/persons", json={"id_number": wide, "name": "张三丰", "district": "东城区"})
    assert r.status_code == 409
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) == 2
    r = api("post", "/api/v1/persons", json={"id_number": id_number(5).translate(FULL_WIDTH), "name": "新人",
                                             "district": "东城区"})
    assert r.status_code == 201 and r.json["id_number"] == id_number(5)
