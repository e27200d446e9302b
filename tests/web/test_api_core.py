"""API tokens, bearer authentication, JSON errors, and the OpenAPI document."""
from sqlalchemy import select

from ltc.api.openapi import build_document
from ltc.auth.models import ApiToken
from tests.builders import PASSWORD


def token_for(client, username: str) -> str:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return response.json["token"]


def test_token_is_issued_and_stored_hashed(client, session, world):
    token = token_for(client, "ins_op")
    row = session.scalars(select(ApiToken)).one()
    assert token not in row.token_hash and len(row.token_hash) == 64


def test_bad_credentials_give_json_401(client, world):
    response = client.post("/api/v1/auth/token", json={"username": "ins_op", "password": "x"})
    assert response.status_code == 401
    assert response.json["error"] and response.json["fields"] == {}


def test_token_request_names_bad_fields(client, world):
    response = client.post("/api/v1/auth/token", json={"username": 5, "extra": 1})
    assert response.status_code == 400
    assert set(response.json["fields"]) == {"username", "password", "extra"}


def test_calls_without_or_with_a_revoked_token_are_401(client, session, world):
    assert client.get("/api/v1/persons").status_code == 401
    token = token_for(client, "ins_op")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/persons", headers=headers).status_code == 200
    row = session.scalars(select(ApiToken)).one()
    from ltc.auth.services import revoke_token
    from ltc.core.audit import SYSTEM
    from ltc.core.clock import utcnow
    revoke_token(session, row, actor=SYSTEM, now=utcnow())
    assert client.get("/api/v1/persons", headers=headers).status_code == 401


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and "error" in response.json


def test_openapi_document_lists_exactly_the_api_routes(app, client):
    served = client.get("/api/v1/openapi.json").json
    assert served["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in served["paths"].items() for method in ops}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule
            for arg in rule.arguments:
                path = path.replace(f"<int:{arg}>", "{%s}" % arg).replace(f"<{arg}>", "{%s}" % arg)
            routed |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed
    with app.test_request_context():
        assert build_document() == served
