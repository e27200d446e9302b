"""Odd input on the settlement pages and the trial page (a 500 is a bug): month query strings, unknown
ids, another provider's settlement (404), a second regeneration while one is queued (a clear message)."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.billing.models import Settlement
from ltc.policy.ref import seed_ref
from ltc.scheduler.models import JobRun
from tests.builders import user
from tests.conftest import NOW, login
from tests.settlement_builders import example_special, generate
from tests.stay_builders import resident

JANUARY = date(2026, 1, 1)
ODD_MONTHS = ["", "2026", "2026-13", "2026-00", "2026-1", "9999-12", "0000-01", "0001-01", "10000-01", "2026-06-01",
              "２０２６-０６", "2026-06%00", "-1-01", "2026-06 ", "x" * 300]


@pytest.fixture
def draft(session, world):
    hospital, _patient = example_special(session)
    user(session, hospital, "hosp_op", "operator")
    settlement = session.get(Settlement, generate(session, hospital, JANUARY).settlement_id)
    session.commit()
    return settlement


@pytest.mark.parametrize("month", ODD_MONTHS)
def test_the_settlement_list_takes_any_month_string(client, draft, month):
    login(client, "hosp_op")
    response = client.get("/settlements/", query_string={"month": month, "status": month, "page": month})
    assert response.status_code in (200, 400)


def test_unknown_and_other_providers_settlements_are_404(client, draft):
    login(client, "pr_op")   # the world provider's operator: the hospital's settlement is not in its scope
    assert client.get(f"/settlements/{draft.id}").status_code == 404
    assert client.post(f"/settlements/{draft.id}/regenerate").status_code == 404
    assert client.get("/settlements/999999").status_code == 404
    assert client.post("/settlements/999999/regenerate").status_code == 404
    assert client.get(f"/settlements/{2**63}").status_code == 404


def test_a_second_regeneration_while_one_is_queued_says_so_and_queues_nothing(client, session, draft):
    login(client, "hosp_op")
    assert client.post(f"/settlements/{draft.id}/regenerate").status_code == 302
    again = client.post(f"/settlements/{draft.id}/regenerate", follow_redirects=True)
    assert again.status_code == 200 and "已在排队或处理中" in again.get_data(as_text=True)
    assert len(session.scalars(select(JobRun).where(JobRun.job_id == "settlement_regeneration")).all()) == 1


@pytest.fixture
def seeded(session, world):
    seed_ref(session, now=NOW)
    session.commit()
    return world


@pytest.mark.parametrize("month", ODD_MONTHS)
def test_the_trial_prefill_takes_any_month_string(client, session, seeded, month):
    person = resident(session, seeded)
    session.commit()
    login(client, "pr2_op")
    response = client.get("/billing/trial/", query_string={"person_id": person.id, "month": month})
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize("person_id", ["0", "-1", "999999", str(2**31), str(2**63), "abc", "1.5", ""])
def test_the_trial_prefill_takes_any_person_id(client, seeded, person_id):
    login(client, "pr2_op")
    response = client.get("/billing/trial/", query_string={"person_id": person_id, "month": "2026-04"})
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize("scenario", ["", "null", "[]", "1", '"x"', "{", '{"month": "9999-12"}', "{}" * 50,
                                      '{"month": "2026-13", "person": {}}', "\x00"])
def test_the_trial_pricing_takes_any_scenario(client, seeded, scenario):
    login(client, "pr2_op")
    response = client.post("/billing/trial/", data={"scenario": scenario})
    assert response.status_code in (200, 400, 409, 422)
