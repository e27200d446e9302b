"""Dynamic management over the API (issue 12, SPEC §1, §8 effects): the provider lists and answers its
rectification notice, the insurer checks the answer, the MIA admin lists and decides an agreement-review
proposal; outside the scope a 404, the wrong role a 403, bad input a 4xx naming the problem."""
from datetime import date

from sqlalchemy import select

from ltc.orgs.services import status_on
from ltc.ratings.effects.models import AgreementReviewProposal, RectificationNotice
from tests.builders import org, user
from tests.effects_builders import annual, monthly, placed
from tests.web.test_ratings_api import api  # noqa: F401  (the token-carrying client fixture)


def _notice(session, world) -> RectificationNotice:
    placed(session, world)
    monthly(session, world.provider, date(2026, 1, 1), 4)
    monthly(session, world.provider, date(2026, 2, 1), 2)
    session.commit()
    return session.scalars(select(RectificationNotice)).one()


def test_the_provider_answers_a_notice_and_the_insurer_checks_it_over_the_api(api, session, world):  # noqa: F811
    notice = _notice(session, world)
    url = f"/api/v1/rectification-notices/{notice.id}"
    listed = api("get", "/api/v1/rectification-notices?status=awaiting_response", "pr_op")
    assert listed.status_code == 200 and [n["id"] for n in listed.json["items"]] == [notice.id]
    assert (listed.json["items"][0]["month"], listed.json["items"][0]["stars"]) == ("2026-02", 2)
    assert api("get", "/api/v1/rectification-notices", "pr2_op").json["items"] == []
    assert api("get", url, "pr2_op").status_code == 404
    assert api("post", f"{url}/respond", "pr2_op", json={"text": "别家"}).status_code == 404
    assert api("post", f"{url}/respond", "pr_admin", json={"text": "管理员"}).status_code == 403
    assert api("post", f"{url}/respond", "ins_op", json={"text": "承办"}).status_code == 403
    empty = api("post", f"{url}/respond", "pr_op", json={"text": ""})
    assert empty.status_code == 400 and "text" in empty.json["fields"]
    assert api("post", f"{url}/check", "ins_op", json={"decision": "accepted"}).status_code == 409   # nothing yet
    answered = api("post", f"{url}/respond", "pr_op", json={"text": "已组织护理员培训并调整排班"})
    assert answered.status_code == 200, answered.json
    assert answered.json["status"] == "awaiting_check" and answered.json["responses"][0]["decision"] is None
    assert api("post", f"{url}/respond", "pr_op", json={"text": "再答"}).status_code == 409
    assert api("post", f"{url}/check", "pr_op", json={"decision": "accepted"}).status_code == 403
    no_reason = api("post", f"{url}/check", "ins_op", json={"decision": "not_accepted"})
    assert no_reason.status_code == 400 and "核查不通过须填写原因" in no_reason.json["error"]
    assert api("post", f"{url}/check", "ins_op", json={"decision": "maybe"}).status_code == 400
    back = api("post", f"{url}/check", "ins_rev", json={"decision": "not_accepted", "reason": "缺培训签到表"})
    assert back.status_code == 200 and back.json["status"] == "awaiting_response"
    assert back.json["responses"][0]["check_reason"] == "缺培训签到表"
    api("post", f"{url}/respond", "pr_op", json={"text": "补交培训签到表"})
    done = api("post", f"{url}/check", "ins_op", json={"decision": "accepted"})
    assert done.status_code == 200 and done.json["status"] == "accepted" and len(done.json["responses"]) == 2
    assert api("get", url, "mia_op").json["status"] == "accepted"                 # the MIA overviews


def test_another_insurer_gets_404_for_the_notice(api, session, world):  # noqa: F811
    notice = _notice(session, world)
    other = org(session, "insurer", "另一承办公司", 31, districts=["南城区"])
    user(session, other, "ins2_op", "operator")
    session.commit()
    url = f"/api/v1/rectification-notices/{notice.id}"
    assert api("get", url, "ins2_op").status_code == 404
    assert api("post", f"{url}/check", "ins2_op", json={"decision": "accepted"}).status_code == 404
    assert api("get", "/api/v1/rectification-notices", "ins2_op").json["items"] == []
    assert [n["id"] for n in api("get", "/api/v1/rectification-notices", "ins_op").json["items"]] == [notice.id]


def test_the_mia_admin_decides_an_agreement_review_over_the_api(api, session, world):  # noqa: F811
    placed(session, world)
    annual(session, world.provider, 2025, 1)
    session.commit()
    proposal = session.scalars(select(AgreementReviewProposal)).one()
    url = f"/api/v1/agreement-reviews/{proposal.id}"
    listed = api("get", "/api/v1/agreement-reviews?status=pending", "mia_admin")
    assert [p["id"] for p in listed.json["items"]] == [proposal.id]
    assert (listed.json["items"][0]["cause"], listed.json["items"][0]["year"]) == ("annual_one_star", 2025)
    for username in ("mia_op", "ins_admin", "pr_admin"):
        assert api("get", url, username).status_code == 403, username
        assert api("post", f"{url}/decide", username, json={"decision": "keep", "reason": "x"}).status_code == 403
    assert api("get", "/api/v1/agreement-reviews/999999", "mia_admin").status_code == 404
    no_day = api("post", f"{url}/decide", "mia_admin", json={"decision": "suspend", "reason": "年度考核一星"})
    assert no_day.status_code == 400 and "effective_on" in no_day.json["fields"]
    bad_day = api("post", f"{url}/decide", "mia_admin",
                  json={"decision": "suspend", "effective_on": "2026-02-30", "reason": "年度考核一星"})
    assert bad_day.status_code == 400 and "effective_on" in bad_day.json["fields"]
    decided = api("post", f"{url}/decide", "mia_admin",
                  json={"decision": "suspend", "effective_on": "2026-07-01", "reason": "年度考核一星"})
    assert decided.status_code == 200, decided.json
    assert (decided.json["status"], decided.json["effective_on"]) == ("suspended", "2026-07-01")
    assert status_on(session, world.provider, date(2026, 7, 1)) == "suspended"
    again = api("post", f"{url}/decide", "mia_admin", json={"decision": "keep", "reason": "再议"})
    assert again.status_code == 409
