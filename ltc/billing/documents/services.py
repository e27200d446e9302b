"""Beneficiary statements (SPEC §7.3, issue 11 point 7): the statement row with its printed look-up
code, rendering one statement (on demand, or by the nightly job) and storing its file under the
statements folder with its SHA-256, and opening one for a user in scope (404 otherwise).

Rendering takes three steps so that no write transaction is open while WeasyPrint runs: read the
plain values, render, then store the file and its digest in a short transaction.
"""
import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scope_clause
from ltc.billing.documents import beneficiary
from ltc.billing.documents.beneficiary import StatementSource
from ltc.billing.documents.models import BeneficiaryStatement
from ltc.billing.models import Settlement
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import NotFound
from ltc.people.models import InsuredPerson

ENTITY = "beneficiary_statement"
TEMPLATE = "billing/beneficiary_statement.html"
#: look-up codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B (read aloud, typed from paper); 12 characters ≈ 58 bits
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_CHARS = 12


def new_code() -> str:
    """``ABCD-EFGH-JKLM`` from the system's random source."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_CHARS))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_CHARS, 4))


def normalise_code(value: str | None) -> str:
    """What a person typed, as stored: upper case, separators and spaces ignored, regrouped."""
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def statement_file(month: date, person_id: int) -> str:
    """The file of a person-month, relative to the statements folder: ``2026-03/00000042.pdf``."""
    return f"{month:%Y-%m}/{person_id:08d}.pdf"


def ensure_statement(session: Session, person_id: int, month: date, *, now: datetime) -> BeneficiaryStatement:
    """The statement row of the person-month, created with a new code when absent (a concurrent
    creation of the same row, or a code collision, is retried)."""
    for _ in range(5):
        found = session.scalars(select(BeneficiaryStatement).where(
            BeneficiaryStatement.person_id == person_id, BeneficiaryStatement.month == month)).first()
        if found is not None:
            return found
        try:
            with session.begin_nested():
                row = BeneficiaryStatement(person_id=person_id, month=month, code=new_code(), created_at=now)
                session.add(row)
            return row
        except IntegrityError:
            continue
    raise RuntimeError("could not create a beneficiary statement row")  # pragma: no cover


@dataclass(frozen=True)
class Rendered:
    content: bytes
    sha256: str
    source_key: str

    @classmethod
    def of(cls, content: bytes, source: StatementSource) -> "Rendered":
        return cls(content, hashlib.sha256(content).hexdigest(), source.key)


def template_values(session: Session, statement: BeneficiaryStatement, source: StatementSource, *,
                    now: datetime) -> dict:
    """The plain values of the statement's PDF, from its current lines (reads only)."""
    person = session.get_one(InsuredPerson, statement.person_id)
    return beneficiary.statement_values(session, person, statement.month, source, code=statement.code,
                                        issued_on=local_today(now))


def write_file(folder: Path, relative: str, content: bytes) -> None:
    """Write atomically (a temporary file renamed over the target): a reader never sees half a PDF."""
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".statement-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def store_rendered(session: Session, statement_id: int, relative: str, rendered: Rendered, *,
                   now: datetime) -> None:
    """Record the stored file of a statement (its path, SHA-256, size and source key) and audit it."""
    row = session.get_one(BeneficiaryStatement, statement_id)
    before = {"sha256": row.sha256, "source_key": row.source_key}
    session.execute(update(BeneficiaryStatement).where(BeneficiaryStatement.id == statement_id).values(
        path=relative, sha256=rendered.sha256, size=len(rendered.content), source_key=rendered.source_key,
        rendered_at=now, renders=BeneficiaryStatement.renders + 1).execution_options(synchronize_session=False))
    session.expire(row)
    audit.record(session, audit.SYSTEM, "render", ENTITY, statement_id, now=now, before=before,
                 after={"path": relative, "sha256": rendered.sha256, "size": len(rendered.content)})


def stored_content(folder: Path, statement: BeneficiaryStatement, source: StatementSource) -> bytes | None:
    """The stored file when it is current (its source key is the lines' and its SHA-256 matches)."""
    if statement.path is None or statement.source_key != source.key:
        return None
    try:
        content = (folder / statement.path).read_bytes()
    except OSError:
        return None
    return content if hashlib.sha256(content).hexdigest() == statement.sha256 else None


def statement_in_scope(session: Session, user: User, person_id: int, month: date) -> StatementSource:
    """The paid lines of the person-month when ``user`` may print the statement: the MIA all of them,
    an insurer or a provider those of the settlements in its scope (a provider: its own lines, never
    another provider's) when there are any. Raises NotFound otherwise, or when nothing was paid."""
    source = beneficiary.read_source(session, person_id, month)
    clause = scope_clause(Settlement, user)
    if source.empty:
        raise NotFound("记录不存在或无权访问")
    if clause is None:
        return source
    ids = {line.settlement_id for line in source.lines}
    visible = set(session.scalars(select(Settlement.id).where(Settlement.id.in_(ids), clause)))
    if not visible:
        raise NotFound("记录不存在或无权访问")
    if visible == ids:
        return source
    lines = [line for line in source.lines if line.settlement_id in visible]
    return beneficiary.StatementSource(lines, beneficiary.source_key([(line.id, line.fund) for line in lines]))


@dataclass(frozen=True)
class Prepared:
    """A statement to send: the stored file when current (``content``), else the template values
    to render once the request's transaction has ended."""

    statement: BeneficiaryStatement
    content: bytes | None
    values: dict | None


def _prepare(session: Session, statement: BeneficiaryStatement, source: StatementSource, *, folder: Path,
             now: datetime) -> Prepared:
    content = stored_content(folder, statement, source)
    values = None if content is not None else template_values(session, statement, source, now=now)
    return Prepared(statement, content, values)


def open_statement(session: Session, user: User, person_id: int, month: date, *, actor: Actor, folder: Path,
                   now: datetime) -> Prepared:
    """One statement for a user in scope (see ``statement_in_scope``; NotFound otherwise): the
    stored file when current, else the values to render on demand (not stored: the nightly job
    stores files). Creates the statement row (its code) when absent; the full view is audited."""
    source = statement_in_scope(session, user, person_id, month)
    statement = ensure_statement(session, person_id, month, now=now)
    audit.record(session, actor, "view", ENTITY, statement.id, now=now, after={"person_id": person_id, "month": month})
    return _prepare(session, statement, source, folder=folder, now=now)


def prepare_public(session: Session, statement: BeneficiaryStatement, *, folder: Path, now: datetime) -> Prepared:
    """The statement a public look-up found (``ltc.billing.documents.lookup``)."""
    source = beneficiary.read_source(session, statement.person_id, statement.month)
    if source.empty:
        raise NotFound("记录不存在或无权访问")
    return _prepare(session, statement, source, folder=folder, now=now)
