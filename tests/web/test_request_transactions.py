"""Which requests may write (issue #9): non-GET methods and the GETs marked ``@records_view`` begin
their transactions with SQLite's write lock; every other GET writes nothing. An API token's use is
recorded at most once a minute."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from ltc.auth.models import ApiToken
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.web.transactions import request_may_write
from tests.conftest import login
from tests.people_builders import person
from tests.web.test_api_core import token_for


@pytest.mark.parametrize("method, path, writes", [
    ("GET", "/people/", False),
    ("GET", "/people/1", True),            # the audited full view of a person
    ("GET", "/people/1/edit", True),       # the form shows full values: audited
    ("GET", "/people/id-collisions", True),
    ("GET", "/notices/1.pdf", True),
    ("GET", "/assessment/documents/1", True),
    ("GET", "/api/v1/persons", False),
    ("GET", "/api/v1/persons/1", True),
    ("GET", "/api/v1/applications/1/notices/2.pdf", True),
    ("GET", "/api/v1/reviews/1", False),
    ("HEAD", "/people/", False),
    ("POST", "/api/v1/persons", True),
    ("POST", "/api/v1/reviews/1/decision", True),
    ("POST", "/login", True),
    ("GET", "/no-such-page", False),
])
def test_requests_that_may_write_are_the_non_get_ones_and_the_audited_views(app, method, path, writes):
    with app.test_request_context(path, method=method):
        assert request_may_write() is writes


@contextmanager
def writes_made():
    """The INSERT, UPDATE and DELETE statements sent to the database inside the block."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, _params, _context, _many):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def test_a_tokens_use_is_recorded_at_most_once_a_minute(client, session, world, monkeypatch):
    person(session, 1)
    session.commit()
    headers = {"Authorization": f"Bearer {token_for(client, 'ins_op')}"}
    first = utcnow()
    monkeypatch.setattr("ltc.auth.web.utcnow", lambda: first)
    assert client.get("/api/v1/persons", headers=headers).status_code == 200
    row = session.scalars(select(ApiToken)).one()
    session.refresh(row)
    assert row.last_used_at == first
    monkeypatch.setattr("ltc.auth.web.utcnow", lambda: first + timedelta(seconds=59))
    with writes_made() as writes:
        assert client.get("/api/v1/persons", headers=headers).status_code == 200
    assert writes == []  # a plain read within the minute writes nothing
    session.refresh(row)
    assert row.last_used_at == first
    monkeypatch.setattr("ltc.auth.web.utcnow", lambda: first + timedelta(seconds=60))
    assert client.get("/api/v1/persons", headers=headers).status_code == 200
    session.refresh(row)
    assert row.last_used_at == first + timedelta(seconds=60)


def test_a_tokens_use_is_recorded_on_a_plain_read_too(client, session, world):
    headers = {"Authorization": f"Bearer {token_for(client, 'ins_op')}"}
    assert client.get("/api/v1/persons", headers=headers).status_code == 200
    assert session.scalars(select(ApiToken.last_used_at)).one() is not None


@pytest.mark.parametrize("path", ["/", "/people/", "/people/?q=张", "/reviews/", "/reviews/all", "/assessment/",
                                  "/assessment/publicity", "/entitlements/", "/admin/audit/", "/admin/jobs/",
                                  "/policy/"])
def test_plain_pages_write_nothing(client, session, world, path):
    person(session, 1)
    session.commit()
    login(client, "mia_admin")
    with writes_made() as writes:
        status = client.get(path).status_code
    assert status in (200, 302, 403) and writes == [], status


def test_the_audited_view_of_a_person_writes_its_audit_row(client, session, world):
    p = person(session, 1)
    session.commit()
    headers = {"Authorization": f"Bearer {token_for(client, 'ins_op')}"}
    client.get("/api/v1/persons", headers=headers)  # the token's use is recorded here
    with writes_made() as writes:
        assert client.get(f"/api/v1/persons/{p.id}", headers=headers).status_code == 200
    assert [w.split()[2] for w in writes] == ["audit_log"]
