"""Review pages (SPEC §4.1): inbox, all cases, the case page and its decision form.

The case type ``web_check`` exists only as data: the fixture publishes it in a new policy
version — provider → agency → insurer → MIA, each step owned by the party of a test subject
registered here (``PARTIES`` maps a subject id to its provider, agency and person).
"""
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ltc.core.audit import Actor
from ltc.core.clock import utcnow
from ltc.entitlements.models import EntitlementRequest
from ltc.entitlements.opening import request_entitlement
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase, ReviewEvent
from ltc.people.models import InsuredPerson as Person
from ltc.reviews.registry import Check, Parties, SubjectType, register_subject
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import NOW, login
from tests.people_builders import person
from tests.review_builders import publish_case_type

SUBJECT = "web_test_subject"
PARTIES: dict[int, Parties] = {}
CASE_TYPE = {
    "code": "web_check", "label": "网页测试审核", "subject": SUBJECT,
    "steps": [
        {"code": "provider", "label": "机构确认", "owner": "subject_provider", "decisions": ["approve", "decline"],
         "sla": "day_of_month:5", "return_to": None, "precondition": None},
        {"code": "agency", "label": "评估复核", "owner": "subject_agency", "decisions": ["approve", "return"],
         "sla": "day_of_month:5", "return_to": "provider", "precondition": None},
        {"code": "insurer", "label": "商保审核", "owner": "district_insurer",
         "decisions": ["approve", "return", "reject"], "sla": "day_of_month:5", "return_to": "agency",
         "precondition": None},
        {"code": "mia", "label": "医保核定", "owner": "mia", "decisions": ["approve", "return", "reject"],
         "sla": "day_of_month:5", "return_to": ["provider", "agency", "insurer"], "precondition": None},
    ],
    "reasons": [{"code": "DOCS", "label": "材料不全", "decisions": ["return"]},
                {"code": "FULL", "label": "床位已满", "decisions": ["decline"]},
                {"code": "FRAUD", "label": "虚假材料", "decisions": ["return", "reject"]}],
}


def _checks(session, case, step, day):
    return [Check("docs", "材料齐全", True, f"{step} 材料已核对"), Check("beds", "床位", False, "床位不足"),
            Check("note", "提示", None, "仅供参考")]


register_subject(SubjectType(name=SUBJECT, parties=lambda session, sid: PARTIES[sid],
                             title=lambda session, sid: f"测试对象 {sid}", checks=_checks))


@dataclass
class Cases:
    world: builders.World
    agency2: object
    insurer2: object
    one: ReviewCase      # provider, agency, insurer (东城区)
    two: ReviewCase      # provider2, agency, insurer
    three: ReviewCase    # provider, agency2, insurer2 (海淀区)
    mia: Actor

    def actor(self, username: str) -> Actor:
        from ltc.auth.models import User
        from ltc.auth.services import actor_of
        from ltc.extensions import db
        return actor_of(db.session.scalars(select(User).where(User.username == username)).one())


def publish(session, actor: Actor, now: datetime = NOW) -> None:
    publish_case_type(session, CASE_TYPE, actor=actor, now=now)


def open_case(session, subject_id: int, parties: Parties, actor: Actor, now: datetime = NOW) -> ReviewCase:
    PARTIES[subject_id] = parties
    return engine.open_case(session, case_type="web_check", subject_id=subject_id, actor=actor, now=now)


@pytest.fixture
def cases(session, world):
    w = world
    mia = Actor(w.users["mia_rev"].id, w.mia.id, "mia_rev")
    publish(session, mia)
    agency2 = builders.org(session, "agency", "评估机构乙", 6)
    insurer2 = builders.org(session, "insurer", "承办保险公司乙", 7, districts=["海淀区"])
    for org, name in ((w.provider, "pr_rev"), (w.provider2, "pr2_rev"), (w.agency, "ag_rev"), (agency2, "ag2_rev"),
                      (insurer2, "ins2_rev")):
        builders.user(session, org, name, "reviewer")
    east = person(session, 1, name="王东城", district="东城区")
    west = person(session, 2, name="李海淀", district="海淀区")
    one = open_case(session, 9001, Parties(east.id, w.provider.id, w.agency.id), mia)
    two = open_case(session, 9002, Parties(east.id, w.provider2.id, w.agency.id), mia)
    three = open_case(session, 9003, Parties(west.id, w.provider.id, agency2.id), mia)
    session.commit()
    return Cases(w, agency2, insurer2, one, two, three, mia)


def html(response) -> str:
    return response.get_data(as_text=True)


def listed(page: str, testid: str) -> list[int]:
    return [int(n) for n in re.findall(rf'data-testid="{testid}" data-case="(\d+)"', page)]


def post_decision(client, case: ReviewCase, decision: str, *, code: str = "", text: str = "", version=None,
                  return_to: str | None = None):
    data = {"decision": decision, "reason_code": code, "reason_text": text,
            "expected_version": str(case.version if version is None else version)}
    if return_to is not None:
        data["return_to"] = return_to
    return client.post(f"/reviews/{case.id}/decision", data=data)


def decide(session, case: ReviewCase, actor: Actor, decision: str = "approve", code=None, text=None, now=NOW):
    engine.decide(session, case, DecisionInput(decision, code, text), actor=actor, now=now)
    session.commit()


# --- scope -----------------------------------------------------------------------------------

@pytest.mark.parametrize("username, expected", [
    ("mia_rev", {"one", "two", "three"}), ("mia_admin", {"one", "two", "three"}),
    ("pr_rev", {"one", "three"}), ("pr2_rev", {"two"}), ("ag_rev", {"one", "two"}), ("ag2_rev", {"three"}),
    ("ins_rev", {"one", "two"}), ("ins_op", {"one", "two"}), ("ins2_rev", {"three"}),
])
def test_each_organisation_sees_only_its_cases(client, cases, username, expected):
    login(client, username)
    ids = {name: getattr(cases, name).id for name in ("one", "two", "three")}
    assert set(listed(html(client.get("/reviews/all")), "case-row")) == {ids[n] for n in expected}
    for name, case_id in ids.items():
        status = client.get(f"/reviews/{case_id}").status_code
        assert status == (200 if name in expected else 404), (name, status)


def test_a_provider_cannot_decide_another_providers_case(client, cases, session):
    login(client, "pr2_rev")
    assert post_decision(client, cases.one, "approve").status_code == 404
    assert session.get(ReviewCase, cases.one.id).step_code == "provider"


def test_the_all_cases_list_filters_by_status_and_type(client, cases, session):
    decide(session, cases.two, cases.actor("pr2_rev"), "decline", "FULL", "满员")
    login(client, "mia_rev")
    assert listed(html(client.get("/reviews/all?status=declined")), "case-row") == [cases.two.id]
    assert set(listed(html(client.get("/reviews/all?status=open&case_type=web_check")), "case-row")) == {
        cases.one.id, cases.three.id}
    assert listed(html(client.get("/reviews/all?case_type=entitlement")), "case-row") == []


# --- the case page ---------------------------------------------------------------------------------

def test_the_case_page_shows_steps_checks_and_owner(client, cases):
    login(client, "ag_rev")
    page = html(client.get(f"/reviews/{cases.one.id}"))
    assert "测试对象 9001" in page and "网页测试审核" in page
    states = re.findall(r'data-step="(\w+)" data-state="(\w+)"', page)
    assert states == [("provider", "current"), ("agency", "todo"), ("insurer", "todo"), ("mia", "todo")]
    assert 'data-testid="current-owner">居家护理甲<' in page
    marks = re.findall(r'data-check="(\w+)"\s+data-passed="(\w+)"', page)
    assert marks == [("docs", "pass"), ("beds", "fail"), ("note", "info")]
    assert "✓" in page and "✗" in page and "床位不足" in page
    assert 'data-testid="decision-form"' not in page   # the agency's turn comes later
    assert 'data-testid="overdue"' in page             # due 5 April, today is later
    assert f'/people/{cases.one.person_id}' in page


def test_only_a_reviewer_of_the_owning_organisation_gets_the_form(client, cases):
    login(client, "pr_op")  # the owning organisation, but no DECIDE_REVIEW
    assert 'data-testid="decision-form"' not in html(client.get(f"/reviews/{cases.one.id}"))
    assert post_decision(client, cases.one, "approve").status_code == 403
    client.post("/logout")
    login(client, "pr_rev")
    page = html(client.get(f"/reviews/{cases.one.id}"))
    assert 'data-testid="decision-form"' in page
    assert re.findall(r'name="decision"[^>]*value="(\w+)"', page) == ["approve", "decline"]
    assert '<option value="FULL">床位已满（拒绝接收）' in page and '<option value="OTHER">其他（拒绝接收）' in page
    assert "FRAUD" not in page and 'data-testid="return-to"' not in page  # no return, no reason for one here
    assert f'name="expected_version" type="hidden" value="{cases.one.version}"' in page


def test_an_out_of_turn_decision_is_refused_and_changes_nothing(client, cases, session):
    login(client, "ag_rev")
    response = post_decision(client, cases.one, "approve")
    assert response.status_code == 403
    fresh = session.get(ReviewCase, cases.one.id)
    session.refresh(fresh)
    assert (fresh.step_code, fresh.version) == ("provider", 1)
    assert session.scalar(select(func.count()).select_from(ReviewEvent).where(
        ReviewEvent.case_id == cases.one.id)) == 1


def test_a_return_without_text_is_a_form_error(client, cases, session):
    decide(session, cases.one, cases.actor("pr_rev"))
    login(client, "ag_rev")
    response = post_decision(client, cases.one, "return", code="DOCS")
    assert response.status_code == 400
    page = html(response)
    assert "退回须写明具体原因" in page and 'data-testid="error-reason_text"' in page
    response = post_decision(client, cases.one, "return", code="FULL", text="x")
    assert response.status_code == 400 and "不适用于" in html(response)
    assert post_decision(client, cases.one, "reject", code="FRAUD").status_code == 400  # not allowed here
    assert post_decision(client, cases.one, "").status_code == 400
    session.refresh(cases.one)
    assert (cases.one.step_code, cases.one.status) == ("agency", "open")


def test_the_form_offers_the_return_targets_with_the_previous_step_chosen(client, cases, session):
    for username in ("pr_rev", "ag_rev", "ins_rev"):
        decide(session, cases.one, cases.actor(username))
    login(client, "mia_rev")
    page = html(client.get(f"/reviews/{cases.one.id}"))
    select = re.search(r'<select[^>]*name="return_to".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option[^>]*value="(\w+)"', select) == ["provider", "agency", "insurer"]
    assert re.findall(r'<option selected value="(\w+)"', select) == ["insurer"]
    assert ">机构确认<" in select and "<option value=\"OTHER\">其他（退回、不予通过）" in page
    response = post_decision(client, cases.one, "return", code="DOCS", text="补充签到表", return_to="provider")
    assert response.status_code == 302
    session.refresh(cases.one)
    assert (cases.one.step_code, cases.one.round) == ("provider", 2)
    page = html(client.get(f"/reviews/{cases.one.id}"))
    assert re.search(r'data-testid="event-return-to">[^<]*机构确认<', page)


def test_a_target_the_step_does_not_allow_is_a_form_error(client, cases, session):
    decide(session, cases.one, cases.actor("pr_rev"))
    decide(session, cases.one, cases.actor("ag_rev"))
    login(client, "ins_rev")
    response = post_decision(client, cases.one, "return", code="DOCS", text="x", return_to="provider")
    assert response.status_code == 400
    page = html(response)
    assert re.search(r'data-testid="error-return_to">本步骤不能退回至“机构确认”（可退回至：评估复核）<', page)
    session.refresh(cases.one)
    assert (cases.one.step_code, cases.one.round) == ("insurer", 1)


def test_other_without_text_is_a_form_error(client, cases, session):
    login(client, "pr_rev")
    response = post_decision(client, cases.one, "decline", code="OTHER")
    assert response.status_code == 400
    assert re.search(r'data-testid="error-reason_text">原因为“其他”时须写明具体原因<', html(response))
    assert post_decision(client, cases.one, "decline", code="OTHER", text="参保人已入住其他机构").status_code == 302
    session.refresh(cases.one)
    assert cases.one.status == "declined"


def test_a_stale_version_shows_who_changed_the_case(client, cases, session):
    stale = cases.one.version
    decide(session, cases.one, cases.actor("pr_rev"))
    decide(session, cases.one, cases.actor("ag_rev"), "return", "DOCS", "补充材料", now=NOW + timedelta(hours=1))
    login(client, "pr_rev")           # the provider's turn again, but the form was read before
    response = post_decision(client, cases.one, "approve", version=stale)
    assert response.status_code == 409
    page = html(response)
    assert "此案件已被 ag_rev 于 2026-03-16 11:00 修改" in page
    session.refresh(cases.one)
    assert f'name="expected_version" type="hidden" value="{cases.one.version}"' in page
    assert (cases.one.step_code, cases.one.round) == ("provider", 2)
    assert post_decision(client, cases.one, "approve").status_code == 302


def test_refusals_follow_the_language_with_their_values_filled_in(client, cases, session):
    """Service refusals are Chinese msgids translated at the edge (issue 9 point 10)."""
    version = cases.two.version
    decide(session, cases.two, cases.actor("pr2_rev"), "decline", "FULL", "满员")
    login(client, "pr2_rev")
    client.post("/lang/en", data={"next": "/"})
    page = html(post_decision(client, cases.two, "approve", version=version))
    assert "This case was changed by pr2_rev at 2026-03-16 10:00; reload and try again" in page
    session.refresh(cases.two)
    page = html(post_decision(client, cases.two, "approve"))
    assert "This review case is closed" in page and "该审核案件已结束" not in page


def test_a_decision_on_a_closed_case_is_a_conflict(client, cases, session):
    version = cases.two.version
    decide(session, cases.two, cases.actor("pr2_rev"), "decline", "FULL", "满员")
    login(client, "pr2_rev")
    response = post_decision(client, cases.two, "approve", version=version)  # the page seen before the decline
    assert response.status_code == 409 and "此案件已被 pr2_rev 于 2026-03-16 10:00 修改" in html(response)
    session.refresh(cases.two)
    response = post_decision(client, cases.two, "approve")  # the closed case's own version
    assert response.status_code == 409 and "该审核案件已结束" in html(response)


def test_decisions_need_the_csrf_token(csrf_client, cases, session):
    token = _token(html(csrf_client.get("/login")))
    csrf_client.post("/login", data={"username": "pr_rev", "password": PASSWORD, "csrf_token": token})
    assert post_decision(csrf_client, cases.one, "approve").status_code == 400
    session.refresh(cases.one)
    assert cases.one.step_code == "provider"
    token = _token(html(csrf_client.get(f"/reviews/{cases.one.id}")))
    response = csrf_client.post(f"/reviews/{cases.one.id}/decision", data={
        "decision": "approve", "expected_version": str(cases.one.version), "csrf_token": token})
    assert response.status_code == 302
    session.refresh(cases.one)
    assert cases.one.step_code == "agency"


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_a_full_pass_through_the_pages_with_a_return(client, cases, session):
    case = cases.one
    steps = [("pr_rev", "approve", "", ""), ("ag_rev", "return", "DOCS", "缺少签到表"), ("pr_rev", "approve", "", ""),
             ("ag_rev", "approve", "", ""), ("ins_rev", "approve", "", ""), ("mia_rev", "approve", "", "")]
    for username, decision, code, text in steps:
        login(client, username)
        page = html(client.get(f"/reviews/{case.id}"))
        version = re.search(r'name="expected_version" type="hidden" value="(\d+)"', page).group(1)
        response = post_decision(client, case, decision, code=code, text=text, version=version)
        assert response.status_code == 302, html(response)[:2000]
        client.post("/logout")
    session.refresh(case)
    assert (case.status, case.round, case.version) == ("completed", 2, 7)
    login(client, "mia_rev")
    page = html(client.get(f"/reviews/{case.id}"))
    assert 'data-status="completed"' in page and 'data-testid="decision-form"' not in page
    assert re.findall(r'data-testid="round" data-round="(\d+)"', page) == ["1", "2"]
    assert [a for a in re.findall(r'data-testid="event" data-action="(\w+)"', page)] == [
        "opened", "approve", "return", "approve", "approve", "approve", "approve"]
    assert ">材料不全<" in page and "DOCS 材料" not in page and "缺少签到表" in page
    assert page.count('data-testid="event-snapshot"') == 6 and "<details" in page
    assert re.findall(r'data-step="(\w+)" data-state="(\w+)"', page)[:4] == [
        ("provider", "done"), ("agency", "done"), ("insurer", "done"), ("mia", "done")]


# --- inbox, export, home ---------------------------------------------------------------------------

def test_the_inbox_lists_overdue_first_and_filters_by_type(client, cases, session, world):
    fresh = open_case(session, 9004, Parties(cases.one.person_id, world.provider.id, world.agency.id), cases.mia,
                      now=utcnow())                      # due next 5th: not overdue
    old = open_case(session, 9005, Parties(cases.one.person_id, world.provider.id, world.agency.id), cases.mia,
                    now=datetime(2026, 2, 10, 2, tzinfo=timezone.utc))
    session.commit()
    login(client, "pr_rev")
    page = html(client.get("/reviews/"))
    assert listed(page, "inbox-row") == [old.id, cases.one.id, cases.three.id, fresh.id]
    assert page.count('data-testid="overdue"') == 3
    assert "共 4 件，超期 3 件" in page
    assert listed(html(client.get("/reviews/?case_type=entitlement")), "inbox-row") == []
    assert 'href="/reviews/"' in page  # the nav entry


def test_the_inbox_exports_csv_and_xlsx(client, cases):
    login(client, "pr_rev")
    response = client.get("/reviews/?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["案件编号", "审核案件", "案件类型"]
    assert {r[0] for r in rows[1:]} == {str(cases.one.id), str(cases.three.id)}
    assert all(r[-1] == "已超期" for r in rows[1:])
    book = load_workbook(io.BytesIO(client.get("/reviews/?format=xlsx").data))
    assert book.active.max_row == 3


def test_the_home_page_shows_the_review_worklist(client, cases):
    login(client, "pr_rev")
    page = html(client.get("/"))
    card = page[page.index("待审核案件"):]
    assert re.search(r'data-testid="overdue-count">已超期 2</span><span class="badge bg-secondary">2<', card)
    assert "测试对象 9001" in page and 'href="/reviews/"' in page
    client.post("/logout")
    login(client, "pr_admin")   # no step names a provider's admin (its operator submits plan revisions)
    assert 'href="/reviews/"' not in html(client.get("/")).split("<main")[-1]


def test_the_inbox_needs_a_role_some_step_names(client, cases):
    login(client, "pr_admin")
    assert client.get("/reviews/").status_code == 403
    client.post("/logout")
    login(client, "pr_op")      # REF: the provider's operator submits care-plan revisions
    assert client.get("/reviews/").status_code == 200


# --- entitlement requests by the insurer -------------------------------------------------------

def test_an_insurer_opens_an_entitlement_review_for_another_choice(client, cases, session, world):
    from tests.entitlement_builders import conclusion
    app = conclusion(session, session.get(Person, cases.one.person_id), level=4, agency=world.agency)
    session.commit()
    login(client, "ins_op")
    assert 'href="/reviews/entitlement/new"' in html(client.get("/reviews/all"))
    form = html(client.get("/reviews/entitlement/new"))
    assert f'<option value="{world.provider.id}">居家护理甲' in form
    response = client.post("/reviews/entitlement/new", data={
        "application": app.number, "care_type": "home", "provider_id": str(world.provider.id)})
    assert response.status_code == 302, html(response)[:3000]
    case = session.scalars(select(ReviewCase).where(ReviewCase.case_type == "entitlement")).one()
    assert response.headers["Location"].endswith(f"/reviews/{case.id}")
    assert (case.step_code, case.owners["insurer"]) == ("provider", world.insurer.id)
    page = html(client.get(f"/reviews/{case.id}"))
    assert "王东城" in page and 'data-testid="check"' in page and 'data-testid="decision-form"' not in page
    response = client.post("/reviews/entitlement/new", data={
        "application": app.number, "care_type": "home", "provider_id": str(world.provider.id)})
    assert response.status_code == 400 and "已有进行中的待遇审核" in html(response)
    client.post("/logout")
    login(client, "pr_rev")  # the provider's turn: a link to its care plan editor
    page = html(client.get(f"/reviews/{case.id}"))
    assert f"/care-plans/new?person_id={cases.one.person_id}&amp;care_type=home" in page


def test_an_insurer_asks_for_another_provider_from_a_later_date(client, cases, session, world):
    from tests.entitlement_builders import conclusion, grant
    east = session.get(Person, cases.one.person_id)
    app = conclusion(session, east, level=4, agency=world.agency)
    grant(session, east, world.provider2, conclusion_of=app)
    session.commit()
    login(client, "ins_op")
    assert 'name="requested_from"' in html(client.get("/reviews/entitlement/new"))
    response = client.post("/reviews/entitlement/new", data={
        "application": app.number, "care_type": "home", "provider_id": str(world.provider.id),
        "requested_from": "2026-06-01"})
    assert response.status_code == 302, html(response)[:3000]
    request = session.scalars(select(EntitlementRequest)).one()
    assert (request.kind, request.requested_from) == ("change", date(2026, 6, 1))


def test_a_requested_date_for_a_first_entitlement_is_a_form_error(client, cases, session, world):
    from tests.entitlement_builders import conclusion
    app = conclusion(session, session.get(Person, cases.one.person_id), level=4, agency=world.agency)
    session.commit()
    login(client, "ins_op")
    response = client.post("/reviews/entitlement/new", data={
        "application": app.number, "care_type": "home", "provider_id": str(world.provider.id),
        "requested_from": "2026-06-01"})
    assert response.status_code == 400 and "变更服务形式或护理机构" in html(response)
    assert session.scalar(select(EntitlementRequest.id)) is None


def test_requests_not_opened_are_listed_with_the_reason_in_the_insurers_districts(client, cases, session, world):
    from tests.entitlement_builders import conclusion
    east = session.get(Person, cases.one.person_id)
    west = session.get(Person, cases.three.person_id)
    app = conclusion(session, east, level=3, agency=world.agency)
    far = conclusion(session, west, level=3, agency=world.agency)
    low = conclusion(session, person(session, 3, name="赵低级", district="西城区"), level=1)
    request_entitlement(session, far, care_type=None, provider_id=None, actor=cases.mia, now=NOW)
    session.commit()
    login(client, "ins_op")
    response = client.post("/reviews/entitlement/new", data={
        "application": app.number, "care_type": "special", "provider_id": str(world.provider.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/reviews/entitlement/not-opened")
    page = html(client.get("/reviews/entitlement/not-opened"))
    assert "王东城" in page and "失能等级 3 级不能享受" in page and "李海淀" not in page
    refused = client.post("/reviews/entitlement/new", data={    # another insurer's district: as if unknown
        "application": far.number, "care_type": "home", "provider_id": str(world.provider.id)})
    assert refused.status_code == 400 and f"没有编号为 {far.number} 的评估申请" in html(refused)
    response = client.post("/reviews/entitlement/new", data={
        "application": low.number, "care_type": "home", "provider_id": str(world.provider.id)})
    assert response.status_code == 400 and "低于享受待遇的最低等级" in html(response)
    client.post("/logout")
    login(client, "pr_rev")
    assert client.get("/reviews/entitlement/new").status_code == 403
    assert client.get("/reviews/entitlement/not-opened").status_code == 403


def test_a_provider_whose_agreement_lacks_the_care_type_opens_no_case_and_the_right_one_still_can(
        client, cases, session, world):
    from tests.entitlement_builders import conclusion
    app = conclusion(session, session.get(Person, cases.one.person_id), level=4, agency=world.agency)
    session.commit()
    login(client, "ins_op")
    response = client.post("/reviews/entitlement/new", data={     # 居家护理甲 offers home care only
        "application": app.number, "care_type": "institution", "provider_id": str(world.provider.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/reviews/entitlement/not-opened")
    assert "服务协议不含" in html(client.get("/reviews/entitlement/not-opened"))
    assert session.scalar(select(ReviewCase.id).where(ReviewCase.case_type == "entitlement")) is None
    response = client.post("/reviews/entitlement/new", data={
        "application": app.number, "care_type": "institution", "provider_id": str(world.provider2.id)})
    assert response.status_code == 302, html(response)[:2000]
    assert session.scalar(select(ReviewCase.id).where(ReviewCase.case_type == "entitlement")) is not None


def test_the_insurer_names_the_application_by_the_persons_id_number(client, cases, session, world):
    from tests.entitlement_builders import conclusion
    east = session.get(Person, cases.one.person_id)
    app = conclusion(session, east, level=4, agency=world.agency)
    session.commit()
    login(client, "ins_op")
    form = html(client.get("/reviews/entitlement/new"))
    assert 'name="application"' in form and "SQ-2026-000042" in form and 'name="application_id"' not in form
    response = client.post("/reviews/entitlement/new", data={
        "application": east.id_number, "care_type": "home", "provider_id": str(world.provider.id)})
    assert response.status_code == 302, html(response)[:2000]
    assert session.scalars(select(EntitlementRequest)).one().application_id == app.id
