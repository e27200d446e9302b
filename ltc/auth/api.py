"""The auth domain's JSON routes: exchanging a username and password for an API token."""
from typing import Annotated

from flask import jsonify
from pydantic import Field

from ltc.api.blueprint import bp
from ltc.api.schema import Body, Out, api_route
from ltc.auth import services
from ltc.auth.web import client_address, login_throttle
from ltc.core.clock import utcnow
from ltc.core.errors import DomainError
from ltc.extensions import db


class TokenRequest(Body):
    username: Annotated[str, Field(min_length=1, max_length=60)]  # as stored with each login attempt
    password: Annotated[str, Field(min_length=1, max_length=200)]  # as the login form


class TokenOut(Out):
    token: str


@bp.post("/auth/token")
@api_route(summary="Exchange username and password for an API token", body=TokenRequest,
           responses={201: TokenOut}, errors=(401, 429))
def issue_token(body: TokenRequest):
    try:
        user = services.authenticate(db.session, username=body.username, password=body.password,
                                     ip=client_address(), now=utcnow(), throttle=login_throttle())
    except DomainError:
        db.session.commit()  # the failed attempt counts towards the lock
        raise
    token = services.issue_token(db.session, user, now=utcnow())
    db.session.commit()
    return jsonify(token=token), 201
