"""Bad input over /api/v1 is a 400 naming the field (never a 500, nothing stored): huge integers,
null for a string, NaN and infinite numbers, NUL characters and lone surrogates, deep nesting,
non-object bodies, another content type."""
import json

import pytest
from sqlalchemy import func, select

from ltc.assessment.scale.services import seed_rulesets
from ltc.people.models import InsuredPerson
from tests.conftest import NOW
from tests.unit.test_scale import FULL
from tests.web.test_api_core import token_for


@pytest.fixture(autouse=True)
def english_api(client):
    """These tests match the English wording an API client gets when it asks for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

HUGE = 99999999999999999999
NEW_PERSON = {"id_number": "330106194501011233", "name": "王秀英", "district": "东城区"}


@pytest.fixture
def call(client, session, world):
    seed_rulesets(session, now=NOW)
    session.commit()  # a refused request rolls back; keep the rulesets
    tokens: dict[str, str] = {}

    def call(method: str, url: str, username: str = "mia_op", **kw):
        if username not in tokens:
            tokens[username] = token_for(client, username)
        return getattr(client, method)(url, headers={"Authorization": f"Bearer {tokens[username]}"}, **kw)
    return call


def persons(session) -> int:
    return session.scalar(select(func.count()).select_from(InsuredPerson))


def raw(call, url: str, text: str | bytes, username: str = "mia_op", content_type: str = "application/json"):
    return call("post", url, username, data=text, content_type=content_type)


def assert_400(response, field: str):
    assert response.status_code == 400, (response.status_code, response.data[:300])
    assert field in response.json["fields"], response.json
    assert response.json["error"]


@pytest.mark.parametrize("url, field", [
    (f"/api/v1/persons/{HUGE}", "person_id"),
    (f"/api/v1/persons/{HUGE}/hospital-stays", "person_id"),
    (f"/api/v1/applications/{HUGE}", "application_id"),
    (f"/api/v1/applications/1/notices/{HUGE}.pdf", "notice_id"),
    (f"/api/v1/reviews/{HUGE}", "case_id"),
    (f"/api/v1/persons/{2**31}", "person_id"),
])
def test_a_huge_integer_in_the_path_is_named(call, url, field):
    assert_400(call("get", url), field)


def test_a_huge_integer_in_a_body_is_named(call, session):
    assert_400(call("post", "/api/v1/applications/1/assessment/cosign", "ag_assessor", json={"version": HUGE}),
               "version")
    assert_400(call("post", "/api/v1/persons", json={**NEW_PERSON, "latitude": HUGE}), "latitude")
    assert_400(raw(call, "/api/v1/persons", '{"id_number": %s}' % ("9" * 5000)), "body")
    assert persons(session) == 0


def test_a_huge_integer_in_the_query_is_named(call):
    assert_400(call("get", f"/api/v1/applications?agency_id={HUGE}"), "agency_id")
    assert_400(call("get", "/api/v1/persons?page=1000001"), "page")


def test_null_for_a_required_string_is_named(client, world):
    response = client.post("/api/v1/auth/token", json={"username": None, "password": "x"})
    assert_400(response, "username")
    assert response.json["fields"] == {"username": "must be a string"}


def test_a_username_longer_than_a_login_attempt_stores_is_named(client, world):
    response = client.post("/api/v1/auth/token", json={"username": "x" * 61, "password": "x"})
    assert response.json["fields"] == {"username": "at most 60 characters"}


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinite_numbers_are_named(call, session, number):
    body = json.dumps(NEW_PERSON)[:-1] + f', "latitude": {number}}}'
    assert_400(raw(call, "/api/v1/persons", body), "latitude")
    answers = json.dumps({"items": FULL}).replace('"feeding": 10', f'"feeding": {number}')
    response = raw(call, "/api/v1/assessments/grade", answers, "ag_assessor")
    assert response.status_code == 400 and response.json["fields"] == {"items.feeding": "must be an integer"}
    assert persons(session) == 0


def test_nul_characters_and_lone_surrogates_are_named(call, session):
    assert_400(call("post", "/api/v1/persons", json={**NEW_PERSON, "name": "王\x00秀英"}), "name")
    response = raw(call, "/api/v1/persons", json.dumps({**NEW_PERSON, "address": "\ud800"}))
    assert response.json["fields"] == {"address": "must not contain NUL characters or lone surrogates"}
    assert_400(call("post", "/api/v1/persons", json={**NEW_PERSON, "na\x00me": "x"}), "na\\u0000me")
    stay = {"id_number": NEW_PERSON["id_number"], "hospital": "\x00", "category": "inpatient",
            "admitted_on": "2026-01-05"}
    assert_400(call("post", "/api/v1/hospital-stays", json={"stays": [stay]}), "stays[0].hospital")
    assert_400(call("get", "/api/v1/persons?q=%00"), "q")
    assert persons(session) == 0


@pytest.mark.parametrize("text", ['{"a": ' * 10_000 + "1" + "}" * 10_000, "[" * 10_000 + "]" * 10_000],
                         ids=["objects", "lists"])
def test_json_nested_10000_deep_is_refused(client, call, text):
    response = client.post("/api/v1/auth/token", data=text, content_type="application/json")
    assert response.status_code == 400 and response.json["fields"] == {"body": "nested too deeply"}
    assert_400(raw(call, "/api/v1/persons", text), "body")


@pytest.mark.parametrize("text", ["[]", '"x"', "17", "null", "true"])
def test_a_body_that_is_not_an_object_is_refused(client, world, text):
    response = client.post("/api/v1/auth/token", data=text, content_type="application/json")
    assert response.status_code == 400 and response.json["fields"] == {"body": "expected a JSON object"}


@pytest.mark.parametrize("data, content_type, message", [
    (json.dumps(NEW_PERSON), "text/plain", "must be sent as application/json"),
    ("id_number=330106194501011233&name=x&district=y", "application/x-www-form-urlencoded",
     "must be sent as application/json"),
    ("", "application/json", "invalid JSON"),
    ("{'name': 'x'}", "application/json", "invalid JSON"),
    ('{"name": "\xff"}'.encode("latin-1"), "application/json", "invalid JSON"),
], ids=["text", "form", "empty", "single quotes", "not utf-8"])
def test_a_body_that_is_not_json_is_refused(call, session, data, content_type, message):
    response = raw(call, "/api/v1/persons", data, content_type=content_type)
    assert response.status_code == 400 and response.json["fields"] == {"body": message}
    assert persons(session) == 0


@pytest.mark.parametrize("version", [True, 10.0, "10", [10], {"v": 10}])
def test_json_integers_stay_integers(call, version):
    response = call("post", "/api/v1/applications/1/assessment/cosign", "ag_assessor", json={"version": version})
    assert response.status_code == 400 and response.json["fields"] == {"version": "must be an integer"}


def test_an_optional_body_may_be_left_out_but_not_sent_malformed(call):
    url = "/api/v1/applications/999999/assessment/cosign"
    assert call("post", url, "ag_assessor").status_code == 404
    assert_400(raw(call, url, "{", "ag_assessor"), "body")
