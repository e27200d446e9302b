"""The engine's case page and API for a settlement case (SPEC §4.1, §7.3): the steps are decided on the
settlement review page only; the case page shows why with a link there and no decision form, a forged
decision (page or API) is a 403 naming the page, and the settlement's status stays."""
from tests.conftest import login
from tests.settlement_review_builders import submitted
from tests.web.test_settlement_audit_api import api  # noqa: F401 (fixture)

from ltc.reviews.models import ReviewCase


def test_the_case_page_points_to_the_settlement_review_and_refuses_a_forged_return(client, session, world):
    built = submitted(session, world)
    case = session.get(ReviewCase, built.settlement.case_id)
    session.commit()
    login(client, "ins_rev")
    page = client.get(f"/reviews/{case.id}").get_data(as_text=True)
    assert 'data-testid="decided-elsewhere"' in page and 'data-testid="decision-form"' not in page
    assert f'href="/settlements/review/{built.settlement.id}" data-testid="decided-elsewhere-link"' in page
    response = client.post(f"/reviews/{case.id}/decision", data={
        "decision": "return", "reason_code": "EVIDENCE", "reason_text": "请补充", "expected_version": case.version})
    assert response.status_code == 403 and "结算审核" in response.get_data(as_text=True)
    session.expire_all()
    assert (session.get(ReviewCase, case.id).step_code, built.settlement.status) == ("audit", "submitted")


def test_the_review_api_refuses_a_settlement_step_with_the_pages_name(api, session, world):  # noqa: F811
    built = submitted(session, world)
    case = session.get(ReviewCase, built.settlement.case_id)
    session.commit()
    response = api("post", f"/api/v1/reviews/{case.id}/decision", "ins_rev",
                   json={"decision": "return", "reason_code": "EVIDENCE", "reason_text": "请补充",
                         "version": case.version})
    assert response.status_code == 403 and "结算审核" in str(response.json)
    assert api("get", f"/api/v1/reviews/{case.id}", "ins_rev").json["can_decide"] is False
