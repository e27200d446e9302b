"""``Idempotency-Key`` for every API write (SPEC §5.4, §6): a retried request returns the first
response and writes nothing.

The key is claimed first, in the same transaction as the write: a row ``(user, key)`` with the
request's method, path and body hash, its response still empty (``INSERT … ON CONFLICT DO
NOTHING``: one statement). The unique key ``(user_id, key)`` decides between requests sent at
once — on PostgreSQL the second insert waits for the first transaction and inserts nothing once
it commits; on SQLite writing requests run one after the other
(``BEGIN IMMEDIATE``) and the later one finds the row. Either way the loser reads the stored
response and answers with it, never running the view. The response is stored (one UPDATE) before the commit
(a view that commits by itself leaves the row empty for a moment: a retry then waits for it).

A request whose view raises (a 4xx) rolls its claim back with its work: the key stays free.
The same key with another method, path or body is refused (422); routes that must be retried
safely (the carers' devices) refuse a write without a key (400).
"""
import hashlib
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime

from flask import Response, g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session, make_transient_to_detached

from ltc.api.models import KEY_MAX, PATH_MAX, IdempotencyKey
from ltc.core import prepared
from ltc.core.clock import utcnow
from ltc.core.errors import Conflict, DomainError, ValidationFailed
from ltc.extensions import db

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
#: visible ASCII (a UUID, a device's counter …), as long as the column allows
KEY_FORMAT = re.compile(rf"[\x21-\x7e]{{1,{KEY_MAX}}}")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: how long a retry waits for the first request's response, polling every ``POLL_SECONDS``
WAIT_SECONDS, POLL_SECONDS = 10.0, 0.05


class KeyReused(DomainError):
    """The key came with another request: the client reused a key it should not have."""
    status = 422


@dataclass(frozen=True)
class Fingerprint:
    method: str
    path: str
    body_hash: str

    def matches(self, row: IdempotencyKey) -> bool:
        return (row.method, row.path, row.body_hash) == (self.method, self.path, self.body_hash)


def body_hash(raw: bytes) -> str:
    """SHA-256 of the body as canonical JSON (key order and spacing do not matter); of the bytes
    themselves when they are not JSON."""
    try:
        raw = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except ValueError:
        pass
    return hashlib.sha256(raw).hexdigest()


def _stored(session: Session, user_id: int, key: str) -> IdempotencyKey | None:
    return session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
                          .execution_options(populate_existing=True))


_NEW_KEY_TYPES = {"created_at": IdempotencyKey.__table__.c.created_at.type}


def _insert_sql(_in) -> str:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL, SQLite ≥ 3.35): written once."""
    return ("INSERT INTO idempotency_keys (user_id, key, method, path, body_hash, created_at) "
            "VALUES (:user_id, :key, :method, :path, :body_hash, :created_at) "
            "ON CONFLICT (user_id, key) DO NOTHING RETURNING id")


def _insert_if_new(session: Session, values: dict) -> IdempotencyKey | None:
    """The new row (persistent in the session, nothing read back), or None when the key is taken (on
    PostgreSQL after waiting for a concurrent request holding it to commit or roll back)."""
    found = prepared.rows(session, ("claim a key",), _insert_sql, values, types=_NEW_KEY_TYPES)
    if not found:
        return None
    row = IdempotencyKey(id=found[0][0], response_status=None, response_body=None, location=None, **values)
    make_transient_to_detached(row)
    session.add(row)
    return row


def claim(session: Session, *, user_id: int, key: str, fingerprint: Fingerprint,
          now: datetime) -> tuple[IdempotencyKey | None, bool]:
    """``(row, True)`` when this request now holds the key (a new row, inserted); ``(row, False)``
    when another request had it (its row, maybe still without a response); ``(None, False)``
    when the other request gave it up while this one waited (try again). One statement when the
    key is new (the usual case)."""
    row = _insert_if_new(session, dict(user_id=user_id, key=key, method=fingerprint.method,
                                       path=fingerprint.path[:PATH_MAX], body_hash=fingerprint.body_hash,
                                       created_at=now))
    if row is not None:
        return row, True
    return _stored(session, user_id, key), False


def check_replay(row: IdempotencyKey, fingerprint: Fingerprint) -> None:
    """Raise KeyReused (422) unless ``row`` was claimed by the same request."""
    if not fingerprint.matches(row):
        raise KeyReused("Idempotency-Key already used for a different request (another endpoint or body): "
                        "send a new key with each new request", {HEADER: "already used for a different request"})


# --- the request edge (called by ``schema.api_route``) -------------------------------------------

def _key(required: bool) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        if required:
            raise ValidationFailed("缺少请求头 %(header)s：设备的每次写入都须带有自己的幂等键，重试时保持不变",
                                   {HEADER: "required"}, params={"header": HEADER})
        return None
    if not KEY_FORMAT.fullmatch(key):
        raise ValidationFailed("请求头 %(header)s 无效", {HEADER: f"1–{KEY_MAX} visible ASCII characters"},
                               params={"header": HEADER})
    return key


def _wait_for_claim(user_id: int, key: str, fingerprint: Fingerprint) -> tuple[IdempotencyKey, bool]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row, mine = claim(db.session, user_id=user_id, key=key, fingerprint=fingerprint, now=utcnow())
        if mine or (row is not None and (row.response_status is not None or not fingerprint.matches(row))):
            return row, mine
        if time.monotonic() > deadline:
            raise Conflict("a request with this Idempotency-Key is still being processed: retry later",
                           {HEADER: "in progress"})
        db.session.rollback()  # lets the first request finish (SQLite: frees the write lock)
        time.sleep(POLL_SECONDS)


def begin(*, required: bool) -> Response | None:
    """Before an authenticated write's view: None to run it (the key, if any, now claimed), or the
    stored response of the key's first request. Raises ValidationFailed (no or a malformed key
    where required), KeyReused."""
    g.pop("idempotency_claim", None)   # none left by an earlier request that failed in the same context
    user = g.get("api_user")
    if request.method in READ_METHODS or user is None:
        return None
    key = _key(required)
    if key is None:
        return None
    fingerprint = Fingerprint(request.method, request.path, body_hash(request.get_data(cache=True)))
    row, mine = _wait_for_claim(user.id, key, fingerprint)
    if mine:
        g.idempotency_claim = row
        return None
    check_replay(row, fingerprint)
    response = jsonify(row.response_body)
    response.status_code = row.response_status
    if row.location:
        response.headers["Location"] = row.location
    response.headers[REPLAYED] = "true"
    return response


_RESPONSE_TYPES = {"body": IdempotencyKey.__table__.c.response_body.type}


def _response_sql(_in) -> str:
    return "UPDATE idempotency_keys SET response_status = :status, response_body = :body, location = :location " \
           "WHERE id = :id"


def finish(response: Response) -> None:
    """After the view: store its response with the claimed key (one statement written once) and
    commit, write and key together."""
    row = g.pop("idempotency_claim", None)
    if row is not None:
        prepared.execute(db.session, ("store a key's response",), _response_sql, {
            "status": response.status_code, "body": response.get_json(silent=True),
            "location": response.headers.get("Location"), "id": row.id}, types=_RESPONSE_TYPES)
        db.session.commit()
