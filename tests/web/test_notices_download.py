"""GET /notices/<id>.pdf: the stored PDF for users who can see the notice's subject, 404 otherwise."""
import hashlib

import pytest
from sqlalchemy import select, update

from ltc.auth.scope import scoped
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.notices import services
from ltc.notices.models import Notice
from ltc.notices.rendering import render_pending, using
from ltc.orgs.models import Organisation
from tests.conftest import NOW, login
from tests.unit.test_notices_documents import acceptance_data


def org_visible(session, user, org_id: int) -> bool:
    """A test subject type: an organisation, visible under the organisations' scope rule."""
    stmt = scoped(select(Organisation.id).where(Organisation.id == org_id), Organisation, user)
    return session.scalars(stmt).first() is not None


@pytest.fixture
def pending(session, world, monkeypatch):
    """A notice numbered and committed whose PDF is not rendered yet."""
    monkeypatch.setitem(services.subject_visibility, "test_org", org_visible)
    issued = services.issue_notice(session, kind="acceptance", subject_type="test_org", subject_id=world.insurer.id,
                                   data=acceptance_data(), actor=SYSTEM, now=NOW)
    session.commit()
    services.take_issued(session)  # not this test session's requests' to render
    return issued


@pytest.fixture
def notice(session, pending):
    render_pending(using(session), [pending.id])
    return pending


@pytest.mark.parametrize("username", ["ins_op", "mia_admin"])
def test_a_user_who_sees_the_subject_downloads_the_issued_pdf(client, session, notice, username):
    login(client, username)
    response = client.get(f"/notices/{notice.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="ACC-2026-000001.pdf"'
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.data == notice.content
    assert hashlib.sha256(response.data).hexdigest() == notice.sha256
    viewer = session.scalars(select(AuditEntry).where(AuditEntry.entity == "notice", AuditEntry.action == "view",
                                                      AuditEntry.entity_id == str(notice.id))).one()
    assert viewer.detail == "ACC-2026-000001"


@pytest.mark.parametrize("username", ["pr_op", "ag_admin"])
def test_a_user_who_cannot_see_the_subject_gets_404(client, notice, username):
    login(client, username)
    response = client.get(f"/notices/{notice.id}.pdf")
    assert response.status_code == 404
    assert b"%PDF" not in response.data


def test_a_notice_of_an_unregistered_subject_type_is_visible_to_nobody(client, session, world, notice):
    session.execute(update(Notice).where(Notice.id == notice.id).values(subject_type="unregistered"))
    session.commit()
    login(client, "mia_admin")
    assert client.get(f"/notices/{notice.id}.pdf").status_code == 404


def test_unknown_notice_is_404(client, notice):
    login(client, "mia_admin")
    assert client.get(f"/notices/{notice.id + 1000}.pdf").status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client, notice):
    response = client.get(f"/notices/{notice.id}.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_stored_pdf_that_no_longer_matches_its_sha256_is_not_served(client, session, notice, caplog):
    session.execute(update(Notice).where(Notice.id == notice.id).values(content=notice.content + b"tampered"))
    session.commit()
    login(client, "ins_op")
    response = client.get(f"/notices/{notice.id}.pdf")
    assert response.status_code == 500
    assert response.mimetype == "text/html" and b"%PDF" not in response.data
    assert "ACC-2026-000001: stored PDF does not match its SHA-256" in caplog.text


def test_a_pending_notice_answers_that_it_is_being_generated(client, session, pending):
    login(client, "ins_op")
    response = client.get(f"/notices/{pending.id}.pdf")
    assert response.status_code == 409
    assert "通知书 ACC-2026-000001 正在生成，请稍后再下载" in response.data.decode()
    render_pending(using(session), [pending.id])
    assert client.get(f"/notices/{pending.id}.pdf").status_code == 200


@pytest.mark.parametrize("username, status", [("pr_carer", 403), ("ag_assessor", 403), ("pr_op", 404)])
def test_the_ui_and_the_api_follow_the_who_does_what_table_for_notices(client, session, notice, username, status):
    """SPEC §1 "open notices of subjects in scope": provider admin, operator, reviewer — no carer;
    agency admin, reviewer. A refused role gets 403 on the page and in the API alike."""
    from tests.web.test_api_core import token_for

    token = token_for(client, username)
    login(client, username)
    assert client.get(f"/notices/{notice.id}.pdf").status_code == status  # pr_op: not its subject
    api = client.get(f"/api/v1/applications/1/notices/{notice.id}.pdf", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == status and b"%PDF" not in api.data
