"""The family's public look-up of a beneficiary statement (no login): the person's ID number and
the code printed on the statement.

- Throttled like the login: failures of one IP, and of one ID number from any IP, inside the
  window lock further look-ups (``Throttle`` of ``ltc.auth.services``; the ID number is kept only
  as a keyed hash).
- No enumeration: a wrong ID number, a wrong code, or a code of someone else's statement give the
  same answer, and the comparison is constant-time (``hmac.compare_digest``) on both values, with
  a stand-in row when the code matches nothing.
- Every look-up is recorded (success or not), and a successful one is written to the audit log.
"""
import hashlib
import hmac
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.auth.services import Throttle
from ltc.billing.documents.models import BeneficiaryStatement, StatementLookupAttempt
from ltc.billing.documents.services import ENTITY, normalise_code
from ltc.core import audit
from ltc.core.errors import DomainError, NotFound
from ltc.people.ids import normalise_id_number
from ltc.people.models import InsuredPerson

#: compared when the code matches no statement, so both paths do the same work
STAND_IN = ("0" * 18, "0000-0000-0000")
PUBLIC = audit.Actor(None, None, "public")


class LookupLocked(DomainError):
    status = 429


class LookupFailed(NotFound):
    """One answer for a wrong ID number and a wrong code."""


FAILED = "身份证号码或查询码不正确"


def id_hash(id_number: str, secret: str) -> str:
    return hmac.new(secret.encode(), id_number.encode(), hashlib.sha256).hexdigest()


def _failures(session: Session, since: datetime, *where) -> int:
    return session.scalar(select(func.count()).select_from(StatementLookupAttempt).where(
        *where, StatementLookupAttempt.success.is_(False), StatementLookupAttempt.at >= since)) or 0


def _locked(session: Session, ip: str, hashed: str, now: datetime, throttle: Throttle) -> bool:
    since = now - throttle.lock
    return (_failures(session, since, StatementLookupAttempt.ip == ip) >= throttle.per_ip_account
            or _failures(session, since, StatementLookupAttempt.id_hash == hashed) >= throttle.per_account)


def look_up(session: Session, *, id_number: str, code: str, ip: str, now: datetime, secret: str,
            throttle: Throttle | None = None) -> BeneficiaryStatement:
    """The statement whose code and person's ID number are those given. Raises LookupLocked while
    the IP or the ID number is locked (the attempt is not recorded) and LookupFailed otherwise."""
    throttle = throttle or Throttle()
    number, typed = normalise_id_number(id_number), normalise_code(code)
    hashed = id_hash(number, secret)
    if _locked(session, ip, hashed, now, throttle):
        minutes = int(throttle.lock.total_seconds() // 60)
        raise LookupLocked("查询失败次数过多，请 %(minutes)s 分钟后再试", params={"minutes": minutes})
    row = session.execute(select(BeneficiaryStatement, InsuredPerson.id_number)
                          .join(InsuredPerson, InsuredPerson.id == BeneficiaryStatement.person_id)
                          .where(BeneficiaryStatement.code == typed)).first()
    stored_id, stored_code = (row[1], row[0].code) if row is not None else STAND_IN
    id_ok = hmac.compare_digest(number.encode(), stored_id.encode())
    code_ok = hmac.compare_digest(typed.encode(), stored_code.encode())
    ok = row is not None and id_ok and code_ok
    session.add(StatementLookupAttempt(ip=ip, id_hash=hashed, at=now, success=ok))
    session.flush()
    if not ok:
        raise LookupFailed(FAILED)
    statement = row[0]
    audit.record(session, PUBLIC, "view", ENTITY, statement.id, now=now,
                 after={"person_id": statement.person_id, "month": statement.month, "ip": ip, "via": "lookup"})
    return statement
