"""Review cases over the API: the waiting list, one case in scope, decisions with 400/403/404/409."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from ltc.reviews.models import ReviewCase, ReviewEvent
from ltc.reviews.registry import Parties
from tests.conftest import NOW
from tests.web.test_api_core import token_for
from tests.web.test_review_pages import cases, decide, open_case  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def english_api(client):
    """These tests match the English wording an API client gets when it asks for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

URL = "/api/v1/reviews"


@pytest.fixture
def api(client, cases):  # noqa: F811
    tokens: dict[str, str] = {}

    def call(method: str, path: str, username: str, **kwargs):
        if username not in tokens:
            tokens[username] = token_for(client, username)
        return getattr(client, method)(path, headers={"Authorization": f"Bearer {tokens[username]}"}, **kwargs)
    return call


def events(session, case) -> int:
    return session.scalar(select(func.count()).select_from(ReviewEvent).where(ReviewEvent.case_id == case.id))


def test_pending_lists_my_organisations_cases_overdue_first(api, cases, session, world):  # noqa: F811
    fresh = open_case(session, 9004, Parties(cases.one.person_id, world.provider.id, world.agency.id), cases.mia,
                      now=datetime.now(timezone.utc))
    session.commit()
    body = api("get", f"{URL}/pending", "pr_rev").json
    assert [row["id"] for row in body["items"]] == [cases.one.id, cases.three.id, fresh.id]
    assert [row["overdue"] for row in body["items"]] == [True, True, False]
    assert body["items"][0]["due_on"] == "2026-04-07" and body["total"] == 3  # the 5th, Qingming → Tuesday
    second = api("get", f"{URL}/pending?per_page=2&page=2", "pr_rev").json
    assert [row["id"] for row in second["items"]] == [fresh.id] and second["pages"] == 2
    assert api("get", f"{URL}/pending", "ins_rev").json["total"] == 0          # insurer's step comes later
    assert api("get", f"{URL}/pending?per_page=0", "pr_rev").status_code == 400
    assert api("get", f"{URL}/pending?page=%C2%B2", "pr_rev").json["fields"] == {"page": "must be an integer 1–1000000"}
    assert api("get", f"{URL}/pending", "pr_admin").status_code == 403         # no step names the role
    assert api("get", f"{URL}/pending", "pr_op").json["total"] == 0            # submits plan revisions (REF)


def test_a_case_with_steps_checks_and_trail(api, cases, session):  # noqa: F811
    decide(session, cases.one, cases.actor("pr_rev"))
    body = api("get", f"{URL}/{cases.one.id}", "ins_rev").json
    assert (body["status"], body["version"], body["can_decide"]) == ("open", 2, False)
    assert [(s["code"], s["state"]) for s in body["steps"]] == [
        ("provider", "done"), ("agency", "current"), ("insurer", "todo"), ("mia", "todo")]
    assert body["current_step"]["owner"]["name"] == "评估机构甲" and body["current_step"]["decisions"] == [
        "approve", "return"]
    assert [c["passed"] for c in body["checks"]] == [True, False, None]
    (first,) = body["trail"]
    assert [e["action"] for e in first["events"]] == ["opened", "approve"]
    assert first["events"][1]["by"] == "pr_rev" and first["events"][1]["checks"][0]["code"] == "docs"
    assert [v["step"] for v in first["stages"]] == ["provider", "agency"]
    assert api("get", f"{URL}/{cases.one.id}", "ag_rev").json["can_decide"] is True


def test_cases_outside_scope_are_404(api, cases):  # noqa: F811
    assert api("get", f"{URL}/{cases.one.id}", "pr2_rev").status_code == 404
    assert api("post", f"{URL}/{cases.one.id}/decision", "pr2_rev",
               json={"decision": "approve", "version": 1}).status_code == 404
    assert api("get", f"{URL}/{cases.three.id}", "ins_rev").status_code == 404
    assert api("get", f"{URL}/{cases.three.id}", "mia_rev").status_code == 200


def test_a_decision_returns_the_case(api, cases, session):  # noqa: F811
    response = api("post", f"{URL}/{cases.one.id}/decision", "pr_rev", json={"decision": "approve", "version": 1})
    assert response.status_code == 200, response.json
    assert (response.json["version"], response.json["current_step"]["code"]) == (2, "agency")
    session.refresh(cases.one)
    assert cases.one.step_code == "agency"


def test_out_of_turn_is_403_and_changes_nothing(api, cases, session):  # noqa: F811
    response = api("post", f"{URL}/{cases.one.id}/decision", "ag_rev", json={"decision": "approve", "version": 1})
    assert response.status_code == 403 and response.json["fields"] == {"decision": "not your step"}
    assert api("post", f"{URL}/{cases.one.id}/decision", "pr_op",
               json={"decision": "approve", "version": 1}).status_code == 403
    session.refresh(cases.one)
    assert (cases.one.step_code, cases.one.version, events(session, cases.one)) == ("provider", 1, 1)


@pytest.mark.parametrize("body, field", [
    ({"decision": "decline", "version": 1}, "reason_code"),
    ({"decision": "decline", "reason_code": "DOCS", "version": 1}, "reason_code"),
    ({"decision": "reject", "reason_code": "FRAUD", "version": 1}, "decision"),
    ({"decision": "approve"}, "version"),
    ({"decision": "approve", "version": "1"}, "version"),
    ({"version": 1}, "decision"),
    ({"decision": "approve", "version": 1, "extra": 1}, "extra"),
])
def test_bad_decisions_are_400_naming_the_field(api, cases, session, body, field):  # noqa: F811
    response = api("post", f"{URL}/{cases.one.id}/decision", "pr_rev", json=body)
    assert response.status_code == 400 and field in response.json["fields"], response.json
    session.refresh(cases.one)
    assert cases.one.version == 1


def test_a_return_needs_text(api, cases, session):  # noqa: F811
    decide(session, cases.one, cases.actor("pr_rev"))
    response = api("post", f"{URL}/{cases.one.id}/decision", "ag_rev",
                   json={"decision": "return", "reason_code": "DOCS", "version": 2})
    assert response.status_code == 400 and "reason_text" in response.json["fields"]


def _to_mia(session, cases):  # noqa: F811
    for username in ("pr_rev", "ag_rev", "ins_rev"):
        decide(session, cases.one, cases.actor(username))


def test_the_case_names_where_a_return_may_go_and_the_reasons_of_the_step(api, cases, session):  # noqa: F811
    _to_mia(session, cases)
    body = api("get", f"{URL}/{cases.one.id}", "mia_rev").json
    current = body["current_step"]
    assert (current["return_to"], current["return_default"]) == (["provider", "agency", "insurer"], "insurer")
    assert [r["code"] for r in current["reasons"]] == ["DOCS", "FRAUD", "OTHER"]
    assert [s["return_to"] for s in body["steps"]] == [[], ["provider"], ["agency"], ["provider", "agency", "insurer"]]
    assert body["reasons"][-1] == {"code": "OTHER", "label": "其他", "decisions": ["return", "decline", "reject"],
                                   "steps": []}


def test_a_return_goes_to_the_step_named(api, cases, session):  # noqa: F811
    _to_mia(session, cases)
    response = api("post", f"{URL}/{cases.one.id}/decision", "mia_rev", json={
        "decision": "return", "reason_code": "DOCS", "reason_text": "补充材料", "return_to": "agency", "version": 4})
    assert response.status_code == 200, response.json
    assert (response.json["current_step"]["code"], response.json["round"]) == ("agency", 2)


@pytest.mark.parametrize("target", ["mia", "nowhere"])
def test_a_target_not_allowed_is_400(api, cases, session, target):  # noqa: F811
    _to_mia(session, cases)
    response = api("post", f"{URL}/{cases.one.id}/decision", "mia_rev", json={
        "decision": "return", "reason_code": "DOCS", "reason_text": "x", "return_to": target, "version": 4})
    assert response.status_code == 400 and response.json["fields"] == {"return_to": "not allowed"}
    assert "(it can return it to: 机构确认, 评估复核, 商保审核)" in response.json["error"]
    session.refresh(cases.one)
    assert (cases.one.step_code, cases.one.version) == ("mia", 4)


def test_other_needs_text(api, cases, session):  # noqa: F811
    response = api("post", f"{URL}/{cases.one.id}/decision", "pr_rev",
                   json={"decision": "decline", "reason_code": "OTHER", "version": 1})
    assert response.status_code == 400 and response.json["fields"] == {"reason_text": "required"}


def test_a_stale_version_is_409_with_the_message(api, cases, session):  # noqa: F811
    decide(session, cases.one, cases.actor("pr_rev"))
    decide(session, cases.one, cases.actor("ag_rev"), "return", "DOCS", "补充材料", now=NOW + timedelta(hours=1))
    response = api("post", f"{URL}/{cases.one.id}/decision", "pr_rev", json={"decision": "approve", "version": 1})
    assert response.status_code == 409
    assert "This case was changed by ag_rev at 2026-03-16 11:00" in response.json["error"]
    assert response.json["fields"] == {"version": "stale"}
    session.refresh(cases.one)
    assert (cases.one.step_code, cases.one.version) == ("provider", 3)


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths[f"{URL}/pending"]) == {"get"} and set(paths[URL + "/{case_id}"]) == {"get"}
    assert paths[URL + "/{case_id}/decision"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "required"] == ["decision", "version"]


def test_closed_case_decision_is_a_conflict(api, cases, session):  # noqa: F811
    decide(session, cases.two, cases.actor("pr2_rev"), "decline", "FULL", "满员")
    response = api("post", f"{URL}/{cases.two.id}/decision", "pr2_rev", json={"decision": "approve", "version": 2})
    assert response.status_code == 409
    assert session.get(ReviewCase, cases.two.id).status == "declined"
