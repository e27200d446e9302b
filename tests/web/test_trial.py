"""The 试算 page (issue 11 point 2): the example priced, a real beneficiary-month pre-filled in the
user's scope (404 otherwise), refusals shown on the form, both languages, who may open it."""
import json
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest

from ltc.core.periods import add_period
from ltc.policy.ref import seed_ref
from ltc.providers.models import ProviderPricePeriod
from tests.compliance_db_builders import stay
from tests.conftest import NOW, login
from tests.stay_builders import resident

URL = "/billing/trial/"


@pytest.fixture
def seeded(session, world):
    seed_ref(session, now=NOW)
    session.commit()
    return world


def scenario_of(page: str) -> dict:
    text = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)
    return json.loads(unescape(text))


def test_page_shows_the_example_and_prices_it(client, seeded):
    login(client, "pr_op")
    page = client.get(URL).data.decode()
    assert "结算试算" in page and scenario_of(page)["month"] == "2026-04"
    r = client.post(URL, data={"scenario": json.dumps(scenario_of(page))})
    page = r.data.decode()
    assert r.status_code == 200
    assert 'data-testid="line-billable">990.00' in page and 'data-testid="line-fund">693.00' in page
    assert "机构护理" in page and "住院期间服务 × 2" in page and "2026-04-25" in page


def test_page_in_english(client, seeded):
    login(client, "ins_op")
    client.post("/lang/en", data={"next": "/"})
    page = client.get(URL).data.decode()
    r = client.post(URL, data={"scenario": json.dumps(scenario_of(page))})
    page = r.data.decode()
    assert "Trial calculation" in page and "Billable" in page and "Co-payment" in page
    assert "结算试算" not in page and "计费明细" not in page


@pytest.mark.parametrize("username, status", [
    ("mia_admin", 200), ("mia_op", 200), ("ins_rev", 200), ("pr_op", 200), ("pr2_op", 200),
    ("ins_admin", 403), ("pr_admin", 403), ("pr_carer", 403), ("ag_admin", 403)])
def test_who_may_open_the_page(client, seeded, username, status):
    login(client, username)
    assert client.get(URL).status_code == status


def test_the_menu_links_the_page_for_those_who_may_use_it(client, seeded):
    login(client, "pr_op")
    assert URL in client.get("/").data.decode()


@pytest.mark.parametrize("scenario, status, words", [
    ("{not json", 400, "invalid JSON"),
    (json.dumps({"month": "2026-04"}), 400, "person: required"),
    (None, 422, "visits[0] 场景没有居家、巡护或亲情照护待遇，不能有上门服务")])
def test_refusals_are_shown_on_the_form(client, seeded, scenario, status, words):
    login(client, "pr_op")
    if scenario is None:
        example = scenario_of(client.get(URL).data.decode())
        example["visits"] = [{"carer": "c1", "carer_staff_type": "nurse", "start": "2026-04-02T09:00:00+08:00",
                              "end": "2026-04-02T10:00:00+08:00", "planned_minutes": 60, "items": ["SH01"]}]
        scenario = json.dumps(example)
    r = client.post(URL, data={"scenario": scenario})
    assert r.status_code == status
    assert words in unescape(r.data.decode())


def test_prefilled_from_a_real_beneficiary_month(client, session, seeded):
    person = resident(session, seeded)
    stay(session, person, seeded.provider2, date(2026, 4, 11), leaves=[(date(2026, 4, 20), date(2026, 4, 22))])
    add_period(session, ProviderPricePeriod, org_id=seeded.provider2.id, daily_price=Decimal("58.00"),
               valid_from=date(2025, 1, 1))
    session.commit()
    login(client, "pr2_op")
    page = client.get(URL, query_string={"person_id": person.id, "month": "2026-04"}).data.decode()
    scenario = scenario_of(page)
    assert scenario["stays"] == [{"admission": "2026-04-11", "discharge": None}]
    assert scenario["leaves"] == [{"out": "2026-04-20", "back": "2026-04-22"}]
    assert scenario["entitlements"][0]["care_type"] == "institution"
    assert scenario["provider"]["facility_grade"] == "nursing_home"
    assert scenario["provider"]["daily_price"] == "58.00"
    r = client.post(URL, data={"scenario": json.dumps(scenario)})
    page = r.data.decode()
    assert r.status_code == 200, page
    # level 4 employee: 20 bed-days at min(58, 55), the short leave payable; fund 75 %
    assert 'data-testid="line-billable">1100.00' in page and 'data-testid="line-fund">825.00' in page


@pytest.mark.parametrize("username", ["pr_op", "ag_admin"])
def test_a_beneficiary_month_outside_the_scope_is_404(client, session, seeded, username):
    person = resident(session, seeded)
    session.commit()
    login(client, username)
    r = client.get(URL, query_string={"person_id": person.id, "month": "2026-04"})
    assert r.status_code == (404 if username == "pr_op" else 403)
