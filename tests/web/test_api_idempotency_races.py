"""A retry storm (issue 10 point 4): the same write with the same Idempotency-Key sent ten times at
once, by real threads on a committed database of the suite's kind (SQLite WAL + BEGIN IMMEDIATE;
PostgreSQL, where the unique key decides) → exactly one write and ten identical responses, never
a 500 nor a 409."""
from datetime import date

import pytest
from sqlalchemy import func, select

from ltc.api.idempotency import HEADER, REPLAYED
from ltc.api.models import IdempotencyKey
from ltc.auth.services import issue_token
from ltc.extensions import db
from ltc.people.models import InsuredPerson
from ltc.providers.catalogue.services import items_by_code
from ltc.providers.records.models import BeneficiaryCarer, Visit
from tests import builders
from tests.conftest import NOW
from tests.live import live_app, together
from tests.people_builders import id_number
from tests.visit_builders import home_care

STORM = 10


def _populate(session) -> dict:
    w = builders.world(session)
    hc = home_care(session, w)
    session.add(BeneficiaryCarer(provider_id=w.provider.id, person_id=hc.person.id, carer_id=hc.carer.id))
    items = [i.id for i in items_by_code(session, ("SH01",)).values()]
    return {"person_id": hc.person.id, "items": items,
            "mia_op": issue_token(session, w.users["mia_op"], now=NOW),
            "pr_carer": issue_token(session, w.users["pr_carer"], now=NOW)}


@pytest.fixture(scope="module")
def live(app):
    yield from live_app(app, _populate)


def storm(live_app, token: str, url: str, body: dict, key: str) -> list:
    headers = {"Authorization": f"Bearer {token}", HEADER: key}
    return together(*[lambda: live_app.test_client().post(url, json=body, headers=headers)] * STORM)


def test_ten_identical_person_creations_at_once_make_one_person_and_ten_identical_responses(live):
    live_app, data = live
    body = {"id_number": id_number(5, birth=date(1961, 2, 3)), "name": "风暴", "district": "东城区"}
    responses = storm(live_app, data["mia_op"], "/api/v1/persons", body, "storm-person")
    assert [r.status_code for r in responses] == [201] * STORM, [r.get_data(as_text=True) for r in responses]
    assert all(r.json == responses[0].json for r in responses)
    assert sum(REPLAYED in r.headers for r in responses) == STORM - 1  # one ran the view, nine read its answer
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InsuredPerson)
                                 .where(InsuredPerson.id_number == body["id_number"])) == 1
        assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)
                                 .where(IdempotencyKey.key == "storm-person")) == 1
        db.session.remove()


def _identical(responses, status: int) -> None:
    assert [r.status_code for r in responses] == [status] * STORM, [r.get_data(as_text=True) for r in responses]
    assert all(r.json == responses[0].json for r in responses)
    assert sum(REPLAYED in r.headers for r in responses) == STORM - 1  # one ran the view, nine read its answer


def _visits(live_app, person_id: int) -> int:
    with live_app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Visit).where(Visit.person_id == person_id))
        db.session.remove()
    return count


def test_ten_identical_check_ins_at_once_make_one_visit_and_ten_identical_responses(live):
    live_app, data = live
    before = _visits(live_app, data["person_id"])
    body = {"person_id": data["person_id"], "at": "2026-03-16T09:00:00+08:00", "device_id": "storm"}
    responses = storm(live_app, data["pr_carer"], "/api/v1/carer/visits/check-in", body, "storm-check-in")
    _identical(responses, 201)
    assert _visits(live_app, data["person_id"]) == before + 1


def test_ten_identical_offline_batches_at_once_store_each_visit_once(live):
    live_app, data = live
    before = _visits(live_app, data["person_id"])
    body = {"visits": [{"person_id": data["person_id"], "check_in_at": f"2026-03-17T{hour:02d}:00:00+08:00",
                        "check_out_at": f"2026-03-17T{hour:02d}:59:00+08:00", "item_ids": data["items"]}
                       for hour in (14, 8, 10)]}
    responses = storm(live_app, data["pr_carer"], "/api/v1/carer/visits/batch", body, "storm-batch")
    _identical(responses, 200)
    assert [r["status"] for r in responses[0].json["results"]] == [201, 201, 201]
    assert _visits(live_app, data["person_id"]) == before + 3
