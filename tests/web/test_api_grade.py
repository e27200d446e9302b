"""POST /api/v1/assessments/grade: the national scale over the API (SPEC §3.2)."""
from datetime import date

import pytest

from ltc.assessment.scale.services import seed_rulesets
from tests import builders
from tests.conftest import NOW
from tests.unit.test_scale import FULL, answers
from tests.web.test_api_core import token_for


@pytest.fixture(autouse=True)
def english_api(client):
    """These tests match the English wording an API client gets when it asks for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

URL = "/api/v1/assessments/grade"
EXAMPLE_2 = answers([10, 5, 5, 10, 10, 5, 10, 10, 0, 0], [0, 1, 0, 0], [3, 3, 3])


@pytest.fixture
def seeded(session):
    seed_rulesets(session, now=NOW)


def bearer(client, session, kind: str, role: str) -> dict:
    """A token for a user of a fresh organisation (lighter than the whole ``world``)."""
    builders.user(session, builders.org(session, kind, f"{kind} org", 90), f"{kind}_{role}", role)
    return {"Authorization": f"Bearer {token_for(client, f'{kind}_{role}')}"}


@pytest.fixture
def assessor(client, session, seeded):
    return bearer(client, session, "agency", "assessor")


def post(client, headers, body):
    return client.post(URL, json=body, headers=headers)


@pytest.mark.parametrize("body", [{"items": EXAMPLE_2}, {"items": EXAMPLE_2, "ruleset": "CN-2021-37"},
                                  {"items": EXAMPLE_2, "ruleset": None}],
                         ids=["ruleset in force", "named ruleset", "null ruleset"])
def test_an_assessor_gets_totals_grades_and_level(client, assessor, body):
    response = post(client, assessor, body)
    assert response.status_code == 200, response.json
    assert response.json == {"adl_total": 65, "cognition_total": 1, "perception_total": 9, "adl_grade": 1,
                             "cognition_grade": 3, "perception_grade": 1, "cp_grade": 3, "level": 2,
                             "level_name": "中度失能", "ruleset": "CN-2021-37"}


@pytest.mark.parametrize("values, level", [
    (([10, 10, 5, 10, 10, 10, 15, 15, 10, 5], [4, 4, 4, 4], [4, 4, 4]), 0),
    (([0] * 10, [4, 4, 4, 4], [4, 4, 4]), 3),
    (([0] * 10, [1, 0, 0, 0], [2, 0, 0]), 5),
])
def test_spec_examples_over_the_api(client, assessor, values, level):
    assert post(client, assessor, {"items": answers(*values)}).json["level"] == level


@pytest.mark.parametrize("items, fields", [
    ({k: v for k, v in FULL.items() if k != "feeding"}, {"items.feeding": "required"}),
    ({**FULL, "mobility": 5}, {"items.mobility": "unknown item"}),
    ({**FULL, "feeding": 7}, {"items.feeding": "must be one of 10, 5, 0"}),
    ({**FULL, "face_oral_hygiene": 10}, {"items.face_oral_hygiene": "must be one of 5, 0"}),
    ({**FULL, "walking": 20}, {"items.walking": "must be one of 15, 10, 5, 0"}),
    ({**FULL, "memory": 5}, {"items.memory": "must be one of 4, 3, 2, 1, 0"}),
    ({**FULL, "vision": -1}, {"items.vision": "must be one of 4, 3, 2, 1, 0"}),
    ({**FULL, "feeding": True}, {"items.feeding": "must be an integer"}),
    ({**FULL, "feeding": 10.0}, {"items.feeding": "must be an integer"}),
    ({**FULL, "feeding": "10"}, {"items.feeding": "must be an integer"}),
    ({**FULL, "feeding": None}, {"items.feeding": "must be an integer"}),
    ({}, {f"items.{code}": "required" for code in FULL}),
], ids=["missing", "unknown", "feeding 7", "face_oral_hygiene 10", "walking 20", "memory 5", "vision -1",
        "true", "10.0", "string", "null", "empty"])
def test_bad_items_are_named(client, assessor, items, fields):
    response = post(client, assessor, {"items": items})
    assert response.status_code == 400
    assert response.json["fields"] == fields and response.json["error"]


def test_raw_json_float_and_bool_are_refused(client, assessor):
    body = '{"items": {%s}}' % ", ".join(f'"{code}": {value}' for code, value in FULL.items())
    body = body.replace('"feeding": 10', '"feeding": 10.0').replace('"bathing": 5', '"bathing": true')
    response = client.post(URL, data=body, content_type="application/json", headers=assessor)
    assert response.status_code == 400
    assert response.json["fields"] == {"items.feeding": "must be an integer",
                                       "items.bathing": "must be an integer"}


@pytest.mark.parametrize("body, fields", [
    ({"items": FULL, "ruleset": "CN-1999-01"}, {"ruleset": "unknown ruleset"}),
    ({"items": FULL, "ruleset": 2021}, {"ruleset": "must be a string"}),
    ({"items": [10] * 17}, {"items": "must be an object"}),
    ({"items": None}, {"items": "must be an object"}),
    ({}, {"items": "required"}),
    ({"items": FULL, "level": 2, "date": "2026-03-16"}, {"date": "unknown field", "level": "unknown field"}),
    ({"items": {**FULL, "memory": 5}, "extra": 1},
     {"extra": "unknown field", "items.memory": "must be one of 4, 3, 2, 1, 0"}),
    ({"items": {**FULL, "memory": 5}, "ruleset": "nope"}, {"ruleset": "unknown ruleset"}),
], ids=["unknown ruleset", "ruleset not a string", "items a list", "items null", "no items", "unknown keys",
        "all problems at once", "ruleset first"])
def test_bad_requests_name_the_fields(client, assessor, body, fields):
    response = post(client, assessor, body)
    assert response.status_code == 400
    assert response.json["fields"] == fields


@pytest.mark.parametrize("body", [[], "items", 17])
def test_a_body_that_is_not_an_object_is_refused(client, assessor, body):
    response = post(client, assessor, body)
    assert response.status_code == 400 and response.json["fields"] == {"body": "expected a JSON object"}


def test_no_ruleset_in_force_today_is_a_conflict(client, assessor, monkeypatch):
    monkeypatch.setattr("ltc.assessment.scale.api.local_today", lambda: date(2021, 6, 30))
    response = post(client, assessor, {"items": FULL})
    assert response.status_code == 409 and "ruleset" in response.json["fields"]


def test_without_a_token_it_is_401(client, seeded):
    response = client.post(URL, json={"items": FULL})
    assert response.status_code == 401 and response.json["fields"] == {}


@pytest.mark.parametrize("kind, role", [("provider", "operator"), ("insurer", "operator"), ("agency", "admin")])
def test_users_who_do_not_enter_assessments_get_403(client, session, seeded, kind, role):
    response = post(client, bearer(client, session, kind, role), {"items": FULL})
    assert response.status_code == 403 and response.json["error"]


def test_the_demo_provider_operator_gets_403(client, session, seeded, world):
    headers = {"Authorization": f"Bearer {token_for(client, 'pr_op')}"}
    assert post(client, headers, {"items": FULL}).status_code == 403


def test_the_demo_agency_assessor_gets_200(client, session, seeded, world):
    headers = {"Authorization": f"Bearer {token_for(client, 'ag_assessor')}"}
    assert post(client, headers, {"items": FULL}).json["level_name"] == "基本正常"


def test_the_operation_is_documented(client):
    operation = client.get("/api/v1/openapi.json").json["paths"][URL]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["items"] and len(schema["properties"]["items"]["required"]) == 17
    assert schema["properties"]["items"]["properties"]["walking"]["enum"] == [15, 10, 5, 0]
    assert "level_name" in operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
