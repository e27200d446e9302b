"""API token pages: own tokens listed and revoked; the MIA admin sees and revokes every token."""
import re

import pytest
from sqlalchemy import select

from ltc.auth.models import ApiToken
from ltc.core.audit import AuditEntry
from tests.builders import PASSWORD
from tests.conftest import login

PERSONS = "/api/v1/persons"


def token_for(client, username: str) -> str:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return response.json["token"]


def row_of(session, token: str) -> ApiToken:
    return session.scalars(select(ApiToken).where(ApiToken.prefix == token[:8])).one()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_own_page_lists_only_own_tokens_with_last_use(client, world, session):
    mine, theirs = token_for(client, "ins_op"), token_for(client, "pr_op")
    assert client.get(PERSONS, headers=bearer(mine)).status_code == 200
    login(client, "ins_op")
    page = client.get("/account/tokens").data.decode()
    assert mine[:8] in page and theirs[:8] not in page
    assert page.count('data-testid="token-row"') == 1 and "从未使用" not in page   # used once
    assert "有效" in page


def test_revoking_own_token_stops_it_on_the_api_and_is_audited(client, world, session):
    token = token_for(client, "ins_op")
    other = token_for(client, "ins_op")
    login(client, "ins_op")
    row = row_of(session, token)
    response = client.post(f"/account/tokens/{row.id}/revoke")
    assert response.status_code == 302
    assert client.get(PERSONS, headers=bearer(token)).status_code == 401
    assert client.get(PERSONS, headers=bearer(other)).status_code == 200   # only that one
    session.refresh(row)
    assert row.revoked_at is not None
    issued, revoked = session.scalars(select(AuditEntry).where(AuditEntry.entity == "api_token",
                                                               AuditEntry.entity_id == str(row.id))
                                      .order_by(AuditEntry.id)).all()   # both under the token's row id
    assert (issued.action, issued.after) == ("issue_token", {"user_id": row.user_id, "prefix": token[:8]})
    assert revoked.action == "revoke_token" and revoked.user_id == world.users["ins_op"].id
    assert revoked.after["prefix"] == token[:8] and revoked.after["revoked_at"]
    page = client.get("/account/tokens").data.decode()
    assert "已撤销" in page and f'data-testid="revoke-{row.id}"' not in page


@pytest.mark.parametrize("username", ["ins_admin", "pr_op", "mia_op"])
def test_another_users_token_cannot_be_revoked_from_the_own_page(client, world, session, username):
    token = token_for(client, "ins_op")
    login(client, username)
    row = row_of(session, token)
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert client.get(PERSONS, headers=bearer(token)).status_code == 200
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "revoke_token")).first() is None


@pytest.mark.parametrize("username", ["ins_admin", "pr_admin", "mia_op"])
def test_only_the_mia_admin_reaches_the_all_tokens_page(client, world, session, username):
    token = token_for(client, "ins_op")
    row = row_of(session, token)
    login(client, username)
    assert client.get("/admin/tokens").status_code == 403
    assert client.post(f"/admin/tokens/{row.id}/revoke").status_code == 403
    assert client.get(PERSONS, headers=bearer(token)).status_code == 200


def test_mia_admin_lists_every_token_and_revokes_any(client, world, session):
    a, b = token_for(client, "ins_op"), token_for(client, "pr_op")
    login(client, "mia_admin")
    page = client.get("/admin/tokens").data.decode()
    assert a[:8] in page and b[:8] in page and "承办保险公司" in page and "居家护理甲" in page
    filtered = client.get("/admin/tokens?user=pr_op").data.decode()
    assert b[:8] in filtered and a[:8] not in filtered
    row = row_of(session, a)
    assert client.post(f"/admin/tokens/{row.id}/revoke").status_code == 302
    assert client.get(PERSONS, headers=bearer(a)).status_code == 401
    assert client.get(PERSONS, headers=bearer(b)).status_code == 200
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "revoke_token")).one()
    assert entry.user_id == world.users["mia_admin"].id and entry.org_id == world.mia.id
    active = client.get("/admin/tokens?active=1").data.decode()
    assert f"<code>{a[:8]}…</code>" not in active and f"<code>{b[:8]}…</code>" in active
    assert client.post("/admin/tokens/9999/revoke").status_code == 404


def test_revoking_twice_changes_nothing(client, world, session):
    token = token_for(client, "ins_op")
    login(client, "ins_op")
    row = row_of(session, token)
    client.post(f"/account/tokens/{row.id}/revoke")
    first = row.revoked_at
    client.post(f"/account/tokens/{row.id}/revoke")
    session.refresh(row)
    assert row.revoked_at == first
    assert len(session.scalars(select(AuditEntry).where(AuditEntry.action == "revoke_token")).all()) == 1


def test_revoke_without_csrf_token_is_refused(csrf_client, world, session):
    token = token_for(csrf_client, "ins_op")
    page = csrf_client.get("/login").data.decode()
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    csrf_client.post("/login", data={"username": "ins_op", "password": PASSWORD, "csrf_token": csrf.group(1)})
    row = row_of(session, token)
    assert csrf_client.post(f"/account/tokens/{row.id}/revoke").status_code == 400
    assert csrf_client.get(PERSONS, headers=bearer(token)).status_code == 200
