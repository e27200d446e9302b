"""Bearer-token authentication, the token endpoint and strict JSON body parsing."""
from functools import wraps

from flask import g, jsonify, request

from ltc.api import bp
from ltc.api.openapi import operation
from ltc.auth import services
from ltc.auth.models import User
from ltc.auth.permissions import Action, can
from ltc.core.clock import utcnow
from ltc.core.errors import DomainError, Forbidden, ValidationFailed
from ltc.extensions import db


class Unauthorized(DomainError):
    status = 401


def api_user() -> User:
    return g.api_user


def _authenticate() -> User:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing bearer token")
    user = services.user_for_token(db.session, token.strip(), now=utcnow())
    if user is None:
        raise Unauthorized("invalid or revoked token")
    return user


def api_permission(action: Action):
    """Authenticate the Bearer token, then apply the who-does-what table (403)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.api_user = _authenticate()
            if not can(g.api_user, action):
                raise Forbidden(f"action '{action}' not allowed for this user")
            return view(*args, **kwargs)
        return wrapped
    return decorator


def json_body(schema: dict[str, type | tuple[type, ...]], *, required: set[str] = frozenset()) -> dict:
    """The request's JSON object, checked against ``{field: type}``: unknown, missing or
    wrongly typed fields raise ValidationFailed naming them. ``bool`` is never an ``int``."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("request body must be a JSON object", {"body": "expected a JSON object"})
    problems: dict[str, str] = {}
    for key in data.keys() - schema.keys():
        problems[key] = "unknown field"
    for key in required - data.keys():
        problems[key] = "required"
    for key, expected in schema.items():
        if key in data and data[key] is not None:
            types = expected if isinstance(expected, tuple) else (expected,)
            value = data[key]
            if isinstance(value, bool) and bool not in types or not isinstance(value, types):
                problems[key] = f"must be {' or '.join(t.__name__ for t in types)}"
    if problems:
        raise ValidationFailed("invalid fields: " + ", ".join(sorted(problems)), problems)
    return data


TOKEN_REQUEST = {"type": "object", "required": ["username", "password"],
                 "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}


@bp.post("/auth/token")
@operation(summary="Exchange username and password for an API token", request_schema=TOKEN_REQUEST,
           response_schema={"type": "object", "properties": {"token": {"type": "string"}}},
           status=201, public=True)
def issue_token():
    data = json_body({"username": str, "password": str}, required={"username", "password"})
    try:
        user = services.authenticate(db.session, username=data["username"], password=data["password"],
                                     ip=request.remote_addr or "?", now=utcnow())
    except DomainError:
        db.session.commit()  # the failed attempt counts towards the lock
        raise
    token = services.issue_token(db.session, user, now=utcnow())
    db.session.commit()
    return jsonify(token=token), 201
