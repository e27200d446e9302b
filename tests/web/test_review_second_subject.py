"""A second subject type through the generic review pages and the API (SPEC §4.1): a provider's
statement, with no person, registered only in ``tests/statement_review.py``. The provider's
operator submits it from the inbox and the case page, the insurer of the provider's district
approves over the API, the MIA on the page; the subject's completion hook runs."""
import re

import pytest

from ltc.reviews.models import ReviewCase
from tests import statement_review as st
from tests.conftest import login
from tests.web.test_api_core import token_for

API = "/api/v1/reviews"


@pytest.fixture
def statement(session, world) -> ReviewCase:
    st.reset()
    st.publish(session, world)
    case = st.open_statement(session, world, world.provider.id, "东城区")
    session.commit()
    return case


def html(response) -> str:
    return response.get_data(as_text=True)


def inbox_ids(client) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="inbox-row" data-case="(\d+)"', html(client.get("/reviews/")))]


def decide_on_page(client, case_id: int, version: int, decision: str = "approve"):
    return client.post(f"/reviews/{case_id}/decision", data={"decision": decision, "reason_code": "",
                                                            "reason_text": "", "expected_version": str(version)})


def api(client, method: str, path: str, username: str, **kwargs):
    token = token_for(client, username)
    return getattr(client, method)(path, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def test_the_statement_is_completed_through_the_pages_and_the_api(client, session, statement, world):
    login(client, "pr_op")
    assert inbox_ids(client) == [statement.id]
    page = html(client.get(f"/reviews/{statement.id}"))
    assert f"机构月结单 {world.provider.id}" in page and 'data-testid="decision-form"' in page
    assert f'href="/orgs/{world.provider.id}"' in page and "上传月结单" in page and "不存在的页面" not in page
    assert "参保人信息" not in page  # no person
    response = decide_on_page(client, statement.id, 1)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/reviews/{statement.id}")
    client.post("/logout")

    pending = api(client, "get", f"{API}/pending", "ins_rev").json
    assert [row["id"] for row in pending["items"]] == [statement.id]
    assert api(client, "get", f"{API}/pending", "ins2_rev").json["total"] == 0  # not its district
    body = api(client, "post", f"{API}/{statement.id}/decision", "ins_rev",
               json={"decision": "approve", "version": 2}).json
    assert body["current_step"]["code"] == "mia" and body["person_id"] is None
    assert [s["roles"] for s in body["steps"]] == [["operator"], ["reviewer"], ["reviewer"]]
    assert [s["step"] for s in body["trail"][0]["stages"]] == ["provider", "insurer", "mia"]

    login(client, "mia_rev")
    assert decide_on_page(client, statement.id, 3).status_code == 302
    page = html(client.get(f"/reviews/{statement.id}"))
    assert 'data-status="completed"' in page and 'data-testid="decision-form"' not in page
    assert st.LEDGER.completed == [(statement.id, "mia_rev")]


def test_a_reviewer_cannot_decide_the_providers_step_and_an_operator_can(client, session, statement):
    login(client, "pr_rev")
    assert inbox_ids(client) == []   # the reviewer's inbox holds only the steps reviewers decide
    page = html(client.get(f"/reviews/{statement.id}"))
    assert 'data-testid="decision-form"' not in page and "上传月结单" not in page
    response = decide_on_page(client, statement.id, 1)
    assert response.status_code == 403 and "本步骤须由经办员办理" in html(response)
    client.post("/logout")

    refused = api(client, "post", f"{API}/{statement.id}/decision", "pr_rev", json={"decision": "approve",
                                                                                   "version": 1})
    assert refused.status_code == 403 and refused.json["error"] == "本步骤须由经办员办理"
    assert api(client, "get", f"{API}/{statement.id}", "pr_rev").json["can_decide"] is False
    assert api(client, "get", f"{API}/{statement.id}", "pr_op").json["can_decide"] is True
    done = api(client, "post", f"{API}/{statement.id}/decision", "pr_op", json={"decision": "approve", "version": 1})
    assert done.status_code == 200 and done.json["current_step"]["code"] == "insurer"


def test_an_operator_of_a_kind_no_step_names_has_no_inbox(client, statement):
    # assessors decide no step of REF or of the statement (insurer operators now record settlement payments)
    login(client, "ag_assessor")
    assert client.get("/reviews/").status_code == 403
    assert api(client, "get", f"{API}/pending", "ag_assessor").status_code == 403
