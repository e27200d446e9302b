"""Concurrent users on a committed database, with real threads, each its own client (issue #9):
no request fails with a server error, the loser of a decision race gets the 409 naming who and
when (API and page), two creations of the same person give one 201 and one 409.

The threads cannot see the per-test rolled-back transaction: the module builds its own app on a
fresh database of the same kind as the suite's (a temporary SQLite file; on PostgreSQL a database
created on the test server and dropped afterwards).
"""
import os
import shutil
import tempfile
import threading
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from ltc import create_app
from ltc.auth.services import issue_token
from ltc.config import TestConfig
from ltc.core.audit import Actor
from ltc.core.db import ensure_extensions
from ltc.extensions import db
from ltc.notices.pdf import RENDERER_SETTING
from ltc.people.models import InsuredPerson
from ltc.reviews.registry import Parties
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import NOW
from tests.pdf_double import tiny_pdf
from tests.people_builders import id_number, person
from tests.seed import seed_reference_data
from tests.web.test_review_pages import open_case, publish

RACES = 3


def _fresh_database(url: str):
    """(URL of a new empty database of the same kind, a function that drops it)."""
    if url.startswith("sqlite"):
        folder = tempfile.mkdtemp(prefix="ltc-live-")
        return f"sqlite:///{folder}/live.sqlite3", lambda: shutil.rmtree(folder, ignore_errors=True)
    name = f"ltc_live_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False), drop


def _populate(live_app) -> dict:
    session = db.session
    with db.engine.begin() as conn:
        ensure_extensions(conn)
    db.create_all()
    seed_reference_data(session, now=NOW)
    w = builders.world(session)
    second = builders.user(session, w.provider, "pr_rev2", "reviewer")
    first = builders.user(session, w.provider, "pr_rev", "reviewer")
    publish(session, Actor(w.users["mia_rev"].id, w.mia.id, "mia_rev"))
    people = [person(session, n, name=f"并发{n}") for n in range(1, 6)]
    cases = [open_case(session, 9100 + n, Parties(people[0].id, w.provider.id, w.agency.id),
                       Actor(None, w.mia.id, "setup")) for n in range(2 * RACES)]
    tokens = {u.username: issue_token(session, u, now=NOW) for u in (first, second, w.users["mia_op"])}
    session.commit()
    return {"people": [p.id for p in people], "cases": [c.id for c in cases], "tokens": tokens}


@pytest.fixture(scope="module")
def live(app):
    url, drop = _fresh_database(app.config["SQLALCHEMY_DATABASE_URI"])
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    live_app = create_app({**config, "SQLALCHEMY_DATABASE_URI": url, "PROPAGATE_TEST_ERRORS": False,
                           "WTF_CSRF_ENABLED": False, "API_CHECK_RESPONSES": False, RENDERER_SETTING: tiny_pdf})
    try:
        with live_app.app_context():
            data = _populate(live_app)
            db.session.remove()
        yield live_app, data
    finally:
        with live_app.app_context():
            db.engine.dispose()
        drop()


def _together(*calls):
    """Run the calls in threads released at once; their results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(n, call):
        barrier.wait(10)
        results[n] = call()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    return results


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

    _together(*[lambda n=n: client_loop(n) for n in range(6)])
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
    first, second = _together(lambda: _decide_api(live_app, data, "pr_rev", case_id),
                              lambda: _decide_api(live_app, data, "pr_rev2", case_id))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    winner, loser = ("pr_rev", second) if first.status_code == 200 else ("pr_rev2", first)
    assert loser.json["error"].startswith(f"此案件已被 {winner} 于 ")
    assert loser.json["error"].endswith(" 修改，请刷新后重试") and loser.json["fields"] == {"version": "stale"}


def _decide_page(live_app, username, case_id):
    client = live_app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client.post(f"/reviews/{case_id}/decision", data={"decision": "approve", "reason_code": "",
                                                              "reason_text": "", "expected_version": "1"})


@pytest.mark.parametrize("race", range(RACES))
def test_the_loser_of_a_page_decision_race_sees_409_naming_who_and_when(live, race):
    live_app, data = live
    case_id = data["cases"][RACES + race]
    first, second = _together(lambda: _decide_page(live_app, "pr_rev", case_id),
                              lambda: _decide_page(live_app, "pr_rev2", case_id))
    assert sorted([first.status_code, second.status_code]) == [302, 409]
    winner, loser = ("pr_rev", second) if first.status_code == 302 else ("pr_rev2", first)
    assert f"此案件已被 {winner} 于 " in loser.get_data(as_text=True)


@pytest.mark.parametrize("race", range(RACES))
def test_creating_the_same_person_twice_at_once_gives_201_and_409(live, race):
    live_app, data = live
    body = {"id_number": id_number(race, birth=date(1961, 1, 1)), "name": "同一人", "district": "东城区"}
    responses = _together(*[lambda: live_app.test_client().post("/api/v1/persons", json=body,
                                                                 headers=_bearer(data, "mia_op"))] * 2)
    assert sorted(r.status_code for r in responses) == [201, 409]
    [refused] = [r for r in responses if r.status_code == 409]
    assert "id_number" in refused.json["fields"] and "身份证号" in refused.json["error"]
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InsuredPerson)
                                 .where(InsuredPerson.id_number == body["id_number"])) == 1
        db.session.remove()
