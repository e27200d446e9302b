"""Configuration from the environment: DATABASE_URL, SECRET_KEY, LTC_ENV, LTC_GO_LIVE_DATE,
LTC_TRUSTED_PROXIES."""
import os
import secrets
from datetime import date
from pathlib import Path


def instance_secret(instance_path: str) -> str:
    """A per-instance secret generated on first start and kept in ``instance/secret_key``."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def go_live_date(value: str | None) -> date | None:
    """``LTC_GO_LIVE_DATE`` (``YYYY-MM-DD``): the day the system went live. The go-live import
    (SPEC §4.2) only takes entitlements starting before it; unset, the import is refused.
    Raises ValueError at start-up for a malformed value."""
    return date.fromisoformat(value) if value else None


def trusted_proxies(value: str | None) -> int:
    """``LTC_TRUSTED_PROXIES``: how many reverse proxies in front of the app add themselves to
    ``X-Forwarded-For`` (and set ``X-Forwarded-Proto``); 0 or unset, the headers are ignored and the
    client is the connection's peer. Raises ValueError at start-up for anything but a count."""
    text = (value or "").strip() or "0"
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"LTC_TRUSTED_PROXIES must be a number of proxies (0, 1, 2 …), not {value!r}")
    return int(text)


class Config:
    LTC_ENV = os.environ.get("LTC_ENV", "development")
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    #: no ping at every checkout: ``create_app`` pings connections that sat idle (``core.db.ping_when_idle``)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = LTC_ENV == "production"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = LTC_ENV == "production"
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    BOOTSTRAP_SERVE_LOCAL = True
    PER_PAGE = 25
    LOGIN_MAX_FAILURES = 5            # failures of one account at one IP that lock it there
    LOGIN_MAX_ACCOUNT_FAILURES = 20   # … of one account from any IP that lock it everywhere
    LOGIN_MAX_IP_FAILURES = 100       # … at one IP, for any accounts, that lock that IP
    LOGIN_LOCK_MINUTES = 15           # the window counted and the lock's length
    TRUSTED_PROXIES = trusted_proxies(os.environ.get("LTC_TRUSTED_PROXIES"))
    WTF_CSRF_TIME_LIMIT = None
    GO_LIVE_DATE = go_live_date(os.environ.get("LTC_GO_LIVE_DATE"))


class TestConfig(Config):
    TESTING = True
    LTC_ENV = "test"
    SECRET_KEY = "test-secret-not-for-production"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    GO_LIVE_DATE = date(2026, 1, 1)
    API_CHECK_RESPONSES = True  # every API response in the tests must be the model its route documents
