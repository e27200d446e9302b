"""Follow-ups and complaints over the API (issue 12 points 1–2): the worklist, the visit record with
its refusals, the complaint register and outcome; another insurer's records are a 404."""
import pytest

from ltc.core.clock import local_today
from tests.ratings_builders import beneficiary, listed, other_insurer
from tests.web.test_api_core import token_for


@pytest.fixture
def api(client):
    tokens: dict[str, str] = {}

    def call(method: str, path: str, username: str, **kwargs):
        if username not in tokens:
            tokens[username] = token_for(client, username)
        return getattr(client, method)(path, headers={"Authorization": f"Bearer {tokens[username]}"}, **kwargs)
    return call


def _record(**kw) -> dict:
    return {"visited_on": local_today().isoformat(), "channel": "video", "attitude": 4, "punctuality": 4,
            "skill": 5, "overall": 4, "confirmed": False, "findings": "本人否认上门", **kw}


def test_the_insurer_lists_and_records_a_follow_up_and_another_insurer_gets_404(api, session, world):
    other_insurer(session, world)
    f = listed(session, beneficiary(session, world, 1))
    session.commit()
    page = api("get", "/api/v1/follow-ups?status=open", "ins_op")
    assert page.status_code == 200 and [item["id"] for item in page.json["items"]] == [f.id]
    assert api("get", "/api/v1/follow-ups", "ins9_op").json["items"] == []
    assert api("post", f"/api/v1/follow-ups/{f.id}/record", "ins9_op", json=_record()).status_code == 404
    assert api("post", f"/api/v1/follow-ups/{f.id}/record", "ins_op", json=_record(overall=7)).status_code == 400
    done = api("post", f"/api/v1/follow-ups/{f.id}/record", "ins_op", json=_record())
    assert done.status_code == 200 and (done.json["confirmed"], done.json["status"]) == (False, "done")
    assert done.json["held_month"] == f"{local_today():%Y-%m}"
    assert api("post", f"/api/v1/follow-ups/{f.id}/record", "ins_op", json=_record()).status_code == 409
    assert api("post", f"/api/v1/follow-ups/{f.id}/record", "pr_op", json=_record()).status_code == 403


def test_a_complaint_is_registered_and_closed_over_the_api(api, session, world):
    someone = beneficiary(session, world, 1)
    session.commit()
    body = {"id_number": someone.id_number, "provider_id": world.provider.id, "complainant": "person",
            "complainant_name": "参保人1", "channel": "phone", "what": "上门时间不固定", "happened_on": "2026-06-01"}
    made = api("post", "/api/v1/complaints", "ins_op", json=body)
    assert made.status_code == 201, made.json
    assert made.json["status"] == "open" and made.json["due_on"] > made.json["received_on"]
    assert api("post", "/api/v1/complaints", "ins_op", json={**body, "happened_on": "2999-01-01"}).status_code == 400
    closed = api("post", f"/api/v1/complaints/{made.json['id']}/decide", "ins_rev",
                 json={"outcome": "not_upheld", "reply": "经核实按计划上门"})
    assert closed.status_code == 200 and closed.json["outcome"] == "not_upheld"
    assert api("get", "/api/v1/complaints", "pr2_op").json["items"] == []
    assert [c["id"] for c in api("get", "/api/v1/complaints", "pr_op").json["items"]] == [made.json["id"]]
