"""POST /api/v1/billing/trial (试算, issue 11 point 2): the worked example, every refusal naming its
field, who may call it, and that nothing is written."""
import copy

import pytest
from sqlalchemy import func, select

from ltc.billing.trial.services import EXAMPLE
from ltc.compliance.models import Finding
from ltc.policy.ref import seed_ref
from tests.builders import PASSWORD
from tests.conftest import NOW
from tests.pricing_builders import body, daily, entitlement, visit

URL = "/api/v1/billing/trial"


@pytest.fixture(autouse=True)
def english_api(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def api(client, session, world):
    seed_ref(session, now=NOW)
    session.commit()
    tokens: dict[str, str] = {}

    def call(json, username: str = "pr_op"):
        if username not in tokens:
            r = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            tokens[username] = r.json["token"]
        return client.post(URL, headers={"Authorization": f"Bearer {tokens[username]}"}, json=json)
    return call


def test_worked_example_institution_month(api, session):
    before = session.scalar(select(func.count()).select_from(Finding))
    r = api(EXAMPLE)
    assert r.status_code == 200, r.json
    assert r.json["lines"] == [{"care_type": "institution", "from": "2026-04-01", "to": "2026-05-01", "rate": "55.00",
                                "unit": "day", "payable_units": 18, "held": {}, "rejected": {"E08": 2},
                                "billable": "990.00", "ratio": "0.70", "fund": "693.00", "copay": "297.00"}]
    assert r.json["allowance"] is None
    assert [(f["rule"], f["severity"], f["date"], f["record"]) for f in r.json["findings"]] == [
        ("E08", "REJECT", "2026-04-25", "/stays/0"), ("E08", "REJECT", "2026-04-26", "/stays/0")]
    assert "hospital" in r.json["findings"][0]["explanation"].lower()
    assert r.json["not_evaluated"] == ["V06", "S01", "S02", "V12"]
    assert session.scalar(select(func.count()).select_from(Finding)) == before


def _spec_examples():
    short = [visit(daily(d)) for d in range(1, 31)]
    short[9] = visit(daily(10), 35, planned=60)
    return [
        (body("2026-01", "special", tags=["chronic_class_a"], stays=[{"admission": "2025-12-20"}],
              hospital_stays=[{"category": "ltc_special", "admission": "2025-12-20"}]),
         ("220.00", "day", 31, "6820.00", "0.90", "6138.00", "682.00")),
        (body("2026-06", "home", visits=short), ("65.00", "minute", 1740, "1885.00", "0.90", "1696.50", "188.50")),
        (body("2026-06", "outreach", visits=[visit(daily(d), items=("SH28",)) for d in range(1, 13)]),
         ("120.00", "visit", 12, "1440.00", "0.90", "1000.00", "440.00")),
        (body("2026-06", "home", visits=[visit(daily(3), 47)]),
         ("65.00", "minute", 47, "50.92", "0.90", "45.83", "5.09")),
    ]


@pytest.mark.parametrize("scenario, expected", _spec_examples(), ids=["special", "home", "outreach", "rounding"])
def test_spec_worked_examples_to_the_cent(api, scenario, expected):
    r = api(scenario)
    assert r.status_code == 200, r.json
    (line,) = r.json["lines"]
    assert tuple(line[k] for k in ("rate", "unit", "payable_units", "billable", "ratio", "fund", "copay")) == expected


def test_home_visit_scenario_with_the_medical_rate_and_a_v13_visit(api):
    visits = [visit(daily(2, "2026-04"), items=("SH28",)), {**visit(daily(3, "2026-04")), "end": None}]
    r = api(body("2026-04", "home", level=4, visits=visits))
    assert r.status_code == 200, r.json
    assert [(line["rate"], line["unit"], line["payable_units"], line["held"]) for line in r.json["lines"]] == [
        ("65.00", "minute", 60, {"V13": 60}), ("80.00", "minute", 60, {})]
    assert [(f["rule"], f["record"]) for f in r.json["findings"]] == [("V13", "/visits/1")]


def test_family_scenario_gives_a_package_line_and_the_allowance(api):
    r = api(body("2026-04", "family", level=4, visits=[visit(daily(d, "2026-04")) for d in (2, 9, 16)]))
    assert r.status_code == 200, r.json
    assert r.json["lines"] == [{"care_type": "family", "from": "2026-04-01", "to": "2026-05-01", "rate": "300.00",
                                "unit": "package", "payable_units": 0, "held": {}, "rejected": {"F01": 1},
                                "billable": "0.00", "ratio": "1.00", "fund": "0.00", "copay": "0.00"}]
    assert r.json["allowance"] == {"days": 30, "excluded": {}, "amount": "450.00"}
    assert [(f["rule"], f["record"]) for f in r.json["findings"]] == [("F01", "/visits")]


@pytest.mark.parametrize("change, field", [
    (lambda b: b.update(visits=[visit("2026-04-02")]), "visits[0]"),
    (lambda b: b.update(entitlements=[entitlement("home", 4, "2026-04-01")], stays=[], leaves=[],
                        visits=[visit("2026-05-01")]), "visits[0].start"),
    (lambda b: b.update(leaves=[{"out": "2026-04-05", "back": "2026-04-06"}]), "leaves[0].out"),
    (lambda b: b.update(stays=[{"admission": "2026-04-11", "discharge": "2026-04-10"}]), "stays[0].discharge"),
    (lambda b: b["provider"].update(daily_price=None), "provider.daily_price"),
    (lambda b: b["entitlements"][0].update(to="2026-04-01"), "entitlements[0].to"),
    (lambda b: b["entitlements"].append(entitlement("institution", 5, "2026-04-15")), "entitlements[1].from"),
    (lambda b: b.update(plan={"items": ["SH01", "ZZ00"]}), "plan.items[1]"),
    (lambda b: b.update(entitlements=[entitlement("home", 4, "2026-04-01")], stays=[], leaves=[],
                        visits=[visit("2026-04-02", items=("XX99",))]), "visits[0].items[0]"),
])
def test_a_scenario_that_cannot_be_priced_is_422_naming_the_field(api, change, field):
    raw = copy.deepcopy(EXAMPLE)
    change(raw)
    r = api(raw)
    assert r.status_code == 422, r.json
    assert field in r.json["fields"]


def test_a_refusal_is_in_the_callers_language(api):
    raw = {**copy.deepcopy(EXAMPLE), "visits": [visit("2026-04-02")]}
    r = api(raw)
    assert r.json["fields"] == {"visits[0]": "a visit in a bed-day scenario (no home, outreach or family entitlement)"}
    assert r.json["error"].startswith("The scenario is not valid: visits[0]")


@pytest.mark.parametrize("change, field", [
    (lambda b: b.update(month="2026-13"), "month"),
    (lambda b: b["entitlements"][0].update(level="4"), "entitlements[0].level"),
    (lambda b: b["provider"].update(daily_price=58.0), "provider.daily_price"),
    (lambda b: b.update(extra=1), "extra"),
    (lambda b: b["person"].update(category="farmer"), "person.category"),
])
def test_a_badly_shaped_body_is_400_naming_the_field(api, change, field):
    raw = copy.deepcopy(EXAMPLE)
    change(raw)
    r = api(raw)
    assert r.status_code == 400, r.json
    assert any(name.startswith(field) for name in r.json["fields"]), r.json["fields"]


@pytest.mark.parametrize("username, status", [
    ("mia_admin", 200), ("mia_rev", 200), ("ins_op", 200), ("ins_rev", 200), ("pr_op", 200),
    ("ins_admin", 403), ("pr_admin", 403), ("pr_carer", 403), ("ag_admin", 403)])
def test_who_may_run_a_trial(api, username, status):
    assert api(EXAMPLE, username).status_code == status


def test_the_trial_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/api/v1/billing/trial"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "422"}
