"""The carers' API (SPEC §5.4, §6; issue 10 point 4): my visits today, check-in, check-out, the
offline batch; every write needs an Idempotency-Key, answers 201 with its findings (explained in
the request's language), an exact duplicate is 409 linking the stored visit; a carer acts only as
itself for its own beneficiaries, an operator for its provider's carers."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ltc.api.idempotency import HEADER
from ltc.providers.catalogue.services import items_by_code
from ltc.providers.records import checks
from ltc.providers.records.models import BeneficiaryCarer, Visit
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import NOW
from tests.people_builders import person

from tests.visit_builders import FakeFinding, home_care, home_plan, shanghai

DAY = NOW.date()  # Monday 2026-03-16; the API's clock is NOW (10:00 in Shanghai)
CHECK_IN = "/api/v1/carer/visits/check-in"
BATCH = "/api/v1/carer/visits/batch"


@pytest.fixture
def seen(monkeypatch):
    """A stand-in entry-time checker: one finding per visit without a GPS point; records what it saw."""
    calls = []

    def checker(session, kind, record, *, now):
        calls.append((record.id, now))
        if record.check_in_lat is not None:
            return []
        return [FakeFinding("V01", "FLAG", "已提交申请 %(number)s", {"number": "A1"}, {"metres": 301})]

    monkeypatch.setattr(checks, "_checkers", [checker])
    return calls


@pytest.fixture
def api(client, session, world, seen, monkeypatch):
    monkeypatch.setattr("ltc.providers.records.api.utcnow", lambda: NOW)
    hc = home_care(session, world)
    session.add(BeneficiaryCarer(provider_id=world.provider.id, person_id=hc.person.id, carer_id=hc.carer.id))
    session.commit()
    tokens: dict[str, str] = {}

    def call(method: str, url: str, username: str = "pr_carer", key: str | None = None, **kw):
        if username not in tokens:
            tokens[username] = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}
                                           ).json["token"]
        headers = {"Authorization": f"Bearer {tokens[username]}", **kw.pop("headers", {})}
        if key is not None:
            headers[HEADER] = key
        return getattr(client, method)(url, headers=headers, **kw)
    call.hc = hc
    return call


def visits(session) -> int:
    return session.scalar(select(func.count()).select_from(Visit))


def sh(hour: int, minute: int = 0, day=DAY) -> str:
    return shanghai(day, hour, minute).isoformat()


def items(session, *codes) -> list[int]:
    return [i.id for i in items_by_code(session, codes).values()]


def offline(session, api, hour: int, **extra) -> dict:
    return {"person_id": api.hc.person.id, "check_in_at": sh(hour), "check_out_at": sh(hour + 1),
            "item_ids": items(session, "SH01"), **extra}


def test_a_check_in_answers_201_with_the_visit_and_its_findings(api, session, seen):
    r = api("post", CHECK_IN, key="a1", json={"person_id": api.hc.person.id, "at": "2026-03-16T01:05:00Z",
                                              "device_id": "pad-1"})
    assert r.status_code == 201, r.json
    visit = r.json["visit"]
    assert (visit["status"], visit["carer_id"], visit["check_in_at"]) == ("in_progress", api.hc.carer.id,
                                                                          "2026-03-16T09:05:00+08:00")
    assert visit["service_date"] == "2026-03-16" and r.headers["Location"] == visit["url"]
    assert r.json["findings"] == [{"rule": "V01", "severity": "FLAG", "explanation": "已提交申请 A1",
                                   "evidence": {"metres": 301}}]
    stored = session.get(Visit, visit["id"])
    assert (stored.source, stored.uploaded_at, stored.device_id) == ("api", NOW, "pad-1")


def test_findings_are_explained_in_the_requests_language(api):
    r = api("post", CHECK_IN, key="a2", json={"person_id": api.hc.person.id, "at": sh(9)},
            headers={"Accept-Language": "en-US,en;q=0.9"})
    assert r.json["findings"][0]["explanation"] == "Application A1 submitted"


def test_a_check_out_answers_201_with_the_items_minutes_and_findings(api, session):
    visit_id = api("post", CHECK_IN, key="b1", json={"person_id": api.hc.person.id, "at": sh(9), "lat": 39.9,
                                                     "lon": 116.4}).json["visit"]["id"]
    r = api("post", f"/api/v1/carer/visits/{visit_id}/check-out", key="b2",
            json={"at": sh(9, 50), "item_ids": items(session, "SH01", "SH02"), "notes": "顺利", "photo_hash": "f00"})
    assert r.status_code == 201, r.json
    assert (r.json["visit"]["status"], r.json["visit"]["actual_minutes"]) == ("done", 50)
    assert r.json["visit"]["item_ids"] == sorted(items(session, "SH01", "SH02")) and r.json["findings"] == []


def test_a_write_without_idempotency_key_is_400_naming_the_header(api, session):
    r = api("post", CHECK_IN, json={"person_id": api.hc.person.id, "at": sh(9)})
    assert r.status_code == 400 and r.json["fields"] == {HEADER: "必填"} and HEADER in r.json["error"]
    assert api("post", BATCH, json={"visits": [offline(session, api, 9)]}).status_code == 400
    assert visits(session) == 0


def test_a_retry_returns_the_first_response_without_a_second_visit(api, session, seen):
    body = {"person_id": api.hc.person.id, "at": sh(9)}
    first = api("post", CHECK_IN, key="c1", json=body)
    again = api("post", CHECK_IN, key="c1", json=body)
    assert (again.status_code, again.json) == (201, first.json) and visits(session) == 1 and len(seen) == 1


def test_the_same_key_with_another_body_is_422(api, session):
    api("post", CHECK_IN, key="d1", json={"person_id": api.hc.person.id, "at": sh(9)})
    r = api("post", CHECK_IN, key="d1", json={"person_id": api.hc.person.id, "at": sh(9, 1)})
    assert r.status_code == 422 and r.json["fields"] == {HEADER: "已用于另一个请求"}
    assert visits(session) == 1


@pytest.mark.parametrize("body, field", [
    ({"at": "2026-03-16T09:00:00"}, "at"),                    # naive: the device's zone is unknown
    ({"at": "2026-03-16 09:00"}, "at"),
    ({"at": "2026-03-16T09:00:00+08:00", "lat": 91, "lon": 116}, "lat"),
    ({"at": "2026-03-16T09:00:00+08:00", "person_id": "7"}, "person_id"),
    ({"at": "2026-03-16T09:00:00+08:00", "shoe_size": 42}, "shoe_size"),
    ({"at": "2026-03-16T09:00:00+08:00", "device_id": ""}, "device_id"),
])
def test_shape_errors_are_400_naming_the_field_and_store_nothing(api, session, body, field):
    r = api("post", CHECK_IN, key="e1", json={"person_id": api.hc.person.id, **body})
    assert r.status_code == 400 and field in r.json["fields"], r.json
    assert visits(session) == 0


def test_a_naive_time_names_the_missing_offset(api):
    r = api("post", CHECK_IN, key="e2", json={"person_id": api.hc.person.id, "at": "2026-03-16T09:00:00"})
    assert "offset" in r.json["fields"]["at"]


def test_an_exact_duplicate_is_409_linking_the_stored_visit(api, session):
    body = {"person_id": api.hc.person.id, "at": sh(9), "device_id": "pad-1"}
    first = api("post", CHECK_IN, key="f1", json=body)
    r = api("post", CHECK_IN, key="f2", json=body)
    assert r.status_code == 409 and r.json["fields"] == {"visit": first.json["visit"]["url"]}
    assert str(first.json["visit"]["id"]) in r.json["error"] and visits(session) == 1
    stored = api("get", r.json["fields"]["visit"])
    assert stored.status_code == 200 and stored.json == {"visit": first.json["visit"], "findings": []}


def test_a_visits_page_shows_its_stored_findings(api, monkeypatch):
    visit = api("post", CHECK_IN, key="f3", json={"person_id": api.hc.person.id, "at": sh(9)}).json["visit"]
    stored = FakeFinding("V12", "FLAG", "已提交申请 %(number)s", {"number": "B2"}, {"hours": 73})
    monkeypatch.setattr(checks, "_readers", [lambda session, refs: [stored] if ("visit", visit["id"]) in refs
                                             else []])
    r = api("get", visit["url"], headers={"Accept-Language": "en"})
    assert r.json["findings"] == [{"rule": "V12", "severity": "FLAG", "explanation": "Application B2 submitted",
                                   "evidence": {"hours": 73}}]


def test_the_same_start_with_other_differences_is_stored_naming_the_earlier_visit(api, session):
    first = api("post", CHECK_IN, key="g1", json={"person_id": api.hc.person.id, "at": sh(9), "device_id": "a"})
    second = api("post", CHECK_IN, key="g2", json={"person_id": api.hc.person.id, "at": sh(9), "device_id": "b"})
    assert second.status_code == 201 and second.json["same_start_as"] == first.json["visit"]["id"]


def test_an_offline_batch_is_checked_in_check_in_order_each_as_of_its_check_in(api, session, seen):
    stored = api("post", BATCH, key="h0", json={"visits": [offline(session, api, 8)]}).json["results"][0]
    body = {"visits": [offline(session, api, 15), offline(session, api, 9, check_in_lat=39.9, check_in_lon=116.4),
                       offline(session, api, 8),                                  # an exact duplicate
                       {**offline(session, api, 11), "check_in_at": "2026-03-16T11:00:00"}]}  # naive
    r = api("post", BATCH, key="h1", json=body)
    assert r.status_code == 200, r.json
    results = r.json["results"]
    assert [x["index"] for x in results] == [0, 1, 2, 3]
    assert [x["status"] for x in results] == [201, 201, 409, 400]
    assert results[0]["findings"][0]["rule"] == "V01" and results[1]["findings"] == []
    assert results[2]["fields"] == {"visit": stored["visit"]["url"]}
    assert "visits[3].check_in_at" in results[3]["fields"]
    # the checker saw the 09:00 visit before the 15:00 one, each as of its check-in
    assert seen[1:] == [(results[1]["visit"]["id"], shanghai(DAY, 9)), (results[0]["visit"]["id"], shanghai(DAY, 15))]
    assert {v.source for v in session.scalars(select(Visit))} == {"offline"} and visits(session) == 3


@pytest.mark.parametrize("body, field", [({"visits": []}, "visits"), ({"visits": "x"}, "visits"), ({}, "visits"),
                                         ({"visits": [{}] * 201}, "visits")])
def test_a_batch_that_is_not_a_list_of_visits_is_400_as_a_whole(api, session, body, field):
    r = api("post", BATCH, key="q1", json=body)
    assert r.status_code == 400 and field in r.json["fields"] and visits(session) == 0


def test_a_visit_of_a_batch_that_is_not_an_object_is_refused_alone(api, session):
    r = api("post", BATCH, key="q2", json={"visits": [7, offline(session, api, 9)]})
    assert [x["status"] for x in r.json["results"]] == [400, 201]
    assert r.json["results"][0]["fields"] == {"visits[0]": "must be an object"}


def test_a_check_in_after_midnight_in_shanghai_belongs_to_the_shanghai_date(api, session):
    r = api("post", CHECK_IN, key="q3", json={"person_id": api.hc.person.id, "at": "2026-03-15T16:30:00Z"})
    assert r.json["visit"]["service_date"] == "2026-03-16"
    assert r.json["visit"]["check_in_at"] == "2026-03-16T00:30:00+08:00"


def test_an_offline_batch_is_idempotent_by_its_key(api, session):
    body = {"visits": [offline(session, api, 9), offline(session, api, 14)]}
    first = api("post", BATCH, key="i1", json=body)
    again = api("post", BATCH, key="i1", json=body)
    assert (again.status_code, again.json) == (200, first.json) and visits(session) == 2


def test_a_refused_visit_of_a_batch_leaves_nothing_behind(api, session, world):
    stranger = person(session, 7, name="陌生人")
    session.commit()
    r = api("post", BATCH, key="j1", json={"visits": [offline(session, api, 9, person_id=stranger.id),
                                                       offline(session, api, 10)]})
    assert [x["status"] for x in r.json["results"]] == [404, 201] and visits(session) == 1


def test_my_visits_today_are_my_own_of_today_in_shanghai(api, session, world):
    hc = api.hc
    assert api("post", CHECK_IN, key="k1", json={"person_id": hc.person.id, "at": sh(9)}).status_code == 201
    assert api("post", CHECK_IN, "pr_op", key="k2", json={"person_id": hc.person.id, "at": sh(7),
                                                           "carer_id": hc.other_carer.id}).status_code == 201
    yesterday = DAY - timedelta(days=1)
    r = api("post", BATCH, key="k3", json={"visits": [{**offline(session, api, 9), "check_in_at": sh(9, day=yesterday),
                                                       "check_out_at": sh(10, day=yesterday)}]})
    assert r.json["results"][0]["status"] == 201 and visits(session) == 3
    mine = api("get", "/api/v1/carer/visits/today")
    assert mine.status_code == 200 and mine.json["date"] == "2026-03-16"
    assert [(v["carer_id"], v["check_in_at"]) for v in mine.json["items"]] == [(hc.carer.id, sh(9))]
    assert mine.json["items"][0]["person_name"] == hc.person.name
    everyone = api("get", "/api/v1/carer/visits/today", "pr_op").json["items"]
    assert [v["carer_id"] for v in everyone] == [hc.other_carer.id, hc.carer.id]
    one = api("get", f"/api/v1/carer/visits/today?carer_id={hc.other_carer.id}", "pr_op").json["items"]
    assert [v["carer_id"] for v in one] == [hc.other_carer.id]


def test_an_operator_checks_in_for_its_providers_carers_naming_one(api, session):
    r = api("post", CHECK_IN, "pr_op", key="l1", json={"person_id": api.hc.person.id, "at": sh(9)})
    assert r.status_code == 400 and r.json["fields"] == {"carer_id": "必填"}
    r = api("post", CHECK_IN, "pr_op", key="l2", json={"person_id": api.hc.person.id, "at": sh(9),
                                                       "carer_id": api.hc.other_carer.id})
    assert r.status_code == 201 and r.json["visit"]["carer_id"] == api.hc.other_carer.id


def test_a_carer_acts_only_as_itself_for_its_own_beneficiaries(api, session, world):
    hc = api.hc
    r = api("post", CHECK_IN, key="m1", json={"person_id": hc.person.id, "at": sh(9), "carer_id": hc.other_carer.id})
    assert r.status_code == 404 and visits(session) == 0
    stranger = person(session, 8, name="别人家")
    home_plan(session, world, stranger)
    session.commit()
    r = api("post", CHECK_IN, key="m2", json={"person_id": stranger.id, "at": sh(9)})
    assert r.status_code == 404 and visits(session) == 0
    session.add(BeneficiaryCarer(provider_id=world.provider.id, person_id=stranger.id, carer_id=hc.carer.id))
    session.commit()
    assert api("post", CHECK_IN, key="m3", json={"person_id": stranger.id, "at": sh(9)}).status_code == 201


def test_a_carer_cannot_check_out_or_see_another_carers_visit(api, session):
    theirs = api("post", CHECK_IN, "pr_op", key="n1", json={"person_id": api.hc.person.id, "at": sh(9),
                                                             "carer_id": api.hc.other_carer.id}).json["visit"]
    r = api("post", f"/api/v1/carer/visits/{theirs['id']}/check-out", key="n2",
            json={"at": sh(10), "item_ids": items(session, "SH01")})
    assert r.status_code == 404 and session.get(Visit, theirs["id"]).status == "in_progress"
    assert api("get", theirs["url"]).status_code == 404
    assert api("get", theirs["url"], "pr_op").status_code == 200


def test_other_providers_and_other_organisations_are_refused(api, session, world):
    visit = api("post", CHECK_IN, key="o1", json={"person_id": api.hc.person.id, "at": sh(9)}).json["visit"]
    r = api("post", f"/api/v1/carer/visits/{visit['id']}/check-out", "pr2_op", key="o2",
            json={"at": sh(10), "item_ids": items(session, "SH01")})
    assert r.status_code == 404
    assert api("get", visit["url"], "pr2_op").status_code == 404
    r = api("post", CHECK_IN, "pr2_op", key="o3", json={"person_id": api.hc.person.id, "at": sh(9),
                                                        "carer_id": api.hc.carer.id})
    assert r.status_code == 404
    assert api("post", CHECK_IN, "ins_op", key="o4", json={"person_id": api.hc.person.id, "at": sh(9)}
               ).status_code == 403
    assert api("get", "/api/v1/carer/visits/today", "mia_admin").status_code == 403


def test_a_carer_login_outside_the_register_is_403(api, session, world):
    builders.user(session, world.provider, "pr_carer2", "carer")
    session.commit()
    r = api("post", CHECK_IN, "pr_carer2", key="p1", json={"person_id": api.hc.person.id, "at": sh(9)})
    assert r.status_code == 403 and visits(session) == 0


def test_the_carer_routes_are_in_the_openapi_document_with_the_key_required(api):
    paths = api("get", "/api/v1/openapi.json").json["paths"]
    for path in (CHECK_IN, BATCH, "/api/v1/carer/visits/{visit_id}/check-out"):
        header = next(p for p in paths[path]["post"]["parameters"] if p["in"] == "header")
        assert header["name"] == HEADER and header["required"] is True
    assert "/api/v1/carer/visits/today" in paths
