"""Sessions end on the server (issue #9 point 7): a session cookie saved before logout or before a
password change opens nothing afterwards, and a password change revokes the user's API tokens.
Checking a session on each request writes nothing."""
import pytest
from sqlalchemy import select

from ltc.auth.models import ApiToken
from ltc.core.audit import AuditEntry
from tests.builders import PASSWORD
from tests.conftest import login
from tests.web.test_api_core import token_for
from tests.web.test_request_transactions import writes_made

NEW = "newpass-2026"


def saved_session(client) -> str:
    return client.get_cookie("session").value


def opens_home(client, cookie: str | None = None) -> bool:
    if cookie is not None:
        client.set_cookie("session", cookie)
    response = client.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_session_cookie_saved_before_logout_opens_nothing_afterwards(client, world):
    login(client, "pr_admin")
    saved = saved_session(client)
    assert client.post("/logout").status_code == 302
    assert not opens_home(client, saved)
    assert client.get("/orgs/users").headers["Location"].startswith("/login")


def test_logging_out_is_audited(client, session, world):
    login(client, "pr_admin")
    client.post("/logout")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "logout")).one()
    assert entry.user_id == world.users["pr_admin"].id


def test_one_can_log_in_again_after_logging_out(client, world):
    login(client, "pr_admin")
    client.post("/logout")
    login(client, "pr_admin")
    assert opens_home(client)


def test_a_password_change_ends_every_other_session_but_keeps_the_one_that_made_it(app, client, world):
    login(client, "pr_admin")
    other_device = app.test_client()
    login(other_device, "pr_admin")
    saved = saved_session(client)
    assert client.post("/password", data={"current_password": PASSWORD, "new_password": NEW,
                                          "confirm": NEW}).status_code == 302
    assert opens_home(client)  # the session that changed the password goes on
    assert not opens_home(other_device)
    assert not opens_home(app.test_client(), saved)


def test_a_password_change_revokes_the_users_api_tokens(client, session, world):
    token = token_for(client, "ins_op")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/persons", headers=headers).status_code == 200
    login(client, "ins_op")
    client.post("/password", data={"current_password": PASSWORD, "new_password": NEW, "confirm": NEW})
    assert client.get("/api/v1/persons", headers=headers).status_code == 401
    row = session.scalars(select(ApiToken)).one()
    session.refresh(row)
    assert row.revoked_at is not None
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "api_token",
                                                           AuditEntry.entity_id == str(row.id))).all() == [
        "issue_token", "revoke_token"]
    fresh = client.post("/api/v1/auth/token", json={"username": "ins_op", "password": NEW}).json["token"]
    assert client.get("/api/v1/persons", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_an_admins_password_reset_ends_the_users_sessions_and_revokes_their_tokens(app, client, world):
    operator = app.test_client()
    token = token_for(operator, "pr_op")
    headers = {"Authorization": f"Bearer {token}"}
    assert operator.get("/api/v1/persons", headers=headers).status_code != 401
    login(operator, "pr_op")
    login(client, "pr_admin")
    assert client.post(f"/orgs/users/{world.users['pr_op'].id}/password",
                       data={"password": NEW, "confirm": NEW}).status_code == 302
    assert not opens_home(operator)
    assert operator.get("/api/v1/persons", headers=headers).status_code == 401
    assert opens_home(client)  # the admin's own session is untouched


def test_an_admin_resetting_their_own_password_stays_logged_in(client, world):
    login(client, "pr_admin")
    assert client.post(f"/orgs/users/{world.users['pr_admin'].id}/password",
                       data={"password": NEW, "confirm": NEW}).status_code == 302
    assert opens_home(client)


def test_checking_the_session_on_a_plain_read_writes_nothing(client, world):
    login(client, "pr_admin")
    with writes_made() as writes:
        assert opens_home(client)
        assert client.get("/orgs/users").status_code == 200
    assert writes == []


@pytest.mark.parametrize("key", ["{id}", "{id}:", "{id}:1", "{id}:０", "x:0"])
def test_a_session_key_without_the_current_epoch_opens_nothing(client, world, key):
    """Sessions signed before the epoch existed carry the id alone; their users log in again."""
    with client.session_transaction() as cookie:
        cookie["_user_id"] = key.format(id=world.users["pr_admin"].id)
    assert not opens_home(client)
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{world.users['pr_admin'].id}:0"
    assert opens_home(client)  # the same user with the current epoch
