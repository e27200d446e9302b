"""The follow-up and complaint pages (issue 12 points 1–2, SPEC §1, §8): the insurer's worklist with
workload, the record form with its errors, the reassignment, the complaint register and its outcome;
another insurer's follow-up or complaint is a 404; providers only view; Chinese first, English too."""
from datetime import date

from sqlalchemy import select

from ltc.billing.review import workflow
from ltc.core.clock import local_today
from ltc.ratings.complaints.models import Complaint
from ltc.ratings.followups import recording
from ltc.ratings.followups.models import FollowUp
from tests.carer_builders import provider_district
from tests.conftest import login
from tests.ratings_builders import JUNE_20, actor, beneficiary, listed, other_insurer, visit_record
from tests.services.test_followup_holds import SUBMITTED, _generated, _home_month


def _record_form(**kw) -> dict:
    return {"record-visited_on": local_today().isoformat(), "record-channel": "home", "record-attitude": 5,
            "record-punctuality": 4, "record-skill": 4, "record-overall": 4, "record-confirmed": "no",
            "record-findings": "本人称本月只接受过一次服务", **kw}


def test_the_insurer_sees_its_worklist_and_workload_and_records_a_not_confirmed_visit(client, session, world):
    f = listed(session, beneficiary(session, world, 1))
    session.commit()
    login(client, "ins_op")
    page = client.get("/ratings/follow-ups/").data.decode()
    assert "回访评价" in page and 'data-testid="workload"' in page and "参保人1" in page and "月度抽样" in page
    assert "110101" not in page.split('data-testid="follow-ups"')[1].split("</table>")[0].replace("110101****", "")
    detail = client.get(f"/ratings/follow-ups/{f.id}").data.decode()
    assert 'data-testid="record-form"' in detail and 'data-testid="reassign-form"' not in detail
    response = client.post(f"/ratings/follow-ups/{f.id}/record", data=_record_form())
    assert response.status_code == 302
    done = client.get(f"/ratings/follow-ups/{f.id}").data.decode()
    assert "不属实" in done and "暂缓支付" in done and "登记回访结果" in done
    assert session.get(FollowUp, f.id).confirmed is False


def test_a_bad_record_shows_its_errors_and_records_nothing(client, session, world):
    f = listed(session, beneficiary(session, world, 1))
    session.commit()
    login(client, "ins_op")
    response = client.post(f"/ratings/follow-ups/{f.id}/record", data=_record_form(**{"record-overall": 9}))
    assert response.status_code == 400 and "is-invalid" in response.data.decode()
    response = client.post(f"/ratings/follow-ups/{f.id}/record",
                           data=_record_form(**{"record-visited_on": "2026-06-01"}))
    assert response.status_code == 400 and "不能早于列入回访任务的日期" in response.data.decode()
    assert session.get(FollowUp, f.id).status == "open"


def test_the_insurer_admin_reassigns_with_a_reason(client, session, world):
    f = listed(session, beneficiary(session, world, 1))
    target = ({world.users["ins_op"].id, world.users["ins_rev"].id} - {f.assigned_to}).pop()
    session.commit()
    login(client, "ins_admin")
    assert 'data-testid="reassign-form"' in client.get(f"/ratings/follow-ups/{f.id}").data.decode()
    assert client.post(f"/ratings/follow-ups/{f.id}/reassign",
                       data={"reassign-to_user_id": target, "reassign-reason": ""}).status_code == 400
    assert client.post(f"/ratings/follow-ups/{f.id}/reassign",
                       data={"reassign-to_user_id": target, "reassign-reason": "工作量调整"}).status_code == 302
    page = client.get(f"/ratings/follow-ups/{f.id}").data.decode()
    assert "改派" in page and "工作量调整" in page
    assert client.post(f"/ratings/follow-ups/{f.id}/record", data=_record_form()).status_code == 403


def test_another_insurers_follow_up_and_complaint_are_404(client, session, world):
    other_insurer(session, world)
    f = listed(session, beneficiary(session, world, 1))
    session.commit()
    login(client, "ins_op")
    client.post("/ratings/complaints/", data=_complaint(session, world, 1))
    complaint = session.scalars(select(Complaint)).one()
    client.post("/logout")
    login(client, "ins9_op")
    assert client.get(f"/ratings/follow-ups/{f.id}").status_code == 404
    assert client.post(f"/ratings/follow-ups/{f.id}/record", data=_record_form()).status_code == 404
    assert client.get(f"/ratings/complaints/{complaint.id}").status_code == 404
    assert "参保人1" not in client.get("/ratings/follow-ups/").data.decode()


def _complaint(session, world, n: int, **kw) -> dict:
    from ltc.people.models import InsuredPerson

    someone = session.scalars(select(InsuredPerson).where(InsuredPerson.name == f"参保人{n}")).one()
    return {"id_number": someone.id_number, "complainant": "family", "complainant_name": "李四",
            "channel": "counter", "provider_id": world.provider.id, "happened_on": "2026-06-05",
            "what": "护理员未按计划上门", **kw}


def test_a_complaint_is_registered_closed_with_a_reply_and_seen_by_the_provider(client, session, world):
    beneficiary(session, world, 1)
    session.commit()
    login(client, "ins_op")
    assert 'data-testid="complaint-form"' in client.get("/ratings/complaints/").data.decode()
    bad = client.post("/ratings/complaints/", data=_complaint(session, world, 1, id_number="110101195001019999",
                                                                 happened_on=""))
    assert bad.status_code == 400 and "is-invalid" in bad.data.decode()
    response = client.post("/ratings/complaints/", data=_complaint(session, world, 1))
    assert response.status_code == 302
    complaint = session.scalars(select(Complaint)).one()
    assert session.scalars(select(FollowUp.origin)).all() == ["complaint"]
    assert client.post(f"/ratings/complaints/{complaint.id}/decide", data={"outcome": "upheld", "reply": ""}
                       ).status_code == 400
    assert client.post(f"/ratings/complaints/{complaint.id}/decide",
                       data={"outcome": "upheld", "reply": "已约谈机构负责人"}).status_code == 302
    client.post("/logout")
    login(client, "pr_op")
    page = client.get(f"/ratings/complaints/{complaint.id}").data.decode()
    assert "投诉属实" in page and "已约谈机构负责人" in page and 'data-testid="decision-form"' not in page
    assert client.post("/ratings/complaints/", data=_complaint(session, world, 1)).status_code == 403
    client.post("/logout")
    login(client, "pr2_op")
    assert client.get(f"/ratings/complaints/{complaint.id}").status_code == 404


def test_the_pages_read_in_english(client, session, world):
    listed(session, beneficiary(session, world, 1))
    session.commit()
    login(client, "ins_op")
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/ratings/follow-ups/").data.decode()
    assert "Follow-up visits" in page and "Monthly sample" in page and "回访" not in page
    assert "Register a complaint" in client.get("/ratings/complaints/").data.decode()


def test_the_held_records_show_in_the_providers_settlement_and_the_insurers_audit(client, session, world):
    provider_district(session, world.provider, "东城区")
    someone = _home_month(session, world, 84)
    f = listed(session, someone)
    recording.record_follow_up(session, f.id, visit_record(confirmed=False, visited_on=date(2026, 6, 18)),
                               actor=actor(world, "ins_op"), now=JUNE_20)
    settlement = _generated(session, world)
    session.commit()
    login(client, "pr_op")
    page = client.get(f"/settlements/{settlement.id}").data.decode()
    assert 'data-testid="held-rule"' in page and "回访未确认服务" in page
    workflow.submit(session, settlement, remarks={}, actor=actor(world, "pr_op"), now=SUBMITTED)
    session.commit()
    client.post("/logout")
    login(client, "ins_rev")
    audit = client.get(f"/settlements/review/{settlement.id}").data.decode()
    rows = audit.split('data-testid="flagged"')[1].split("</table>")[0]
    assert rows.count('data-testid="flagged-row"') == 3 and "回访未确认服务" in rows and "follow_up" not in rows
