"""Idempotency-Key on every API write (SPEC §5.4, §6; issue 10 point 4): a retry returns the first
response (status, body, Location) and writes nothing; the same key with another request is 422;
a malformed key is 400; keys are per user; old keys are purged by the daily housekeeping job."""
from datetime import timedelta

from sqlalchemy import func, select

from ltc.api.idempotency import HEADER, REPLAYED, body_hash
from ltc.api.models import IdempotencyKey
from ltc.core.clock import utcnow
from ltc.people.models import InsuredPerson
from ltc.scheduler.registry import get_job
from ltc.scheduler.runner import run_job
from tests.people_builders import id_number
from tests.web.test_people_api import api  # noqa: F401  (fixture)

NEW = {"id_number": id_number(77), "name": "李四", "district": "东城区"}


def persons(session) -> int:
    return session.scalar(select(func.count()).select_from(InsuredPerson))


def test_a_retry_with_the_same_key_returns_the_first_response_without_a_second_write(api, session):  # noqa: F811
    first = api("post", "/api/v1/persons", json=NEW, headers={HEADER: "k-1"})
    assert first.status_code == 201 and REPLAYED not in first.headers
    count = persons(session)
    retry = api("post", "/api/v1/persons", json=dict(reversed(list(NEW.items()))), headers={HEADER: "k-1"})
    assert (retry.status_code, retry.json, retry.headers["Location"]) == (201, first.json, first.headers["Location"])
    assert retry.headers[REPLAYED] == "true"
    assert persons(session) == count


def test_the_same_key_with_another_body_or_endpoint_is_422(api, session):  # noqa: F811
    api("post", "/api/v1/persons", json=NEW, headers={HEADER: "k-2"})
    count = persons(session)
    other = api("post", "/api/v1/persons", json={**NEW, "name": "李五"}, headers={HEADER: "k-2"})
    assert other.status_code == 422 and other.json["fields"] == {HEADER: "已用于另一个请求"}
    assert "different request" in other.json["error"]
    person_id = api.people["east"].id
    elsewhere = api("patch", f"/api/v1/persons/{person_id}", json={"name": "改名"}, headers={HEADER: "k-2"})
    assert elsewhere.status_code == 422
    assert persons(session) == count and api.people["east"].name == "张三丰"


def test_a_refused_write_leaves_its_key_free(api, session):  # noqa: F811
    taken = {**NEW, "id_number": api.people["east"].id_number}
    assert api("post", "/api/v1/persons", json=taken, headers={HEADER: "k-3"}).status_code == 409
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    assert api("post", "/api/v1/persons", json=taken, headers={HEADER: "k-3"}).status_code == 409


def test_keys_are_per_user(api, session):  # noqa: F811
    assert api("post", "/api/v1/persons", json=NEW, headers={HEADER: "shared"}).status_code == 201
    second = {**NEW, "id_number": id_number(78)}
    assert api("post", "/api/v1/persons", "mia_admin", json=second, headers={HEADER: "shared"}).status_code == 201
    assert session.scalar(select(func.count()).select_from(InsuredPerson).where(
        InsuredPerson.id_number == second["id_number"])) == 1
    rows = session.scalars(select(IdempotencyKey).where(IdempotencyKey.key == "shared")).all()
    assert len({row.user_id for row in rows}) == len(rows) == 2


def test_a_malformed_key_is_400_and_a_write_without_key_still_works_where_it_is_optional(api, session):  # noqa: F811
    for bad in ("", "x" * 101, "with space", "中文"):
        r = api("post", "/api/v1/persons", json=NEW, headers={HEADER: bad.encode().decode("latin-1")})
        assert r.status_code == 400 and HEADER in r.json["fields"], bad
    assert persons(session) == 2
    assert api("post", "/api/v1/persons", json=NEW).status_code == 201


def test_an_invalid_body_is_400_and_claims_no_key(api, session):  # noqa: F811
    r = api("post", "/api/v1/persons", json={"name": "缺字段"}, headers={HEADER: "k-4"})
    assert r.status_code == 400
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


def test_the_body_hash_ignores_key_order_and_spacing():
    assert body_hash(b'{"a": 1, "b": [1, 2]}') == body_hash(b'{"b":[1,2],"a":1}')
    assert body_hash(b'{"a": 1}') != body_hash(b'{"a": 2}')
    assert body_hash(b"not json") == body_hash(b"not json")


def test_the_openapi_document_names_the_header_on_writes(api):  # noqa: F811
    document = api("get", "/api/v1/openapi.json").json
    post = document["paths"]["/api/v1/persons"]["post"]
    header = next(p for p in post["parameters"] if p["in"] == "header")
    assert header["name"] == HEADER and header["required"] is False and "422" in post["responses"]
    assert not any(p["in"] == "header" for p in document["paths"]["/api/v1/persons"]["get"]["parameters"])


def test_the_daily_housekeeping_job_purges_keys_older_than_30_days(api, session, world):  # noqa: F811
    now = utcnow()
    user_id = world.users["mia_op"].id
    for n, age in enumerate((timedelta(days=31), timedelta(days=29))):
        session.add(IdempotencyKey(user_id=user_id, key=f"old-{n}", method="POST", path="/api/v1/persons",
                                   body_hash="0" * 64, response_status=201, response_body={}, created_at=now - age))
    session.commit()
    outcome = run_job(session, get_job("purge_login_attempts"), now)
    assert outcome.counts["idempotency_keys"] == 1
    assert session.scalars(select(IdempotencyKey.key)).all() == ["old-1"]
