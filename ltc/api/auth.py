"""Bearer-token authentication and the token endpoint."""
from functools import wraps
from typing import Annotated

from flask import g, jsonify, request
from pydantic import Field

from ltc.api import bp
from ltc.api.schema import Body, Out, api_route
from ltc.auth import services
from ltc.auth.models import User
from ltc.auth.permissions import Action, can
from ltc.core.clock import utcnow
from ltc.core.errors import DomainError, Forbidden
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
        wrapped.api_authenticated = True  # for the OpenAPI document: bearer token, 401 and 403
        return wrapped
    return decorator


class TokenRequest(Body):
    username: Annotated[str, Field(min_length=1, max_length=60)]  # as stored with each login attempt
    password: Annotated[str, Field(min_length=1, max_length=200)]  # as the login form


class TokenOut(Out):
    token: str


@bp.post("/auth/token")
@api_route(summary="Exchange username and password for an API token", body=TokenRequest,
           responses={201: TokenOut}, errors=(401,))
def issue_token(body: TokenRequest):
    try:
        user = services.authenticate(db.session, username=body.username, password=body.password,
                                     ip=request.remote_addr or "?", now=utcnow())
    except DomainError:
        db.session.commit()  # the failed attempt counts towards the lock
        raise
    token = services.issue_token(db.session, user, now=utcnow())
    db.session.commit()
    return jsonify(token=token), 201
