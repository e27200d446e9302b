"""Concurrent users on a committed database, with real threads, each its own client (issue #9):
no request fails with a server error, the loser of a decision race gets the 409 naming who and
when (API and page), two creations of the same person give one 201 and one 409.

The threads cannot see the per-test rolled-back transaction: the module builds its own app on a
fresh database of the same kind as the suite's (a temporary SQLite file; on PostgreSQL a database
created on the test server and dropped afterwards).
"""
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from ltc.auth.services import issue_token
from ltc.core.audit import Actor
from ltc.extensions import db
from ltc.people.models import InsuredPerson
from ltc.reviews.registry import Parties
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import NOW
from tests.live import live_app, together
from tests.people_builders import id_number, person
from tests.web.test_review_pages import open_case, publish

RACES = 3


def _populate(session) -> dict:
    w = builders.world(session)
    second = builders.user(session, w.provider, "pr_rev2", "reviewer")
    first = builders.user(session, w.provider, "pr_rev", "reviewer")
    publish(session, Actor(w.users["mia_rev"].id, w.mia.id, "mia_rev"))
    people = [person(session, n, name=f"并发{n}") for n in range(1, 6)]
    cases = [open_case(session, 9100 + n, Parties(people[0].id, w.provider.id, w.agency.id),
                       Actor(None, w.mia.id, "setup")) for n in range(2 * RACES)]
    tokens = {u.username: issue_token(session, u, now=NOW) for u in (first, second, w.users["mia_op"])}
    return {"people": [p.id for p in people], "cases": [c.id for c in cases], "tokens": tokens}


@pytest.fixture(scope="module")
def live(app):
    yield from live_app(app, _populate)


def _bearer(data, username):
    return {"Authorization": f"Bearer {data['tokens'][username]}"}


def test_mixed_reads_and_writes_never_fail(live):
    live_app, data = live
    acknowledged, statuses = [], Counter()

    def client_loop(n):
        client, headers = live_app.test_client(), _bearer(data, "mia_op")
        for i in range(12):
            pid = data["people"][i % len(data["people"])]
            for response in (client.get(f"/api/v1/persons/{pid}", headers=headers),
                             client.get("/api/v1/persons?q=并发", headers=headers),
                             client.post("/api/v1/persons", headers=headers, json={
                                 "id_number": id_number(i, birth=date(1960, 1, 1 + n)), "name": "并发新人",
                                 "district": "东城区"})):
                statuses[response.status_code] += 1
                if response.status_code == 201:
                    acknowledged.append(response.json["id"])

    together(*[lambda n=n: client_loop(n) for n in range(6)])
    assert statuses == Counter({200: 6 * 12 * 2, 201: 6 * 12})
    with live_app.app_context():
        stored = set(db.session.scalars(select(InsuredPerson.id).where(InsuredPerson.id.in_(acknowledged))))
        db.session.remove()
    assert stored == set(acknowledged) and len(stored) == 6 * 12


def _decide_api(live_app, data, username, case_id):
    return live_app.test_client().post(f"/api/v1/reviews/{case_id}/decision", headers=_bearer(data, username),
                                       json={"decision": "approve", "version": 1})


@pytest.mark.parametrize("race", range(RACES))
def test_the_loser_of_an_api_decision_race_gets_409_naming_who_and_when(live, race):
    live_app, data = live
    case_id = data["cases"][race]
    first, second = together(lambda: _decide_api(live_app, data, "pr_rev", case_id),
                              lambda: _decide_api(live_app, data, "pr_rev2", case_id))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    winner, loser = ("pr_rev", second) if first.status_code == 200 else ("pr_rev2", first)
    assert loser.json["error"].startswith(f"此案件已被 {winner} 于 ")
    assert loser.json["error"].endswith(" 修改，请刷新后重试") and loser.json["fields"] == {"version": "已被他人修改"}


def _decide_page(live_app, username, case_id):
    client = live_app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client.post(f"/reviews/{case_id}/decision", data={"decision": "approve", "reason_code": "",
                                                              "reason_text": "", "expected_version": "1"})


@pytest.mark.parametrize("race", range(RACES))
def test_the_loser_of_a_page_decision_race_sees_409_naming_who_and_when(live, race):
    live_app, data = live
    case_id = data["cases"][RACES + race]
    first, second = together(lambda: _decide_page(live_app, "pr_rev", case_id),
                              lambda: _decide_page(live_app, "pr_rev2", case_id))
    assert sorted([first.status_code, second.status_code]) == [302, 409]
    winner, loser = ("pr_rev", second) if first.status_code == 302 else ("pr_rev2", first)
    assert f"此案件已被 {winner} 于 " in loser.get_data(as_text=True)


@pytest.mark.parametrize("race", range(RACES))
def test_creating_the_same_person_twice_at_once_gives_201_and_409(live, race):
    live_app, data = live
    body = {"id_number": id_number(race, birth=date(1961, 1, 1)), "name": "同一人", "district": "东城区"}
    responses = together(*[lambda: live_app.test_client().post("/api/v1/persons", json=body,
                                                                 headers=_bearer(data, "mia_op"))] * 2)
    assert sorted(r.status_code for r in responses) == [201, 409]
    [refused] = [r for r in responses if r.status_code == 409]
    assert "id_number" in refused.json["fields"] and "身份证号" in refused.json["error"]
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InsuredPerson)
                                 .where(InsuredPerson.id_number == body["id_number"])) == 1
        db.session.remove()
