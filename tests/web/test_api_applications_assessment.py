"""POST /api/v1/applications/<id>/assessment and …/assessment/cosign: the joint record over the
API, validated like the form and admitted by the service only for an on-site assessor."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ltc.assessment.applications.models import Application, Assessment
from ltc.core.clock import utcnow
from tests import assessment_builders as ab
from tests import assessment_web_builders as wb
from tests.web.test_api_core import token_for


@pytest.fixture(autouse=True)
def english_api(client):
    """These tests match the English wording an API client gets when it asks for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

LEVEL_3 = ab.ITEMS_BY_LEVEL[3]


@pytest.fixture
def c(shared_cast):
    return shared_cast


@pytest.fixture
def as_user(client):
    def headers(username: str) -> dict:
        return {"Authorization": f"Bearer {token_for(client, username)}"}
    return headers


@pytest.fixture
def booked(session, c):
    """Visit today; on site ``ag1_e1`` (expert) and ``ag1_a``."""
    app = wb.scheduled(session, c)
    session.commit()
    return app


def url(app, cosign: bool = False) -> str:
    return f"/api/v1/applications/{app.id}/assessment" + ("/cosign" if cosign else "")


def records(session) -> int:
    return session.scalar(select(func.count(Assessment.id)))


def reload(session, app) -> Application:
    session.expire_all()
    return session.get(Application, app.id)


def test_an_on_site_assessor_enters_the_record_and_the_server_grades_it(client, session, as_user, booked):
    response = client.post(url(booked), json={"items": LEVEL_3, "notes": "家属在场"}, headers=as_user("ag1_e1"))
    assert response.status_code == 201, response.json
    assert response.headers["Location"].endswith(f"/api/v1/applications/{booked.id}")
    body = response.json
    assert body["status"] == "scheduled" and body["application_id"] == booked.id
    grading = body["assessment"]
    assert (grading["level"], grading["level_name"], grading["ruleset"]) == (3, "重度失能Ⅰ级", "CN-2021-37")
    assert (grading["adl_total"], grading["adl_grade"], grading["cp_grade"]) == (0, 3, 0)
    assert [s["name"] for s in grading["signatures"]] == ["ag1_e1"] and grading["notes"] == "家属在场"
    stored = session.scalars(select(Assessment).where(Assessment.application_id == booked.id)).one()
    assert (stored.level, stored.items, stored.assessed_on) == (3, LEVEL_3, wb.today())
    assert reload(session, booked).version == body["version"]


def test_the_other_on_site_assessor_cosigns_and_the_application_is_assessed(client, session, as_user, booked):
    assert client.post(url(booked), json={"items": LEVEL_3}, headers=as_user("ag1_e1")).status_code == 201
    response = client.post(url(booked, cosign=True), headers=as_user("ag1_a"))
    assert response.status_code == 200, response.json
    assert response.json["status"] == "assessed"
    assert [s["name"] for s in response.json["assessment"]["signatures"]] == ["ag1_e1", "ag1_a"]
    assert reload(session, booked).status == "assessed"


@pytest.mark.parametrize("change, fields", [
    ({"feeding": True}, {"items.feeding": "must be an integer"}),
    ({"feeding": 10.0}, {"items.feeding": "must be an integer"}),
    ({"feeding": "10"}, {"items.feeding": "must be an integer"}),
    ({"feeding": None}, {"items.feeding": "must be an integer"}),
    ({"feeding": 7}, {"items.feeding": "must be one of 10, 5, 0"}),
    ({"mobility": 5}, {"items.mobility": "unknown item"}),
], ids=["true", "10.0", "string", "null", "not allowed", "unknown"])
def test_bad_items_are_named_and_nothing_is_stored(client, session, as_user, booked, change, fields):
    response = client.post(url(booked), json={"items": {**LEVEL_3, **change}}, headers=as_user("ag1_e1"))
    assert response.status_code == 400
    assert response.json["fields"] == fields and response.json["error"]
    assert records(session) == 0


def test_a_missing_item_is_named(client, session, as_user, booked):
    items = {k: v for k, v in LEVEL_3.items() if k != "memory"}
    response = client.post(url(booked), json={"items": items}, headers=as_user("ag1_e1"))
    assert (response.status_code, response.json["fields"]) == (400, {"items.memory": "required"})


def test_raw_json_float_and_boolean_are_refused(client, session, as_user, booked):
    raw = json.dumps({"items": LEVEL_3}).replace('"feeding": 0', '"feeding": 0.0').replace('"bathing": 0',
                                                                                         '"bathing": false')
    response = client.post(url(booked), data=raw, content_type="application/json", headers=as_user("ag1_e1"))
    assert response.status_code == 400
    assert response.json["fields"] == {"items.feeding": "must be an integer", "items.bathing": "must be an integer"}


@pytest.mark.parametrize("body, field", [
    ({"items": []}, "items"),
    ({"items": None}, "items"),
    ({}, "items"),
    ({"items": LEVEL_3, "level": 3}, "level"),
    ({"items": LEVEL_3, "notes": "长" * 2001}, "notes"),
    ({"items": LEVEL_3, "notes": 5}, "notes"),
    ({"items": LEVEL_3, "assessed_on": "2026/11/22"}, "assessed_on"),
    ({"items": LEVEL_3, "version": True}, "version"),
], ids=["items list", "items null", "no items", "unknown field", "long notes", "notes number", "bad date",
        "version bool"])
def test_bad_bodies_are_named(client, session, as_user, booked, body, field):
    response = client.post(url(booked), json=body, headers=as_user("ag1_e1"))
    assert response.status_code == 400 and field in response.json["fields"]
    assert records(session) == 0


def test_assessed_on_must_be_the_visit_date(client, session, as_user, booked):
    other = (wb.today() - timedelta(days=1)).isoformat()
    response = client.post(url(booked), json={"items": LEVEL_3, "assessed_on": other}, headers=as_user("ag1_e1"))
    assert response.status_code == 400 and wb.today().isoformat() in response.json["fields"]["assessed_on"]
    response = client.post(url(booked), json={"items": LEVEL_3, "assessed_on": wb.today().isoformat()},
                           headers=as_user("ag1_e1"))
    assert response.status_code == 201 and response.json["assessment"]["assessed_on"] == wb.today().isoformat()


@pytest.mark.parametrize("username", ["ag1_admin", "ins_op", "pr_op", "mia_admin"])
def test_only_assessors_may_enter(client, session, as_user, booked, username):
    response = client.post(url(booked), json={"items": LEVEL_3}, headers=as_user(username))
    assert response.status_code == 403 and response.json["error"]
    assert records(session) == 0


def test_an_assessor_not_on_site_is_refused(client, session, as_user, booked):
    response = client.post(url(booked), json={"items": LEVEL_3}, headers=as_user("ag1_e2"))
    assert response.status_code == 403 and "assessors of this visit" in response.json["error"]
    assert records(session) == 0


def test_an_assessor_of_another_agency_does_not_see_the_application(client, session, as_user, booked):
    assert client.post(url(booked), json={"items": LEVEL_3}, headers=as_user("ag2_e1")).status_code == 404


def test_an_application_not_scheduled_is_a_conflict(client, session, as_user, c):
    app = wb.dispatched(session, c)
    session.commit()
    response = client.post(url(app), json={"items": LEVEL_3}, headers=as_user("ag1_e1"))
    assert response.status_code == 409 and response.json["fields"] == {"status": "dispatched"}
    assert records(session) == 0


def test_a_visit_still_ahead_cannot_be_entered(client, session, as_user, c):
    person = wb.new_person(session)
    app = ab.scheduled(session, c, person_id=person.id, now=utcnow(), visit_on=wb.today() + timedelta(days=1))
    session.commit()
    response = client.post(url(app), json={"items": LEVEL_3}, headers=as_user("ag1_e1"))
    assert response.status_code == 400 and "visit_on" in response.json["fields"]


def test_a_stale_version_is_a_conflict(client, session, as_user, booked):
    response = client.post(url(booked), json={"items": LEVEL_3, "version": booked.version - 1},
                           headers=as_user("ag1_e1"))
    assert response.status_code == 409 and response.json["fields"] == {"version": "stale"}


def test_cosign_needs_a_record_and_another_signer(client, session, as_user, booked):
    early = client.post(url(booked, cosign=True), headers=as_user("ag1_a"))
    assert early.status_code == 409 and early.json["fields"] == {"assessment": "missing"}
    client.post(url(booked), json={"items": LEVEL_3}, headers=as_user("ag1_e1"))
    again = client.post(url(booked, cosign=True), json={}, headers=as_user("ag1_e1"))
    assert again.status_code == 409 and again.json["fields"] == {"assessment": "already signed"}
    assert client.post(url(booked, cosign=True), headers=as_user("ag1_e2")).status_code == 403
    assert client.post(url(booked, cosign=True), headers=as_user("ag1_admin")).status_code == 403
    stale = client.post(url(booked, cosign=True), json={"version": 1}, headers=as_user("ag1_a"))
    assert stale.status_code == 409
    bad = client.post(url(booked, cosign=True), json={"version": "2"}, headers=as_user("ag1_a"))
    assert bad.status_code == 400 and "version" in bad.json["fields"]
    assert reload(session, booked).status == "scheduled"


def test_no_token_is_401(client, booked):
    assert client.post(url(booked), json={"items": LEVEL_3}).status_code == 401
    assert client.post(url(booked, cosign=True)).status_code == 401


@pytest.fixture
def undeclared(session, c):
    """Visit today, on site ``ag1_e1`` and ``ag1_a``, named by the admin; nobody has declared."""
    from ltc.assessment.applications.services import scheduling
    from ltc.auth.services import actor_of

    a = c.agencies[0]
    app = wb.dispatched(session, c)
    scheduling.schedule(session, app.id, actor=actor_of(a.admin), now=utcnow(), visit_on=wb.today(),
                        assessors=ab.on_site(a.experts[0], a.assessor))
    session.commit()
    return app


def test_each_assessor_declares_over_the_api_before_the_record_is_entered(client, session, as_user, undeclared):
    app = undeclared
    refused = client.post(url(app), json={"items": LEVEL_3}, headers=as_user("ag1_e1"))
    assert refused.status_code == 400 and "recusal" in json.dumps(refused.json)
    assert client.post(f"/api/v1/applications/{app.id}/recusal", json={"text": ab.RECUSAL},
                       headers=as_user("ag1_admin")).status_code == 403       # the admin cannot declare for them
    for who in ("ag1_e1", "ag1_a"):
        response = client.post(f"/api/v1/applications/{app.id}/recusal", json={"text": ab.RECUSAL},
                               headers=as_user(who))
        assert response.status_code == 201, response.json
        assert response.json["text"] == ab.RECUSAL and response.json["declared_at"]
    again = client.post(f"/api/v1/applications/{app.id}/recusal", json={"text": ab.RECUSAL}, headers=as_user("ag1_a"))
    assert again.status_code == 409
    detail = client.get(f"/api/v1/applications/{app.id}", headers=as_user("ag1_e1")).json
    assert all(a["declared_at"] for a in detail["visit"]["assessors"])
    assert client.post(url(app), json={"items": LEVEL_3}, headers=as_user("ag1_e1")).status_code == 201
