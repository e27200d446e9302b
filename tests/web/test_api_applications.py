"""GET /api/v1/applications and /applications/<id>: the caller's scope, filters, detail, notices."""
from datetime import timedelta

import pytest

from ltc.notices.rendering import render_pending, using
from ltc.notices.services import notices_for, take_issued
from ltc.people.models import InsuredPerson
from tests import assessment_builders as ab
from tests import assessment_web_builders as wb
from tests.services.test_notices import pdf_text
from tests.web.test_api_core import token_for


@pytest.fixture(autouse=True)
def english_api(client):
    """These tests match the English wording an API client gets when it asks for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

URL = "/api/v1/applications"


@pytest.fixture
def c(shared_cast):
    return shared_cast


@pytest.fixture
def tokens(client, c):
    cache: dict[str, dict] = {}

    def headers(username: str) -> dict:
        if username not in cache:
            cache[username] = {"Authorization": f"Bearer {token_for(client, username)}"}
        return cache[username]
    return headers


@pytest.fixture
def spread(session, c):
    """Dispatched to agency 1 (东城区), filed by a provider (南湖区, outside the insurer's
    districts), submitted (西城区), dispatched to agency 2."""
    apps = {"ag1": wb.dispatched(session, c, agency=0, name="甲一"),
            "provider": wb.submitted(session, c, by="pr_op", district="南湖区", name="乙二"),
            "submitted": wb.submitted(session, c, district="西城区", name="丙三"),
            "ag2": wb.dispatched(session, c, agency=1, name="丁四")}
    session.commit()
    return apps


def listed(client, headers, **args) -> set[int]:
    response = client.get(URL, query_string=args, headers=headers)
    assert response.status_code == 200, response.json
    return {row["id"] for row in response.json["items"]}


@pytest.mark.parametrize("username, expected", [
    ("mia_admin", {"ag1", "provider", "submitted", "ag2"}),
    ("ins_op", {"ag1", "submitted", "ag2"}),
    ("ins_rev", {"ag1", "submitted", "ag2"}),
    ("ag1_admin", {"ag1"}),
    ("ag1_e1", {"ag1"}),
    ("ag2_admin", {"ag2"}),
    ("ag3_admin", set()),
    ("pr_op", {"provider"}),
    ("pr_admin", {"provider"}),
    ("pr2_op", set()),
])
def test_each_organisation_lists_only_its_scope(client, tokens, spread, username, expected):
    assert listed(client, tokens(username)) == {spread[key].id for key in expected}


def test_a_carer_is_refused_and_no_token_is_401(client, tokens, spread):
    response = client.get(URL, headers=tokens("pr_carer"))
    assert response.status_code == 403 and response.json["error"]
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert client.get(f"{URL}/{spread['ag1'].id}").status_code == 401


def test_a_row_masks_the_id_number_and_carries_dates_due_dates_and_agency(client, session, tokens, spread, c):
    app = spread["ag1"]
    row = next(r for r in client.get(URL, headers=tokens("ins_op")).json["items"] if r["id"] == app.id)
    assert row["number"] == f"SQ-{app.submitted_on.year}-{app.id:06d}"
    assert (row["kind"], row["status"], row["level"]) == ("initial", "dispatched", None)
    assert row["person"]["name"] == "甲一" and row["person"]["district"] == "东城区"
    full = session.get(InsuredPerson, app.person_id).id_number
    assert row["person"]["id_number"] == full[:4] + "*" * 10 + full[-4:]
    assert row["agency"] == {"id": c.agencies[0].org.id, "name": "评估机构甲"}
    assert row["submitted_on"] == row["accepted_on"] == row["dispatched_on"] == wb.today().isoformat()
    assert row["conclusion_due_on"] == app.conclusion_due_on.isoformat() == row["due_on"]
    assert row["acceptance_due_on"] == app.acceptance_due_on.isoformat()
    assert row["sla"] == "ok" and row["self_assessment_grade"] == "E" and row["filed_by"] == "承办保险公司"


def test_filters_by_status_agency_and_overdue(client, session, tokens, spread, c):
    late = wb.submitted(session, c, now=ab.at(wb.today() - timedelta(days=14)), name="迟五")
    session.commit()
    ins = tokens("ins_op")
    assert listed(client, ins, status="dispatched") == {spread["ag1"].id, spread["ag2"].id}
    assert listed(client, ins, agency_id=c.agencies[1].org.id) == {spread["ag2"].id}
    assert listed(client, ins, overdue="true") == {late.id}
    assert listed(client, ins, overdue="false") == {late.id, spread["ag1"].id, spread["submitted"].id,
                                                    spread["ag2"].id}
    assert listed(client, ins, status="submitted", overdue="1") == {late.id}
    rows = client.get(URL, query_string={"overdue": "true"}, headers=ins).json["items"]
    assert rows[0]["sla"] == "overdue"


def test_pages_of_the_list(client, tokens, spread):
    body = client.get(URL, query_string={"per_page": 1, "page": 2}, headers=tokens("mia_admin")).json
    assert (len(body["items"]), body["page"], body["per_page"], body["total"], body["pages"]) == (1, 2, 1, 4, 4)


def test_bad_query_parameters_are_named(client, tokens, spread):
    response = client.get(URL, query_string={"status": "lost", "per_page": 101, "page": "x", "overdue": "maybe",
                                             "agency_id": "-1"}, headers=tokens("ins_op"))
    assert response.status_code == 400
    assert set(response.json["fields"]) == {"status", "per_page", "page", "overdue", "agency_id"}
    for odd in ("²", "1" * 5000, "1.0", " 1"):
        response = client.get(URL, query_string={"page": odd}, headers=tokens("ins_op"))
        assert (response.status_code, set(response.json["fields"])) == (400, {"page"}), odd


def test_the_detail_is_404_outside_the_scope(client, tokens, spread):
    ag1 = spread["ag1"].id
    assert client.get(f"{URL}/{ag1}", headers=tokens("ins_op")).status_code == 200
    for username in ("ag2_admin", "pr_op", "pr2_op"):
        response = client.get(f"{URL}/{ag1}", headers=tokens(username))
        assert response.status_code == 404 and response.json["error"], username
    assert client.get(f"{URL}/{spread['provider'].id}", headers=tokens("ins_op")).status_code == 404
    assert client.get(f"{URL}/999999", headers=tokens("mia_admin")).status_code == 404
    assert client.get(f"{URL}/{ag1}", headers=tokens("pr_carer")).status_code == 403


def test_the_detail_of_a_publicized_application(client, session, tokens, c):
    app = wb.publicized_today(session, c)
    session.commit()
    body = client.get(f"{URL}/{app.id}", headers=tokens("ins_op")).json
    assert (body["status"], body["level"], body["level_name"]) == ("publicized", 3, "重度失能Ⅰ级")
    assert body["publicity_start"] <= wb.today().isoformat() <= body["publicity_end"]
    assert body["objection_until"] == body["publicity_end"] and body["version"] == app.version
    record = body["assessment"]
    assert {k: record[k] for k in ("adl_total", "cognition_total", "perception_total", "adl_grade",
                                   "cognition_grade", "perception_grade", "cp_grade", "level")} == {
        "adl_total": 0, "cognition_total": 16, "perception_total": 12, "adl_grade": 3, "cognition_grade": 0,
        "perception_grade": 0, "cp_grade": 0, "level": 3}
    assert record["ruleset"] == "CN-2021-37" and record["items"] == ab.ITEMS_BY_LEVEL[3]
    assert [s["name"] for s in record["signatures"]] == ["ag1_e1", "ag1_a"]
    assert [(x["name"], x["on_site"]) for x in body["confirmations"]] == [("ag1_e2", False), ("ag1_e3", False)]
    assert [a["name"] for a in body["visit"]["assessors"]] == ["ag1_e1", "ag1_a"]
    assert [e["action"] for e in body["events"]] == [
        "file", "accept", "dispatch", "schedule", "declare_recusal", "declare_recusal", "enter_assessment", "cosign",
        "confirm_first", "confirm", "publicize"]
    assert body["events"][-1]["to_status"] == "publicized" and body["events"][0]["actor"]["name"] == "ins_op"
    assert [n["number"][:4] for n in body["notices"]] == ["ACC-", "CON-"]   # the conclusion notice on confirmation
    assert body["person"]["id_number"].count("*") == 10 and body["applicant"]["phone"].count("*") == 4


@pytest.mark.usefixtures("real_pdf")  # the conclusion notice rendered by WeasyPrint, end to end
def test_notices_of_a_concluded_application_download_as_issued(client, session, tokens, c):
    concluded = wb.publicized_today(session, c, level=2)  # below the threshold: concluded on confirmation
    other = wb.accepted(session, c)
    session.commit()
    render_pending(using(session), take_issued(session))  # their PDFs, as after the requests that issued them
    body = client.get(f"{URL}/{concluded.id}", headers=tokens("ins_op")).json
    assert (body["status"], body["level_name"]) == ("concluded", "中度失能")
    assert [n["kind"] for n in body["notices"]] == ["acceptance", "conclusion"]
    issued = notices_for(session, "application", concluded.id)[1]
    download = client.get(body["notices"][1]["download_url"], headers=tokens("ins_op"))
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == issued.content and download.data.startswith(b"%PDF")
    assert "评估结论通知书" in pdf_text(download.data) and issued.number in pdf_text(download.data)
    foreign = notices_for(session, "application", other.id)[0]
    wrong = client.get(f"{URL}/{concluded.id}/notices/{foreign.id}.pdf", headers=tokens("ins_op"))
    assert wrong.status_code == 404
    hidden = client.get(body["notices"][1]["download_url"], headers=tokens("ag2_admin"))
    assert hidden.status_code == 404


def test_every_application_route_is_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/api/v1/applications"]) == {"get"}
    assert set(paths["/api/v1/applications/{application_id}"]) == {"get"}
    assert set(paths["/api/v1/applications/{application_id}/assessment"]) == {"post"}
    assert set(paths["/api/v1/applications/{application_id}/assessment/cosign"]) == {"post"}
    assert set(paths["/api/v1/applications/{application_id}/notices/{notice_id}.pdf"]) == {"get"}
