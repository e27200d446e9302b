"""CSRF, login throttling, security headers, password change."""
from datetime import timedelta

from sqlalchemy import func, select

from ltc.auth import services
from ltc.auth.models import LoginAttempt
from ltc.core.clock import utcnow
from tests.builders import PASSWORD
from tests.conftest import login


def test_post_without_csrf_token_is_rejected(csrf_client, world):
    response = csrf_client.post("/login", data={"username": "pr_admin", "password": PASSWORD})
    assert response.status_code == 400
    assert csrf_client.get("/").status_code == 302  # not logged in


def test_post_with_csrf_token_is_accepted(csrf_client, world):
    page = csrf_client.get("/login").data.decode()
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = csrf_client.post("/login", data={"username": "pr_admin", "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302


def test_five_failures_lock_the_account_even_for_the_right_password(client, world):
    for _ in range(5):
        assert client.post("/login", data={"username": "pr_admin", "password": "wrong"}).status_code == 401
    locked = client.post("/login", data={"username": "pr_admin", "password": PASSWORD})
    assert locked.status_code == 429
    assert "15 分钟" in locked.data.decode()


def test_lock_expires_after_fifteen_minutes(session, world):
    now = utcnow()
    for _ in range(5):
        session.add(LoginAttempt(username="pr_admin", ip="10.0.0.9", at=now - timedelta(minutes=16),
                                 success=False))
    session.flush()
    user = services.authenticate(session, username="pr_admin", password=PASSWORD, ip="10.0.0.9", now=now)
    assert user.username == "pr_admin"


def test_failed_attempts_are_recorded(client, session, world):
    client.post("/login", data={"username": "pr_admin", "password": "wrong"})
    count = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == "pr_admin", LoginAttempt.success.is_(False)))
    assert count == 1


def test_security_headers_forbid_inline_scripts(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.data.decode()


def test_session_cookie_is_httponly(client, world):
    response = client.post("/login", data={"username": "pr_admin", "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_password_change_requires_current_password(client, world):
    login(client, "pr_admin")
    bad = client.post("/password", data={"current_password": "nope", "new_password": "newpass-2026",
                                         "confirm": "newpass-2026"})
    assert "当前密码不正确" in bad.data.decode()
    ok = client.post("/password", data={"current_password": PASSWORD, "new_password": "newpass-2026",
                                        "confirm": "newpass-2026"})
    assert ok.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"username": "pr_admin", "password": "newpass-2026"}).status_code == 302


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "页面或记录不存在" in response.data.decode()
