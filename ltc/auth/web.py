"""The auth domain's request edge: permission checks for pages (403) and for the API (a Bearer
token, 401; then the who-does-what table, 403)."""
from datetime import datetime, timedelta
from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user, login_required

from ltc.auth import services
from ltc.auth.models import User
from ltc.auth.permissions import Action, can
from ltc.core.clock import utcnow
from ltc.core.db import writing
from ltc.core.errors import DomainError, Forbidden
from ltc.extensions import db


def permission_required(action: Action):
    """Log-in required, then the who-does-what table decides (403 when refused)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def login_throttle() -> services.Throttle:
    """The login limits of the app's settings (``LOGIN_*``)."""
    config = current_app.config
    return services.Throttle(per_ip_account=config["LOGIN_MAX_FAILURES"],
                             per_account=config["LOGIN_MAX_ACCOUNT_FAILURES"],
                             per_ip=config["LOGIN_MAX_IP_FAILURES"],
                             lock=timedelta(minutes=config["LOGIN_LOCK_MINUTES"]))


def client_address() -> str:
    """The client's IP: the connection's peer, or what the trusted proxies reported (``ProxyFix``
    installed by ``create_app`` for ``TRUSTED_PROXIES``)."""
    return request.remote_addr or "?"


class Unauthorized(DomainError):
    status = 401


def api_user() -> User:
    """The token's user as a row of the ORM (loaded at the first call of the request), for services
    that take a ``User``."""
    user = g.get("api_user_row")
    if user is None:
        user = g.api_user_row = db.session.get(User, g.api_user.id)
    return user


def api_caller() -> services.TokenUser:
    """Who sends the request as the token check read it (id, username, organisation and its kind,
    roles, language: a plain value, nothing loaded)."""
    return g.api_user


def _authenticate() -> services.TokenUser:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing bearer token")
    user, now = services.token_user(db.session, token.strip()), utcnow()
    if user is None:
        raise Unauthorized("invalid or revoked token")
    if services.token_use_due(user, now=now):
        _record_use(user.token_id, now)
    return user


def _record_use(token_id: int, now: datetime) -> None:
    """Record the token's use in a writing transaction of its own, committed before the request's
    work (which may be a plain read, whose transaction on SQLite could not become a write)."""
    db.session.commit()  # ends the reading transaction (nothing to write yet)
    with writing():
        services.record_token_use(db.session, token_id, now=now)
        db.session.commit()


def api_permission(action: Action):
    """Authenticate the Bearer token, then apply the who-does-what table (403)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.pop("api_user_row", None)
            g.api_user = _authenticate()
            g.api_locale = g.api_user.locale
            if not can(g.api_user, action):
                raise Forbidden("该用户无权执行操作 %(action)s", params={"action": action})
            return view(*args, **kwargs)
        wrapped.api_authenticated = True  # for the OpenAPI document: bearer token, 401 and 403
        return wrapped
    return decorator
