"""The settlement review over the API: submit, record decisions (listed and by filter), the sample and
the audit's completion; scope 404s and the documented paths."""
import pytest

from tests.settlement_review_builders import settlement, submitted
from tests.web.test_api_core import token_for

URL = "/api/v1/billing/settlements"


@pytest.fixture
def api(client):
    tokens: dict[str, str] = {}

    def call(method: str, path: str, username: str, **kwargs):
        if username not in tokens:
            tokens[username] = token_for(client, username)
        return getattr(client, method)(path, headers={"Authorization": f"Bearer {tokens[username]}"}, **kwargs)
    return call


def test_the_provider_submits_over_the_api_with_a_remark(api, session, world):
    built = settlement(session, world)
    session.commit()
    flagged = built.flagged[0]
    response = api("post", f"{URL}/{built.settlement.id}/submit", "pr_op", json={
        "note": "六月", "remarks": [{"record_kind": "visit", "record_id": flagged.id, "remark": "在女儿家"}]})
    assert response.status_code == 200, response.json
    assert (response.json["status"], response.json["step"], response.json["flagged"]) == ("submitted", "audit", 4)
    again = api("post", f"{URL}/{built.settlement.id}/submit", "pr_op", json={})
    assert again.status_code == 409


def test_the_insurer_decides_by_filter_and_by_list_then_samples_and_finishes(api, session, world):
    built = submitted(session, world)
    session.commit()
    base = f"{URL}/{built.settlement.id}"
    refused = api("post", f"{base}/decisions", "ins_rev", json={
        "decision": "refuse", "reason_code": "LOCATION", "records": [{"record_kind": "visit",
                                                                      "record_id": built.flagged[0].id}]})
    assert refused.status_code == 200 and refused.json["decided"] == 1 and refused.json["deducted_fund"] == "58.50"
    no_reason = api("post", f"{base}/decisions", "ins_rev", json={"decision": "refuse", "filter": {"rule": "V01"}})
    assert no_reason.status_code == 400
    paid = api("post", f"{base}/decisions", "ins_rev", json={"decision": "pay", "filter": {"rule": "V01"}})
    assert paid.json["decided"] == 3 and paid.json["flagged_decided"] == 4
    sample = api("post", f"{base}/sample", "ins_op")
    assert sample.status_code == 200 and len(sample.json["sample_persons"]) == 3
    early = api("post", f"{base}/audit", "ins_rev")
    assert early.status_code == 400
    records = [{"record_kind": "visit", "record_id": v.id} for p in sample.json["sample_persons"]
               for v in built.visits[p]]
    assert api("post", f"{base}/decisions", "ins_rev", json={"decision": "pay", "origin": "sample",
                                                             "records": records}).status_code == 200
    done = api("post", f"{base}/audit", "ins_rev", json={"note": "完成"})
    assert (done.status_code, done.json["status"], done.json["step"]) == (200, "audited", "approval")


def test_settlements_outside_the_callers_scope_are_404_and_other_steps_403(api, session, world):
    built = submitted(session, world)
    session.commit()
    assert api("get", f"{URL}/{built.settlement.id}/review", "pr2_op").status_code == 404
    assert api("get", f"{URL}/{built.settlement.id}/review", "mia_rev").status_code == 200
    assert api("post", f"{URL}/{built.settlement.id}/submit", "pr2_op", json={}).status_code == 404
    # the MIA reads it but does not decide the insurer's records
    assert api("post", f"{URL}/{built.settlement.id}/decisions", "mia_rev",
               json={"decision": "pay", "filter": {}}).status_code == 403


def test_the_review_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for tail in ("review", "submit", "decisions", "sample", "audit"):
        assert f"/api/v1/billing/settlements/{{settlement_id}}/{tail}" in paths
