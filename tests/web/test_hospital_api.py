"""/api/v1/hospital-stays bulk upsert (all or nothing) and a person's stays (scoped)."""
import pytest
from sqlalchemy import func, select

from ltc.people.hospital.models import HospitalStay
from tests.builders import PASSWORD
from tests.people_builders import id_number, person


@pytest.fixture(autouse=True)
def english_api(client):
    """These tests match the English wording an API client gets when it asks for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def api(client, session, world):
    made = {"east": person(session, 1, name="张三丰", district="东城区"),
            "north": person(session, 2, name="王五", district="朝阳区")}
    session.commit()  # a refused request rolls back; keep the data
    tokens: dict[str, str] = {}

    def call(method: str, url: str, username: str = "mia_op", **kw):
        if username not in tokens:
            r = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            tokens[username] = r.json["token"]
        return getattr(client, method)(url, headers={"Authorization": f"Bearer {tokens[username]}"}, **kw)
    call.people = made
    return call


def item(p, **changes) -> dict:
    return {"id_number": p.id_number, "hospital": "市第一人民医院", "category": "inpatient",
            "admitted_on": "2026-01-05", "discharged_on": None, **changes}


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(HospitalStay))


def test_bulk_upsert_counts_and_is_idempotent(api, session):
    east, north = api.people["east"], api.people["north"]
    body = {"stays": [item(east), item(north, category="ltc_special", discharged_on="2026-01-20")]}
    r = api("post", "/api/v1/hospital-stays", json=body)
    assert r.status_code == 200 and r.json == {"counts": {"create": 2, "update": 0, "unchanged": 0}}
    assert api("post", "/api/v1/hospital-stays", json=body).json["counts"]["unchanged"] == 2
    r = api("post", "/api/v1/hospital-stays", json={"stays": [item(east, discharged_on="2026-02-01")]})
    assert r.json["counts"] == {"create": 0, "update": 1, "unchanged": 0} and count(session) == 2
    stays = api("get", f"/api/v1/persons/{east.id}/hospital-stays").json["items"]
    assert [(s["hospital"], s["admitted_on"], s["discharged_on"]) for s in stays] == [
        ("市第一人民医院", "2026-01-05", "2026-02-01")]


def test_a_bad_item_is_named_and_nothing_is_written(api, session):
    east, north = api.people["east"], api.people["north"]
    stays = [item(east), item(north), item(east, hospital="市中医院"),
             item(north, hospital="市中医院", admitted_on="2026-02-30"),            # [3] bad date
             item(east, hospital="区医院", discharged_on="2026-01-01"),             # [4] before admission
             item(east, id_number=id_number(77)),                                  # [5] unknown person
             item(north, category="day_care"),                                     # [6] bad category
             item(east, hospital=None, colour="red"),                              # [7] missing + unknown
             item(east, admitted_on=20260105),                                     # [8] wrong type
             item(north),                                                          # [9] duplicate of [1]
             "not an object"]                                                      # [10]
    r = api("post", "/api/v1/hospital-stays", json={"stays": stays})
    assert r.status_code == 400
    assert set(r.json["fields"]) == {"stays[3].admitted_on", "stays[4].discharged_on", "stays[5].id_number",
                                     "stays[6].category", "stays[7].hospital", "stays[7].colour",
                                     "stays[8].admitted_on", "stays[9]", "stays[10]"}
    assert r.json["fields"]["stays[9]"] == "duplicate of stays[1]"
    assert count(session) == 0


@pytest.mark.parametrize("body, field", [
    ({}, "stays"), ({"stays": "x"}, "stays"), ({"stays": None}, "stays"), ({"stays": [], "extra": 1}, "extra"),
])
def test_a_bad_body_is_400(api, body, field):
    r = api("post", "/api/v1/hospital-stays", json=body)
    assert r.status_code == 400 and field in r.json["fields"]


def test_at_most_1000_stays_per_call(api, session):
    east = api.people["east"]
    stays = [item(east, hospital=f"医院{n}") for n in range(1001)]
    r = api("post", "/api/v1/hospital-stays", json={"stays": stays})
    assert r.status_code == 400 and "stays" in r.json["fields"] and count(session) == 0
    assert api("post", "/api/v1/hospital-stays", json={"stays": stays[:1000]}).json["counts"]["create"] == 1000


def test_post_needs_roster_edit_and_a_token(api, client, session):
    body = {"stays": [item(api.people["east"])]}
    for username in ("ins_op", "mia_rev", "pr_op", "ag_admin"):
        assert api("post", "/api/v1/hospital-stays", username, json=body).status_code == 403
    assert client.post("/api/v1/hospital-stays", json=body).status_code == 401
    assert client.get(f"/api/v1/persons/{api.people['east'].id}/hospital-stays").status_code == 401
    assert count(session) == 0


def test_a_persons_stays_are_scoped(api):
    east, north = api.people["east"], api.people["north"]
    api("post", "/api/v1/hospital-stays", json={"stays": [item(east), item(north)]})
    assert len(api("get", f"/api/v1/persons/{east.id}/hospital-stays", "ins_op").json["items"]) == 1
    r = api("get", f"/api/v1/persons/{north.id}/hospital-stays", "ins_op")  # 朝阳区 is not the insurer's
    assert r.status_code == 404 and "items" not in r.json
    assert api("get", f"/api/v1/persons/{east.id}/hospital-stays", "pr_carer").status_code == 403
    assert api("get", "/api/v1/persons/999999/hospital-stays").status_code == 404


def test_both_operations_are_in_the_openapi_document(api):
    paths = api("get", "/api/v1/openapi.json").json["paths"]
    assert "post" in paths["/api/v1/hospital-stays"]
    assert "get" in paths["/api/v1/persons/{person_id}/hospital-stays"]


def test_a_full_width_number_names_the_registered_person(api, session):
    """SPEC §2: hospital stays sent with a full-width ID number land on the person it spells."""
    east = api.people["east"]
    wide = east.id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    r = api("post", "/api/v1/hospital-stays", json={"stays": [item(east, id_number=wide)]})
    assert r.status_code == 200, r.json
    assert session.scalar(select(HospitalStay.person_id)) == east.id
