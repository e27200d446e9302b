"""Dynamic management pages (SPEC §1, §8 effects): the provider answers a rectification notice (a file
optional), the insurer checks it, the MIA overviews; the notice PDF; the MIA admin decides an agreement
review; other organisations get 404s; English words."""
import io
import subprocess
from datetime import date

from sqlalchemy import select

from ltc.orgs.services import status_on
from ltc.ratings.effects.models import AgreementReviewProposal, RectificationNotice
from tests.assessment_web_builders import switch_to
from tests.builders import org, user
from tests.conftest import login
from tests.effects_builders import annual, monthly, placed

FEB = date(2026, 2, 1)
PDF = b"%PDF-1.4\n% test\n"


def _notice(session, world) -> RectificationNotice:
    placed(session, world)
    monthly(session, world.provider, date(2026, 1, 1), 4)
    monthly(session, world.provider, FEB, 2)
    session.commit()
    return session.scalars(select(RectificationNotice).where(
        RectificationNotice.provider_id == world.provider.id)).one()


def test_the_provider_answers_with_a_file_and_the_insurer_checks(client, session, world, tmp_path, app,
                                                                monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENTS_FOLDER", str(tmp_path))
    notice = _notice(session, world)
    login(client, "pr_op")
    assert notice.number in client.get("/").data.decode()                         # to answer, on the home page
    page = client.get(f"/ratings/effects/notices/{notice.id}").data.decode()
    assert 'data-testid="response-form"' in page and "待机构整改答复" in page
    response = client.post(f"/ratings/effects/notices/{notice.id}/respond",
                           data={"text": "已组织护理员培训", "file": (io.BytesIO(PDF), "整改报告.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(f"/ratings/effects/notices/{notice.id}").data.decode()
    assert "已组织护理员培训" in page and "整改报告.pdf" in page and 'data-testid="response-form"' not in page
    switch_to(client, "ins_op")
    assert notice.number in client.get("/").data.decode()                         # to check
    response = client.post(f"/ratings/effects/notices/{notice.id}/check", data={"decision": "not_accepted"})
    assert response.status_code == 400 and "核查不通过须填写原因" in response.data.decode()
    client.post(f"/ratings/effects/notices/{notice.id}/check", data={"decision": "not_accepted", "reason": "缺签到表"})
    page = client.get(f"/ratings/effects/notices/{notice.id}").data.decode()
    assert "缺签到表" in page and "核查不通过" in page and "待机构整改答复" in page
    [stored] = [r for r in session.scalars(select(RectificationNotice)) if r.id == notice.id][0].responses
    file_page = client.get(f"/ratings/effects/notices/{notice.id}/responses/{stored.id}/file")
    assert file_page.status_code == 200 and file_page.data == PDF
    file_page.close()


def test_notices_and_proposals_outside_the_scope_are_404(client, session, world):
    notice = _notice(session, world)
    annual(session, world.provider, 2025, 1)
    session.commit()
    proposal = session.scalars(select(AgreementReviewProposal)).one()
    other = org(session, "insurer", "另一承办公司", 31, districts=["南城区"])
    user(session, other, "ins2_op", "operator")
    session.commit()
    login(client, "ins2_op")
    assert client.get(f"/ratings/effects/notices/{notice.id}").status_code == 404
    assert client.post(f"/ratings/effects/notices/{notice.id}/check", data={"decision": "accepted"}).status_code == 404
    assert notice.number not in client.get("/ratings/effects/notices").data.decode()
    switch_to(client, "pr2_op")
    assert client.get(f"/ratings/effects/notices/{notice.id}").status_code == 404
    assert client.get(f"/ratings/effects/notices/{notice.id}/notice.pdf").status_code == 404
    assert client.post(f"/ratings/effects/notices/{notice.id}/respond", data={"text": "x"}).status_code == 404
    assert notice.number not in client.get("/ratings/effects/notices").data.decode()
    switch_to(client, "ins_op")
    assert client.get(f"/ratings/effects/proposals/{proposal.id}").status_code == 403
    switch_to(client, "mia_op")
    assert client.get(f"/ratings/effects/proposals/{proposal.id}").status_code == 403
    assert notice.number in client.get("/ratings/effects/notices").data.decode()   # the MIA overviews


def test_the_mia_admin_suspends_a_provider_from_its_inbox(client, session, world):
    placed(session, world)
    annual(session, world.provider, 2024, 2)
    annual(session, world.provider, 2025, 2)
    session.commit()
    proposal = session.scalars(select(AgreementReviewProposal)).one()
    login(client, "mia_admin")
    home = client.get("/").data.decode()
    assert "协议处理建议" in home and world.provider.name in home
    page = client.get(f"/ratings/effects/proposals/{proposal.id}").data.decode()
    assert "连续两个年度星级为二星" in page
    response = client.post(f"/ratings/effects/proposals/{proposal.id}",
                           data={"decision": "suspend", "effective_on": "2026-07-01", "reason": "连续两年二星"})
    assert response.status_code == 302
    assert status_on(session, world.provider, date(2026, 7, 1)) == "suspended"
    page = client.get(f"/ratings/effects/proposals/{proposal.id}").data.decode()
    assert "已暂停协议" in page and "连续两年二星" in page and 'data-testid="decision-form"' not in page


def test_the_notice_pages_in_english(client, session, world):
    notice = _notice(session, world)
    login(client, "pr_op")
    client.post("/lang/en", data={"next": "/"})
    page = client.get(f"/ratings/effects/notices/{notice.id}").data.decode()
    assert "Rectification notice" in page and "Awaiting the provider" in page
    assert "待机构整改答复" not in page


def test_the_rectification_notice_pdf_has_the_chinese_text(client, session, world, real_pdf):
    notice = _notice(session, world)
    login(client, "pr_admin")
    response = client.get(f"/ratings/effects/notices/{notice.id}/notice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode()
    assert "整改通知书" in text and world.provider.name in text and notice.number in text
