"""The carers' API for a visit outside any care plan (SPEC §6, issue 10): stored and answered 201
with its findings — E01 without an entitlement with the provider, V09 on items without a plan in
force — instead of refused; planned minutes from the entered value or the items' standard minutes."""
import pytest
from sqlalchemy import func, select

from ltc.api.idempotency import HEADER
from ltc.providers.catalogue.services import items_by_code, minutes_for
from ltc.providers.records.models import BeneficiaryCarer, Visit
from tests.builders import PASSWORD
from tests.conftest import NOW
from tests.people_builders import person
from tests.visit_builders import home_care, shanghai

DAY = NOW.date()
CHECK_IN = "/api/v1/carer/visits/check-in"
BATCH = "/api/v1/carer/visits/batch"


@pytest.fixture
def device(client, session, world, monkeypatch):
    """The carer's device and a person linked to the carer only (no entitlement, no plan)."""
    monkeypatch.setattr("ltc.providers.records.api.utcnow", lambda: NOW)
    hc = home_care(session, world)
    who = person(session, 8, district="东城区")
    session.add(BeneficiaryCarer(provider_id=world.provider.id, person_id=who.id, carer_id=hc.carer.id))
    session.commit()
    token = client.post("/api/v1/auth/token", json={"username": "pr_carer", "password": PASSWORD}).json["token"]

    def post(url: str, key: str, body: dict):
        return client.post(url, json=body, headers={"Authorization": f"Bearer {token}", HEADER: key})
    post.person = who
    return post


def _rules(answer: dict) -> set[str]:
    return {f["rule"] for f in answer["findings"]}


def test_a_check_in_without_an_entitlement_is_201_with_e01_and_its_entered_minutes(device, session):
    r = device(CHECK_IN, "np1", {"person_id": device.person.id, "at": shanghai(DAY, 9).isoformat(),
                                  "planned_minutes": 40})
    assert r.status_code == 201, r.json
    assert (r.json["visit"]["care_type"], r.json["visit"]["planned_minutes"]) == ("home", 40)
    assert "E01" in _rules(r.json)
    assert session.scalar(select(func.count()).select_from(Visit).where(Visit.person_id == device.person.id)) == 1


def test_an_offline_visit_without_a_plan_is_201_with_v09_and_its_items_standard_minutes(device, session):
    ids = [i.id for i in items_by_code(session, ("SH01", "SH02")).values()]
    r = device(BATCH, "np2", {"visits": [{"person_id": device.person.id, "check_in_at": shanghai(DAY, 8).isoformat(),
                                          "check_out_at": shanghai(DAY, 9).isoformat(), "item_ids": ids}]})
    [result] = r.json["results"]
    assert result["status"] == 201, result
    assert result["visit"]["planned_minutes"] == sum(minutes_for(session, ids, DAY).values())
    assert {"E01", "V09"} <= _rules(result)


def test_planned_minutes_and_care_type_are_checked_for_shape(device):
    r = device(CHECK_IN, "np3", {"person_id": device.person.id, "at": shanghai(DAY, 9).isoformat(),
                                  "planned_minutes": 0, "care_type": "special"})
    assert r.status_code == 400 and {"planned_minutes", "care_type"} <= set(r.json["fields"])
