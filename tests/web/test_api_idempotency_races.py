"""A retry storm (issue 10 point 4): the same write with the same Idempotency-Key sent ten times at
once, by real threads on a committed database of the suite's kind (SQLite WAL + BEGIN IMMEDIATE;
PostgreSQL, where the unique key decides) → exactly one write and ten identical responses, never
a 500 nor a 409."""
import pytest
from sqlalchemy import func, select

from ltc.api.idempotency import HEADER
from ltc.api.models import IdempotencyKey
from ltc.auth.services import issue_token
from ltc.extensions import db
from ltc.people.models import InsuredPerson
from tests import builders
from tests.conftest import NOW
from tests.live import live_app, together
from tests.people_builders import id_number

STORM = 10


def _populate(session) -> str:
    w = builders.world(session)
    return issue_token(session, w.users["mia_op"], now=NOW)


@pytest.fixture(scope="module")
def live(app):
    yield from live_app(app, _populate)


def storm(live_app, token: str, url: str, body: dict, key: str):
    headers = {"Authorization": f"Bearer {token}", HEADER: key}
    return together(*[lambda: live_app.test_client().post(url, json=body, headers=headers)] * STORM)


def test_ten_identical_person_creations_at_once_make_one_person_and_ten_identical_responses(live):
    live_app, token = live
    body = {"id_number": id_number(501), "name": "风暴", "district": "东城区"}
    responses = storm(live_app, token, "/api/v1/persons", body, "storm-person")
    assert [r.status_code for r in responses] == [201] * STORM, [r.get_data(as_text=True) for r in responses]
    assert all(r.json == responses[0].json for r in responses)
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InsuredPerson)
                                 .where(InsuredPerson.id_number == body["id_number"])) == 1
        assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
        db.session.remove()
