"""A carer's dated facts (SPEC §0.2, §1): qualifications per staff type and suspensions are
half-open periods that never overlap (``ltc.core.periods.add_period`` on every database, an
``EXCLUDE`` constraint on PostgreSQL); certificates and training hours are plain dated rows.
Every change is audited."""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import ValidationFailed
from ltc.core.periods import PeriodMixin, add_period
from ltc.people.services import has_invisible
from ltc.providers.carers.models import (Carer, CarerCertificate, CarerQualificationPeriod, CarerSuspensionPeriod,
                                         CarerTraining)
from ltc.providers.kinds import StaffType

QUALIFICATION = "carer_qualification"
CERTIFICATE = "carer_certificate"
TRAINING = "carer_training"
SUSPENSION = "carer_suspension"
MAX_TRAINING_HOURS = Decimal("24")


def _text(value: str | None, field: str, limit: int, *, required: bool = True) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(_REQUIRED[field], {field: "required"})
        return None
    if len(text) > limit or has_invisible(text):
        raise ValidationFailed("最多 %(limit)s 个字符，且不能包含控制字符", {field: "too long"},
                               params={"limit": limit})
    return text


_REQUIRED = {"certificate_no": "请填写证书编号", "name": "请填写证书名称", "topic": "请填写培训内容",
             "reason": "请填写暂停原因"}


def _dates(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationFailed("结束日期必须晚于开始日期", {"valid_to": "must be after valid_from"})


def _end_early(session: Session, period: PeriodMixin, valid_to: date, *, entity: str, actor: Actor,
               now: datetime) -> None:
    """Shorten a period: from ``valid_to`` it no longer applies (a longer one is a new period)."""
    if valid_to <= period.valid_from:
        raise ValidationFailed("结束日期必须晚于开始日期", {"valid_to": "must be after valid_from"})
    if period.valid_to is not None and valid_to >= period.valid_to:
        raise ValidationFailed("只能提前结束（当前结束日期 %(end)s）", {"valid_to": "must be before the current end"},
                               params={"end": period.valid_to.isoformat()})
    before, period.valid_to = period.valid_to, valid_to
    session.flush()
    audit.record(session, actor, "end", entity, period.id, now=now, before={"valid_to": before},
                 after={"valid_to": valid_to})


def add_qualification(session: Session, carer: Carer, *, staff_type: str, certificate_no: str,
                      valid_from: date, valid_to: date | None, actor: Actor, now: datetime,
                      issuer: str | None = None) -> CarerQualificationPeriod:
    """A qualification for ``staff_type`` valid on ``[valid_from, valid_to)``.

    Raises ValidationFailed (bad staff type, number, dates) and Conflict (it overlaps another
    qualification of the carer for the same staff type)."""
    if staff_type not in set(StaffType):
        raise ValidationFailed("人员类别无效", {"staff_type": "invalid choice"})
    number = _text(certificate_no, "certificate_no", 50)
    issued_by = _text(issuer, "issuer", 100, required=False)
    _dates(valid_from, valid_to)
    period = add_period(session, CarerQualificationPeriod, valid_from=valid_from, valid_to=valid_to,
                        carer_id=carer.id, staff_type=staff_type, certificate_no=number, issuer=issued_by)
    audit.record(session, actor, "create", QUALIFICATION, period.id, now=now,
                 after={"carer_id": carer.id, "staff_type": staff_type, "certificate_no": number,
                        "valid_from": valid_from, "valid_to": valid_to})
    return period


def end_qualification(session: Session, qualification: CarerQualificationPeriod, *, valid_to: date,
                      actor: Actor, now: datetime) -> CarerQualificationPeriod:
    """End a qualification early (revoked, not renewed): not valid from ``valid_to`` on.
    Raises ValidationFailed when that would not shorten it."""
    _end_early(session, qualification, valid_to, entity=QUALIFICATION, actor=actor, now=now)
    return qualification


def add_certificate(session: Session, carer: Carer, *, name: str, valid_from: date, valid_to: date | None,
                    actor: Actor, now: datetime, number: str | None = None) -> CarerCertificate:
    """Another certificate on file (上岗证, 健康证 …), reminded before ``valid_to``."""
    title = _text(name, "name", 100)
    number = _text(number, "number", 50, required=False)
    _dates(valid_from, valid_to)
    cert = CarerCertificate(carer_id=carer.id, name=title, number=number, valid_from=valid_from, valid_to=valid_to)
    session.add(cert)
    session.flush()
    audit.record(session, actor, "create", CERTIFICATE, cert.id, now=now,
                 after={"carer_id": carer.id, "name": title, "number": number, "valid_from": valid_from,
                        "valid_to": valid_to})
    return cert


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("培训学时应为数字", {"hours": "not a number"}) from None
    if not hours.is_finite() or not Decimal("0") < hours <= MAX_TRAINING_HOURS:
        raise ValidationFailed("培训学时应大于 0 且不超过 24", {"hours": "out of range"})
    return hours


def record_training(session: Session, carer: Carer, *, day: date, hours, topic: str, actor: Actor,
                    now: datetime) -> CarerTraining:
    """Training hours on ``day`` (not in the future). Raises ValidationFailed."""
    if day > local_today(now):
        raise ValidationFailed("培训日期不能晚于今天", {"day": "in the future"})
    row = CarerTraining(carer_id=carer.id, day=day, hours=_hours(hours), topic=_text(topic, "topic", 200),
                        created_by=actor.user_id, created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", TRAINING, row.id, now=now,
                 after={"carer_id": carer.id, "day": day, "hours": row.hours, "topic": row.topic})
    return row


def suspend_carer(session: Session, carer: Carer, *, valid_from: date, valid_to: date | None, reason: str,
                  actor: Actor, now: datetime) -> CarerSuspensionPeriod:
    """Suspend the carer on ``[valid_from, valid_to)`` (None: until lifted); P02 rejects their
    visits on those days. Raises ValidationFailed (no reason, bad dates) and Conflict (it
    overlaps another suspension)."""
    why = _text(reason, "reason", 500)
    _dates(valid_from, valid_to)
    period = add_period(session, CarerSuspensionPeriod, valid_from=valid_from, valid_to=valid_to,
                        carer_id=carer.id, reason=why, created_by=actor.user_id, created_at=now)
    audit.record(session, actor, "suspend", SUSPENSION, period.id, now=now,
                 after={"carer_id": carer.id, "valid_from": valid_from, "valid_to": valid_to, "reason": why})
    return period


def lift_suspension(session: Session, suspension: CarerSuspensionPeriod, *, valid_to: date, actor: Actor,
                    now: datetime) -> CarerSuspensionPeriod:
    """Lift a suspension: the carer may work again from ``valid_to``. Raises ValidationFailed."""
    _end_early(session, suspension, valid_to, entity=SUSPENSION, actor=actor, now=now)
    return suspension
