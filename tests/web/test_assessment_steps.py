"""Every workflow step through its form on the detail page (SPEC §3.1), each visible in the trail."""
import io
import re

import pytest
from sqlalchemy import select

from ltc.assessment.applications.services import evaluation
from ltc.auth.services import actor_of
from ltc.core.clock import utcnow
from ltc.assessment.applications.models import Application, ApplicationDocument, Assessment
from ltc.assessment.applications.services import scheduling
from ltc.assessment.scale.services import get_ruleset
from tests import assessment_builders as ab
from tests import assessment_web_builders as wb
from tests.conftest import login


@pytest.fixture
def c(shared_cast):
    return shared_cast


def reload(session, app) -> Application:
    session.expire_all()
    return session.get(Application, app.id)


def act(client, app, step, **fields):
    prefix = {"record": "", "reschedule": "schedule-", "self-assessment": "sa-"}.get(step, step + "-")
    data = {f"{prefix}{k}": v for k, v in fields.items()}
    data[f"{prefix}version"] = str(app.version)
    return client.post(f"/assessment/{app.id}/{step}", data=data)


def trail(client, app) -> list[str]:
    """The statuses the trail on the detail page shows, in order."""
    return re.findall(r'data-testid="event" data-to="(\w+)"', wb.html(client.get(f"/assessment/{app.id}")))


def flashed(client, app) -> str:
    return wb.html(client.get(f"/assessment/{app.id}"))


def notice_text(client, app, prefix: str) -> str:
    """The text of the ``prefix`` notice downloaded from the detail page (rendered after the
    request that issued it committed)."""
    from tests.services.test_notices import pdf_text

    page = wb.html(client.get(f"/assessment/{app.id}"))
    href, number = re.search(rf'<a href="([^"]+)" data-testid="notice-link">({prefix}-\d{{4}}-\d{{6}})<', page).groups()
    response = client.get(href)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert number in text
    return text


@pytest.mark.usefixtures("real_pdf")  # the acceptance notice rendered by WeasyPrint, end to end
def test_accept_through_the_form_issues_the_notice(client, session, c):
    app = wb.submitted(session, c)
    session.commit()
    login(client, "ins_op")
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert 'data-testid="accept-form"' in page and 'data-testid="refuse-form"' in page
    response = act(client, app, "accept")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/assessment/{app.id}")
    app = reload(session, app)
    assert app.status == "accepted" and app.conclusion_due_on is not None
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert "已受理，受理通知书已生成" in page
    assert re.search(r'data-testid="notice-link">ACC-\d{4}-\d{6}<', page)
    assert trail(client, app) == ["submitted", "accepted"]
    assert "accept-form" not in page                                   # nothing left to accept
    assert "受理通知书" in notice_text(client, app, "ACC")


def test_a_notice_being_generated_shows_as_such_until_the_retry_job_renders_it(client, session, c):
    from ltc.assessment.applications.services.acceptance import accept
    from ltc.auth.services import actor_of
    from ltc.notices.jobs import retry_pending_notices
    from ltc.notices.services import take_issued
    from tests.conftest import NOW

    app = wb.submitted(session, c)
    accept(session, app.id, actor=actor_of(c.world.users["ins_op"]), now=NOW, expected_version=app.version)
    session.commit()
    take_issued(session)  # as if its render after commit had failed
    login(client, "ins_op")
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert re.search(r'data-testid="notice-pending">ACC-\d{4}-\d{6}</span> <span class="badge bg-secondary">正在生成<',
                     page)
    assert 'data-testid="notice-link"' not in page
    client.post("/lang/en", data={"next": "/"})
    assert "Being generated" in wb.html(client.get(f"/assessment/{app.id}"))
    retry_pending_notices(session, now=NOW, due_at=NOW)
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert 'data-testid="notice-link">ACC-' in page and "notice-pending" not in page


@pytest.mark.usefixtures("real_pdf")  # the refusal notice rendered by WeasyPrint, end to end
def test_refuse_with_a_code_and_text(client, session, c):
    app = wb.submitted(session, c, answers=ab.ANSWERS_D)
    session.commit()
    login(client, "ins_op")
    response = act(client, app, "refuse", code="other")                   # "other" needs a text
    assert response.status_code == 400 and reload(session, app).status == "submitted"
    form = re.search(r'data-testid="refuse-form".*?</form>', wb.html(response), re.S).group(0)
    assert "“其他原因”须填写说明" in form and '<option selected value="other">' in form    # the choice kept
    act(client, app, "refuse", code="self_assessment_below_e", text="自评 D 级")
    app = reload(session, app)
    assert (app.status, app.refusal_code, app.refusal_text) == ("refused", "self_assessment_below_e", "自评 D 级")
    assert trail(client, app) == ["submitted", "refused"]
    assert "不予受理通知书" in notice_text(client, app, "RFS")


def test_refuse_as_outside_the_fund_scope_shows_the_label(client, session, c):
    app = wb.submitted(session, c)
    session.commit()
    login(client, "ins_op")
    form = re.search(r'data-testid="refuse-form".*?</form>', wb.html(client.get(f"/assessment/{app.id}")), re.S)
    assert re.search(r'<option value="outside_fund_scope">不属于长期护理保险基金支付范围</option>', form.group(0))
    act(client, app, "refuse", code="outside_fund_scope", text="交通事故，第三人负担")
    assert reload(session, app).refusal_code == "outside_fund_scope"
    refusal = re.search(r'data-testid="refusal">(.*?)</dd>', wb.html(client.get(f"/assessment/{app.id}"))).group(1)
    assert refusal == "不属于长期护理保险基金支付范围：交通事故，第三人负担"
    client.post("/lang/en", data={"next": "/"})
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert "Not payable by the long-term care insurance fund" in page


def test_accepting_a_case_that_calls_for_refusal_shows_why(client, session, c):
    app = wb.submitted(session, c, answers=ab.ANSWERS_D)
    session.commit()
    login(client, "ins_op")
    page = wb.html(client.get(f"/assessment/{app.id}"))
    problems = page.split('data-testid="acceptance-problems"', 1)[1].split("</div>", 1)[0]
    assert "自评结果未达到申请标准" in problems and "D 级" in problems
    refuse = re.search(r'data-testid="refuse-form".*?</form>', page, re.S).group(0)
    assert '<option selected value="self_assessment_below_e">' in refuse       # the check's finding chosen
    response = act(client, app, "accept")
    assert reload(session, app).status == "submitted"
    assert "不能受理" in wb.html(response)


def test_dispatch_at_random_or_to_a_named_agency_with_a_reason(client, session, c):
    first, second = wb.accepted(session, c), wb.accepted(session, c)
    session.commit()
    login(client, "ins_op")
    act(client, first, "dispatch", method="random")
    first = reload(session, first)
    assert first.status == "dispatched" and first.dispatch_method == "random" and first.dispatch_seed is not None
    act(client, second, "dispatch", method="manual", agency_id=str(c.agencies[2].org.id))  # no reason
    assert reload(session, second).status == "accepted"
    act(client, second, "dispatch", method="manual", agency_id=str(c.agencies[2].org.id), reason="就近安排")
    second = reload(session, second)
    assert (second.agency_id, second.dispatch_reason) == (c.agencies[2].org.id, "就近安排")
    assert trail(client, second) == ["submitted", "accepted", "dispatched"]


def test_an_agency_outside_its_agreement_period_is_not_offered_and_a_forced_choice_is_refused(client, session, c):
    from datetime import timedelta

    c.agencies[2].org.agreements[0].valid_to = wb.today() - timedelta(days=1)
    app = wb.accepted(session, c)
    session.commit()
    login(client, "ins_op")
    form = re.search(r'data-testid="dispatch-form".*?</form>', wb.html(client.get(f"/assessment/{app.id}")), re.S)
    assert "评估机构乙" in form.group(0) and "评估机构丙" not in form.group(0)
    response = act(client, app, "dispatch", method="manual", agency_id=str(c.agencies[2].org.id), reason="就近安排")
    assert reload(session, app).status == "accepted"
    message = wb.html(response)
    assert '>\r\n就近安排</textarea>' in message                                   # the input kept
    assert "评估机构“评估机构丙”于" in message and "不在协议期内" in message


def schedule_fields(c, **overrides):
    a = c.agencies[0]
    fields = {"visit_on": wb.today().isoformat(), "assessor_1": str(a.experts[0].id),
              "assessor_2": str(a.assessor.id)}
    fields.update(overrides)
    return fields


def test_the_admin_names_the_assessors_and_books_the_visit_without_declaring_for_them(client, session, c):
    app = wb.dispatched(session, c)
    session.commit()
    login(client, "ag1_admin")
    page = wb.html(client.get(f"/assessment/{app.id}"))
    form = re.search(r'data-testid="schedule-form".*?</form>', page, re.S).group(0)
    assert "ag1_e1（专家）" in form and "recusal" not in form and "回避声明" not in form
    act(client, app, "schedule", **schedule_fields(c))
    app = reload(session, app)
    assert (app.status, app.visit_on) == ("scheduled", wb.today())
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert page.count('data-testid="assessor" data-declared="no"') == 2 and "尚未本人作出回避声明" in page
    assert 'data-testid="recusal-form"' not in page
    assert act(client, app, "recusal", text=ab.RECUSAL).status_code == 403   # not for someone else
    assert 'data-declared="yes"' not in wb.html(client.get(f"/assessment/{app.id}"))
    act(client, app, "reschedule", **schedule_fields(c, assessor_2=str(c.agencies[0].experts[1].id),
                                                     reason="评估人员临时请假"))
    app = reload(session, app)
    assert app.status == "rescheduled", re.findall(r"alert-danger[^>]*>(.*?)<", flashed(client, app), re.S)
    assert trail(client, app) == ["submitted", "accepted", "dispatched", "scheduled", "rescheduled"]


def test_each_assessor_declares_in_their_own_session_before_the_record_can_be_entered(client, session, c):
    a = c.agencies[0]
    app = wb.dispatched(session, c)
    session.commit()
    login(client, "ag1_admin")
    act(client, app, "schedule", **schedule_fields(c))
    app = reload(session, app)
    assert app.status == "scheduled"
    client.post("/logout")
    login(client, "ag1_e1")
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert 'data-testid="recusal-form"' in page and 'data-testid="enter-link"' not in page
    assert client.get(f"/assessment/{app.id}/record").status_code == 403
    act(client, app, "recusal", text="本人与被评估人无任何关系。")
    app = reload(session, app)
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert "已作出回避声明" in page and 'data-testid="recusal-form"' not in page
    assert page.count('data-declared="yes"') == 1 and "本人与被评估人无任何关系。" in page
    assert 'data-testid="enter-link"' not in page                      # the other has not declared yet
    client.post("/logout")
    login(client, "ag1_a")
    act(client, app, "recusal", text=ab.RECUSAL)
    app = reload(session, app)
    assert [e.action for e in app.events][-2:] == ["declare_recusal", "declare_recusal"]
    assert [e.actor_user_id for e in app.events][-2:] == [a.experts[0].id, a.assessor.id]
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert page.count('data-declared="yes"') == 2 and 'data-testid="enter-link"' in page
    assert "作出回避声明" in page                                     # in the trail


def test_rescheduling_beyond_the_window_takes_a_coded_reason_shown_beside_the_sla_mark(client, session, c):
    from ltc.core.calendar import add_working_days

    app = wb.scheduled(session, c)
    session.commit()
    later = add_working_days(session, app.dispatched_on, 12).isoformat()      # the window is 10 working days
    login(client, "ag1_admin")
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert 'name="schedule-reason_code"' in page and "本人不在" in page
    response = act(client, app, "reschedule", **schedule_fields(c, visit_on=later, reason="老人住院"))
    assert reload(session, app).status == "scheduled"
    form = re.search(r'data-testid="schedule-form".*?</form>', wb.html(response), re.S).group(0)
    assert "改约超出该期限须选择原因" in form
    assert f'value="{later}"' in form and '>\r\n老人住院</textarea>' in form                  # the input kept
    assert f'<option selected value="{c.agencies[0].assessor.id}">' in form
    act(client, app, "reschedule", **schedule_fields(c, visit_on=later, reason_code="hospitalised",
                                                     reason="住院治疗中"))
    app = reload(session, app)
    assert (app.status, app.visit_on.isoformat(), app.reschedule_code) == ("rescheduled", later, "hospitalised")
    queue = wb.html(client.get("/assessment/queues/scheduled"))
    row = re.search(rf'data-application="{app.id}".*?</tr>', queue, re.S).group(0)
    assert re.search(r'data-testid="reschedule-reason"[^>]*>住院：住院治疗中<', row)


def test_the_entry_page_embeds_the_ruleset_and_grading_script_without_inline_script(client, session, c):
    app = wb.scheduled(session, c)
    session.commit()
    login(client, "ag1_e1")
    response = client.get(f"/assessment/{app.id}/record")
    page = wb.html(response)
    assert response.status_code == 200
    ruleset = get_ruleset(session, "CN-2021-37")
    assert wb.embedded_json(response, "ruleset") == ruleset.definition
    assert '<script src="/static/js/grading.js"></script>' in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _body in scripts)
    for item in ruleset.items:
        options = re.search(rf'<select[^>]*name="{item.code}"[^>]*>(.*?)</select>', page, re.S).group(1)
        assert re.findall(r'value="(\d+)"', options) == [str(v) for v in item.allowed]
    for key in ("adl_total", "cognition_grade", "cp_grade", "level", "level_name", "missing"):
        assert f'data-grading="{key}"' in page


def test_enter_cosign_and_confirm_through_the_forms(client, session, c):
    app = wb.scheduled(session, c)
    session.commit()
    login(client, "ag1_e1")
    items = {code: str(v) for code, v in ab.ITEMS_BY_LEVEL[3].items()}
    response = client.post(f"/assessment/{app.id}/record", data={**items, "version": str(app.version)})
    assert response.status_code == 302
    record = session.scalars(select(Assessment).where(Assessment.application_id == app.id)).one()
    assert (record.level, record.adl_total, record.cognition_total) == (3, 0, 16)    # graded by the server
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert 'data-testid="record-level">3 重度失能Ⅰ级<' in page and "失能等级 3" in page  # the explanation
    assert 'data-testid="cosign-form"' not in page                                      # entering signed it

    wb.switch_to(client, "ag1_a")
    app = reload(session, app)
    assert 'data-testid="cosign-form"' in wb.html(client.get(f"/assessment/{app.id}"))
    act(client, app, "cosign")
    assert reload(session, app).status == "assessed"

    for expert in ("ag1_e2", "ag1_e3"):
        wb.switch_to(client, expert)
        app = reload(session, app)
        assert 'data-testid="confirm-form"' in wb.html(client.get(f"/assessment/{app.id}"))
        act(client, app, "confirm")
    app = reload(session, app)
    assert (app.status, app.level) == ("publicized", 3)
    assert trail(client, app)[-5:] == ["scheduled", "assessed", "assessed", "confirmed", "publicized"]
    page = wb.html(client.get(f"/assessment/{app.id}"))
    steps = re.findall(r'data-testid="event" data-to="\w+">\s*'
                       r'<td>[^<]*</td><td>([^<]*)</td><td>[^<]*</td><td>([^<]*)</td>', page)
    assert steps[-5:] == [("ag1_e1", "录入评估记录"), ("ag1_a", "会签完成"), ("ag1_e2", "专家确认（第一位）"),
                          ("ag1_e3", "专家确认完成"), ("ag1_e3", "公示")]
    assert page.count('data-testid="confirmation"') == 2


def test_an_item_outside_its_allowed_values_is_refused_and_nothing_stored(client, session, c):
    app = wb.scheduled(session, c)
    session.commit()
    login(client, "ag1_e1")
    items = {code: str(v) for code, v in ab.ITEMS_BY_LEVEL[3].items()} | {"feeding": "7"}
    response = client.post(f"/assessment/{app.id}/record", data={**items, "version": str(app.version)})
    assert response.status_code == 400
    assert re.search(r'<select class="form-select form-select-sm is-invalid" id="feeding"', wb.html(response))
    assert session.scalars(select(Assessment)).first() is None


def test_an_assessor_not_on_site_gets_403_on_the_entry_page(client, session, c):
    app = wb.scheduled(session, c)
    session.commit()
    login(client, "ag1_e2")
    assert client.get(f"/assessment/{app.id}/record").status_code == 403


def test_object_during_publicity_opens_a_review(client, session, c):
    app = wb.publicized_today(session, c)
    session.commit()
    login(client, "ins_op")
    assert 'data-testid="object-form"' in wb.html(client.get(f"/assessment/{app.id}"))
    act(client, app, "object", reason="家属认为评估等级偏低")
    app = reload(session, app)
    assert app.status == "objected" and app.paused_since == wb.today()
    page = wb.html(client.get(f"/assessment/{app.id}"))
    child_href, child_no = re.search(r'href="(/assessment/\d+)" data-testid="child-link">(SQ-\d{4}-\d{6})<',
                                     page).groups()
    assert child_no != app.number                                     # users see numbers, not ids
    assert f'data-testid="parent-link">{app.number}<' in wb.html(client.get(child_href))


def test_the_filing_provider_withdraws_and_the_insurer_cancels_with_a_reason(client, session, c):
    mine, other = wb.submitted(session, c, by="pr_op"), wb.submitted(session, c)
    session.commit()
    login(client, "pr_op")
    act(client, mine, "withdraw", reason="家属决定暂不申请")
    assert reload(session, mine).status == "withdrawn"
    wb.switch_to(client, "ins_op")
    act(client, other, "cancel")                                            # a reason is required
    assert reload(session, other).status == "submitted"
    act(client, other, "cancel", reason="重复申请")
    other = reload(session, other)
    assert (other.status, other.close_reason) == ("cancelled", "重复申请")
    assert trail(client, other) == ["submitted", "cancelled"]


def test_a_stale_page_is_refused(client, session, c):
    app = wb.submitted(session, c)
    session.commit()
    login(client, "ins_op")
    response = client.post(f"/assessment/{app.id}/accept", data={"accept-version": str(app.version - 1)})
    assert response.status_code == 302 and reload(session, app).status == "submitted"
    assert "请刷新后重试" in flashed(client, app)


def test_the_self_assessment_can_be_recorded_again_before_acceptance(client, session, c):
    app = wb.submitted(session, c, by="pr_op")
    session.commit()
    login(client, "ins_op")
    assert 'data-testid="self-assessment-form"' in wb.html(client.get(f"/assessment/{app.id}"))
    act(client, app, "self-assessment", **{item: answer for item, answer in ab.ANSWERS_D.items()})
    app = reload(session, app)
    assert app.self_assessment.grade == "D"
    assert 'data-testid="self-grade">D<' in wb.html(client.get(f"/assessment/{app.id}"))


def test_more_documents_can_be_added_while_the_application_is_open(client, session, c):
    app = wb.submitted(session, c, by="pr_op")
    session.commit()
    login(client, "pr_op")
    response = client.post(f"/assessment/{app.id}/documents", content_type="multipart/form-data", data={
        "documents-version": str(app.version), "documents-documents": [(io.BytesIO(wb.PDF), "出院小结.pdf")]})
    assert response.status_code == 302
    assert "出院小结.pdf" in wb.html(client.get(f"/assessment/{app.id}"))
    response = client.post(f"/assessment/{app.id}/documents", content_type="multipart/form-data", data={
        "documents-version": str(app.version), "documents-documents": [(io.BytesIO(b"GIF89a"), "x.gif")]})
    assert "不是 PDF、JPG 或 PNG" in wb.html(response)
    assert len(session.scalars(select(ApplicationDocument)).all()) == 1


STEPS = ("self-assessment", "documents", "accept", "refuse", "dispatch", "schedule", "reschedule", "cosign",
         "confirm", "record", "object", "withdraw", "cancel")
ALLOWED = {"self-assessment": {"ins_op", "pr_op"}, "documents": {"ins_op", "pr_op"}, "accept": {"ins_op"},
           "refuse": {"ins_op"}, "dispatch": {"ins_op"}, "cancel": {"ins_op"}, "schedule": {"ag_admin"},
           "reschedule": {"ag_admin"}, "cosign": {"ag_assessor"},
           "confirm": {"ag_assessor"}, "record": {"ag_assessor"}, "object": {"ins_op", "pr_op"},
           "withdraw": {"ins_op", "pr_op"}}
USERS = ("mia_admin", "mia_op", "ins_admin", "ins_op", "ins_rev", "ag_admin", "ag_assessor", "pr_admin", "pr_op",
         "pr_carer")


@pytest.mark.parametrize("step", STEPS)
def test_roles_not_allowed_a_step_get_403(client, session, c, step):
    app = wb.submitted(session, c)
    session.commit()
    for username in USERS:
        if username in ALLOWED[step]:
            continue
        wb.switch_to(client, username)
        response = client.post(f"/assessment/{app.id}/{step}", data={})
        assert response.status_code == 403, (step, username)
    assert reload(session, app).status == "submitted"


def test_a_step_on_an_application_out_of_scope_is_404(client, session, c):
    elsewhere = wb.submitted(session, c, by="pr_op", district="朝阳区")
    session.commit()
    login(client, "ins_op")
    assert act(client, elsewhere, "accept").status_code == 404
    wb.switch_to(client, "pr2_op")
    assert act(client, elsewhere, "withdraw").status_code == 404
    assert reload(session, elsewhere).status == "submitted"


def test_the_forms_are_csrf_protected(csrf_client, session, c):
    app = wb.submitted(session, c)
    session.commit()
    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    csrf_client.post("/login", data={"username": "ins_op", "password": "test-pass-123", "csrf_token": token})
    response = csrf_client.post(f"/assessment/{app.id}/accept", data={"accept-version": str(app.version)})
    assert response.status_code == 400 and reload(session, app).status == "submitted"
    page = wb.html(csrf_client.get(f"/assessment/{app.id}"))
    token = re.search(r'name="accept-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(f"/assessment/{app.id}/accept",
                                data={"accept-version": str(app.version), "accept-csrf_token": token})
    assert response.status_code == 302 and reload(session, app).status == "accepted"


def test_a_role_that_may_not_open_notices_sees_their_numbers_without_a_link(client, session, c):
    """SPEC §1: an agency's assessor may not open notices (403 in the UI and the API alike)."""
    app = wb.dispatched(session, c)
    session.commit()
    login(client, "ag1_a")
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert re.search(r'data-testid="notice-number">ACC-\d{4}-\d{6}<', page)
    assert 'data-testid="notice-link"' not in page
    wb.switch_to(client, "ag1_admin")
    assert 'data-testid="notice-link">ACC-' in wb.html(client.get(f"/assessment/{app.id}"))


def test_a_second_on_site_expert_is_told_the_off_site_rule_instead_of_a_confirm_button(client, session, c):
    a = c.agencies[0]
    app = wb.dispatched(session, c)
    scheduling.schedule(session, app.id, actor=actor_of(a.admin), now=utcnow(), visit_on=wb.today(),
                        assessors=ab.on_site(a.experts[0], a.experts[1]))
    ab.declare(session, app, a.experts[0], a.experts[1], now=utcnow())
    evaluation.enter_assessment(session, app.id, ab.ITEMS_BY_LEVEL[3], actor=actor_of(a.experts[0]), now=utcnow())
    evaluation.cosign(session, app.id, actor=actor_of(a.experts[1]), now=utcnow())
    evaluation.confirm(session, app.id, actor=actor_of(a.experts[0]), now=utcnow())
    session.commit()
    login(client, "ag1_e2")                           # on site too: may not be the second confirmer
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert 'data-testid="confirm-form"' not in page
    assert 'data-testid="confirm-off-site-only"' in page and "未参与现场评估" in page
    assert app.id not in wb.row_ids(client.get("/assessment/queues/to_confirm"))     # nor in their queue
    wb.switch_to(client, "ag1_e3")                    # off site: confirms
    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert 'data-testid="confirm-form"' in page and 'data-testid="confirm-off-site-only"' not in page
    assert app.id in wb.row_ids(client.get("/assessment/queues/to_confirm"))


def test_a_refused_schedule_shows_every_error_at_once_and_keeps_the_input(client, session, c):
    app = wb.dispatched(session, c)
    session.commit()
    login(client, "ag1_admin")
    response = act(client, app, "schedule", visit_on="", assessor_1=str(c.agencies[0].assessor.id), assessor_2="")
    assert response.status_code == 400 and reload(session, app).status == "dispatched"
    form = re.search(r'data-testid="schedule-form".*?</form>', wb.html(response), re.S).group(0)
    assert sorted(re.findall(r'data-testid="field-error" data-field="(\w+)"', form)) == ["assessor_2", "visit_on"]
    assert f'<option selected value="{c.agencies[0].assessor.id}">' in form


def test_the_record_shows_labelled_totals_and_grades_and_the_assessors_notes(client, session, c):
    app = wb.scheduled(session, c)
    evaluation.enter_assessment(session, app.id, ab.ITEMS_BY_LEVEL[3], actor=actor_of(c.agencies[0].experts[0]),
                                now=utcnow(), notes="老人右侧偏瘫，需助行器")
    session.commit()
    login(client, "ins_op")
    page = wb.html(client.get(f"/assessment/{app.id}"))
    record = page[page.index('data-testid="record"'):page.index('data-testid="explanation"')]
    rows = re.findall(r'<dt class="col-6">([^<]+)</dt><dd class="col-6" data-testid="indicator">([^<]+)</dd>', record)
    assert [name for name, _ in rows] == ["日常生活活动能力", "认知能力", "感知觉与沟通能力"]
    labelled = r"总分 \d+ 分 · 等级 \d（(能力完好|轻度受损|中度受损|重度受损)）"
    assert all(re.fullmatch(labelled, text) for _, text in rows)
    assert re.search(r'data-testid="record-level">3 \S+<', record)
    assert "老人右侧偏瘫，需助行器" in page[page.index('data-testid="record-notes"'):]


def test_the_assessment_form_shows_the_national_scale_wording_of_each_score(client, session, c):
    app = wb.scheduled(session, c)          # both assessors on site have declared
    session.commit()
    login(client, "ag1_e1")
    page = wb.html(client.get(f"/assessment/{app.id}/record"))
    feeding = re.search(r'<select[^>]*name="feeding".*?</select>', page, re.S).group(0)
    assert '<option value="10">10 分：可独立进食' in feeding and "0 分：需极大帮助或完全依赖他人" in feeding
    assert "时间观念（年、月）清楚" in page
