"""Filing an application through the form (SPEC §3.1), and who may download its documents."""
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ltc.assessment.applications.models import Application, ApplicationDocument
from tests import assessment_builders as ab
from tests import assessment_web_builders as wb
from tests.conftest import login
from tests.entitlement_builders import grant


@pytest.fixture
def c(shared_cast):
    return shared_cast


def form_data(person, **overrides) -> dict:
    data = {"id_number": person.id_number, "person_name": person.name, "applicant_name": "李小光",
            "applicant_relation": "child", "applicant_phone": "13900001111", "declared_disability_6m": "y",
            **{f"sa_{item}": answer for item, answer in ab.ANSWERS_E.items()},
            "care_type": "home", "provider_id": "", "bank_holder": "", "bank_name": "", "bank_account_no": ""}
    data.update(overrides)
    return data


def applications(session) -> int:
    return session.scalar(select(func.count(Application.id)))


def post(client, data, files=()):
    payload = dict(data)
    payload["documents"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/assessment/new", data=payload, content_type="multipart/form-data")


def test_the_form_offers_active_providers_with_their_care_types(client, c):
    login(client, "ins_op")
    page = wb.html(client.get("/assessment/new"))
    assert 'data-care-types="home"' in page and 'data-care-types="institution"' in page
    assert len(re.findall(r'id="sa_feeding-\d" name="sa_feeding" required type="radio"', page)) == 3
    assert '<script src="/static/js/intake.js"></script>' in page


def test_an_insurer_operator_files_an_application_with_documents(client, session, c):
    person = c.persons[0]
    login(client, "ins_op")
    response = post(client, form_data(person, provider_id=str(c.world.provider.id), bank_holder="李小光",
                                      bank_name="工商银行", bank_account_no="6222 0000 1111 2222"),
                    files=[("病历.pdf", wb.PDF), ("照片.png", wb.PNG)])
    assert response.status_code == 302
    app = session.scalars(select(Application)).one()
    assert (app.status, app.person_id, app.filed_by_org_id) == ("submitted", person.id, c.world.insurer.id)
    assert (app.preferred_care_type, app.preferred_provider_id, app.bank_account_no) == (
        "home", c.world.provider.id, "6222000011112222")
    assert app.self_assessment.grade == "E"
    assert response.headers["Location"].endswith(f"/assessment/{app.id}")

    page = wb.html(client.get(f"/assessment/{app.id}"))
    assert "病历.pdf" in page and "照片.png" in page and 'data-testid="self-grade">E<' in page
    assert 'data-to="submitted"' in page                       # the trail starts with the filing
    assert "6222********2222" in page and "6222000011112222" not in page
    [pdf, _png] = session.scalars(select(ApplicationDocument).order_by(ApplicationDocument.id)).all()
    with client.get(f"/assessment/documents/{pdf.id}") as download:
        assert download.status_code == 200 and download.mimetype == "application/pdf"
        assert download.get_data() == wb.PDF and download.headers["Cache-Control"] == "private, no-store"


def test_a_provider_files_for_a_person_it_has_no_link_to_by_id_number_and_name(client, session, c):
    person = wb.new_person(session, name="孙八", district="朝阳区")
    session.commit()
    login(client, "pr_op")
    assert post(client, form_data(person)).status_code == 302
    app = session.scalars(select(Application)).one()
    assert (app.person_id, app.filed_by_org_id) == (person.id, c.world.provider.id)
    assert wb.row_ids(client.get("/assessment/queues/filed")) == [app.id]


@pytest.mark.parametrize("overrides,message", [
    ({"person_name": "别人"}, "参保人不存在，或姓名与身份证号不符"),
    ({"sa_bathing": ""}, "请选择"),
    ({"applicant_phone": "abc"}, "电话只能包含数字"),
    ({"id_number": "110101195001011234"}, "校验"),
    ({"care_type": "institution", "provider_id": "PROVIDER"}, "该机构当日不提供所选服务形式"),
    ({"bank_holder": "李小光"}, "银行账户须同时填写"),
])
def test_bad_input_is_shown_on_the_form_and_nothing_is_filed(client, session, c, overrides, message):
    if overrides.get("provider_id") == "PROVIDER":
        overrides["provider_id"] = str(c.world.provider.id)       # a home-care provider, not institution
    login(client, "ins_op")
    response = post(client, form_data(c.persons[0], **overrides))
    assert response.status_code == 400 and message in wb.html(response)
    assert applications(session) == 0


def test_a_document_that_is_not_pdf_jpg_or_png_is_refused(client, session, c):
    login(client, "ins_op")
    response = post(client, form_data(c.persons[0]), files=[("病历.pdf", b"<html>not a pdf</html>")])
    assert response.status_code == 400 and "不是 PDF、JPG 或 PNG" in wb.html(response)
    assert applications(session) == 0


def test_an_insurer_cannot_file_for_a_person_outside_its_districts(client, session, c):
    person = wb.new_person(session, name="周九", district="朝阳区")
    session.commit()
    login(client, "ins_op")
    response = post(client, form_data(person))
    assert response.status_code == 400 and "参保人不存在" in wb.html(response)
    assert applications(session) == 0


@pytest.mark.parametrize("username", ["mia_op", "ag_admin", "ag_assessor", "ins_rev", "pr_carer"])
def test_roles_that_do_not_file_get_403(client, c, username):
    login(client, username)
    assert client.get("/assessment/new").status_code == 403


def test_documents_are_served_only_within_the_scope(client, session, c):
    login(client, "pr_op")
    assert post(client, form_data(c.persons[0]), files=[("病历.pdf", wb.PDF)]).status_code == 302
    doc = session.scalars(select(ApplicationDocument)).one()
    url = f"/assessment/documents/{doc.id}"
    assert status_of(client, url) == 200
    assert status_of(client, "/assessment/documents/999999") == 404
    for username, status in (("pr2_op", 404), ("ag_admin", 404), ("ins_op", 200), ("mia_op", 200),
                             ("pr_carer", 403)):
        wb.switch_to(client, username)
        assert status_of(client, url) == status, username


def status_of(client, url) -> int:
    with client.get(url) as response:
        return response.status_code


def test_the_insurer_orders_a_reassessment_with_a_reason(client, session, c):
    previous = ab.past_conclusion(session, c.persons[0].id, wb.today() - timedelta(days=200))
    grant(session, c.persons[0], c.world.provider, care_type="home", conclusion_of=previous)   # a beneficiary
    session.commit()
    login(client, "ins_op")
    response = post(client, form_data(c.persons[0], kind="reassessment"))
    assert response.status_code == 400 and "重新评估须注明原因" in wb.html(response)
    ordered = form_data(c.persons[0], kind="reassessment", reassessment_reason="follow_up")
    assert post(client, ordered).status_code == 302
    app = session.scalars(select(Application).where(Application.kind == "reassessment")).one()
    assert app.reassessment_reason == "follow_up" and app.previous_id is not None


def test_a_provider_is_not_offered_a_reassessment(client, c):
    login(client, "pr_op")
    page = wb.html(client.get("/assessment/new"))
    assert 'name="kind"' not in page and 'name="reassessment_reason"' not in page


def test_back_and_submit_again_is_refused_with_a_link_to_the_open_application(client, session, c):
    person = c.persons[0]
    login(client, "pr_op")
    first = post(client, form_data(person))
    assert first.status_code == 302
    app = session.scalars(select(Application)).one()
    assert "已提交申请 " + app.number in wb.html(client.get(first.headers["Location"]))  # the flash: its number
    again = post(client, form_data(person))                  # the browser's Back, then submit once more
    assert again.status_code == 409 and applications(session) == 1
    page = wb.html(again)
    assert f'href="/assessment/{app.id}">{app.number}</a>' in page and "不能重复提交" in page
