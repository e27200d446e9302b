"""Login throttling at the request edge (issue #9 point 8): wrong passwords for one account do
not lock the other users at that IP (page and API); the limits come from the app's settings; the
client's address is taken from ``X-Forwarded-For`` only behind the configured number of trusted
proxies (``LTC_TRUSTED_PROXIES``)."""
import pytest
from sqlalchemy import select

from ltc import create_app
from ltc.auth.models import LoginAttempt
from ltc.config import trusted_proxies
from tests.builders import PASSWORD


def token_request(client, username: str, password: str, **headers) -> int:
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       headers=headers).status_code


def page_login(client, username: str, password: str, **headers) -> int:
    return client.post("/login", data={"username": username, "password": password}, headers=headers).status_code


def test_wrong_passwords_for_one_account_do_not_lock_the_other_users_at_that_ip(client, world):
    assert [token_request(client, "pr_carer", "bad") for _ in range(6)] == [401] * 5 + [429]
    assert token_request(client, "pr2_admin", PASSWORD) == 201
    assert page_login(client, "pr_carer", PASSWORD) == 429
    assert page_login(client, "pr2_op", PASSWORD) == 302


def test_the_limits_and_the_lock_come_from_the_apps_settings(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 2)
    monkeypatch.setitem(app.config, "LOGIN_LOCK_MINUTES", 30)
    assert [page_login(client, "pr_admin", "bad") for _ in range(2)] == [401, 401]
    locked = client.post("/login", data={"username": "pr_admin", "password": PASSWORD})
    assert locked.status_code == 429 and "30 分钟" in locked.data.decode()


def recorded_ips(session, username: str) -> list[str]:
    return session.scalars(select(LoginAttempt.ip).where(LoginAttempt.username == username)
                           .order_by(LoginAttempt.id)).all()


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, session, world):
    for n in range(5):
        assert page_login(client, "pr_admin", "bad", **{"X-Forwarded-For": f"203.0.113.{n}"}) == 401
    assert page_login(client, "pr_admin", PASSWORD, **{"X-Forwarded-For": "198.51.100.1"}) == 429
    assert set(recorded_ips(session, "pr_admin")) == {"127.0.0.1"}


@pytest.fixture
def behind_one_proxy(app, session):
    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1, "WTF_CSRF_ENABLED": False})
    yield proxied.test_client()
    with proxied.app_context():
        from ltc.extensions import db
        db.engine.dispose()


def test_behind_a_trusted_proxy_each_client_is_throttled_by_its_own_address(behind_one_proxy, session, world):
    client = behind_one_proxy
    for _ in range(5):
        assert page_login(client, "pr_admin", "bad", **{"X-Forwarded-For": "203.0.113.7"}) == 401
    assert page_login(client, "pr_admin", PASSWORD, **{"X-Forwarded-For": "203.0.113.7"}) == 429
    assert page_login(client, "pr_admin", PASSWORD, **{"X-Forwarded-For": "203.0.113.8"}) == 302
    assert recorded_ips(session, "pr_admin") == ["203.0.113.7"] * 5 + ["203.0.113.8"]


def test_behind_one_trusted_proxy_only_the_address_it_added_counts(behind_one_proxy, session, world):
    spoofed = {"X-Forwarded-For": "10.9.9.9, 203.0.113.7"}  # the client wrote the first, the proxy the last
    assert token_request(behind_one_proxy, "pr_admin", "bad", **spoofed) == 401
    assert recorded_ips(session, "pr_admin") == ["203.0.113.7"]


@pytest.mark.parametrize("value, proxies", [(None, 0), ("", 0), ("0", 0), ("2", 2), (" 1 ", 1)])
def test_the_trusted_proxies_setting_is_a_count(value, proxies):
    assert trusted_proxies(value) == proxies


@pytest.mark.parametrize("value", ["-1", "yes", "1.5", "１"])
def test_a_malformed_trusted_proxies_setting_stops_the_app(value):
    with pytest.raises(ValueError, match="LTC_TRUSTED_PROXIES"):
        trusted_proxies(value)

