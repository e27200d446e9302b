"""A carer's page: the entry, its dated facts and its history; a full view of the ID number is
recorded in the audit log (SPEC §2 personal data)."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.core import audit
from ltc.core.audit import AuditEntry
from ltc.core.errors import NotFound
from ltc.orgs.models import Organisation
from ltc.providers.carers.models import (Carer, CarerCertificate, CarerQualificationPeriod, CarerSuspensionPeriod,
                                         CarerTraining)
from ltc.providers.carers.services import dated
from ltc.providers.carers.services.register import ENTITY
from ltc.providers.carers.services.scope import state_of

HISTORY_LIMIT = 200
TRAINING_WINDOW = timedelta(days=365)


@dataclass
class CarerDetail:
    carer: Carer
    provider: Organisation
    state: str | None
    qualifications: list[CarerQualificationPeriod]
    certificates: list[CarerCertificate]
    trainings: list[CarerTraining]
    suspensions: list[CarerSuspensionPeriod]
    training_hours_12m: Decimal
    history: list[AuditEntry]
    login: User | None


def _rows(session: Session, model, carer_id: int, *order) -> list:
    return list(session.scalars(select(model).where(model.carer_id == carer_id).order_by(*order)))


def _history(session: Session, carer: Carer, parts: dict[str, list]) -> list[AuditEntry]:
    clauses = [and_(AuditEntry.entity == ENTITY, AuditEntry.entity_id == str(carer.id))]
    clauses += [and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_([str(r.id) for r in rows]))
                for entity, rows in parts.items() if rows]
    stmt = (select(AuditEntry).where(or_(*clauses), AuditEntry.action != "view")
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(HISTORY_LIMIT))
    return list(session.scalars(stmt))


def carer_detail(session: Session, carer: Carer, *, day: date) -> CarerDetail:
    quals = _rows(session, CarerQualificationPeriod, carer.id, CarerQualificationPeriod.valid_from.desc())
    certs = _rows(session, CarerCertificate, carer.id, CarerCertificate.valid_from.desc())
    trainings = _rows(session, CarerTraining, carer.id, CarerTraining.day.desc(), CarerTraining.id.desc())
    suspensions = _rows(session, CarerSuspensionPeriod, carer.id, CarerSuspensionPeriod.valid_from.desc())
    history = _history(session, carer, {dated.QUALIFICATION: quals, dated.CERTIFICATE: certs,
                                        dated.TRAINING: trainings, dated.SUSPENSION: suspensions})
    recent = sum((t.hours for t in trainings if day - TRAINING_WINDOW < t.day <= day), Decimal("0"))
    return CarerDetail(
        carer=carer, provider=session.get_one(Organisation, carer.provider_id),
        state=state_of(carer, any(s.covers(day) for s in suspensions), day), qualifications=quals,
        certificates=certs, trainings=trainings, suspensions=suspensions, training_hours_12m=recent,
        history=history, login=session.get(User, carer.user_id) if carer.user_id else None)


def show_carer(session: Session, viewer: User, carer_id: int, *, day: date, now: datetime) -> CarerDetail:
    """The carer's page for ``viewer`` (NotFound outside the scope); the view is audited."""
    carer = get_scoped(session, viewer, Carer, carer_id)
    audit.record(session, actor_of(viewer), "view", ENTITY, carer.id, now=now)
    session.flush()
    return carer_detail(session, carer, day=day)


def part_of(session: Session, carer: Carer, model, part_id: int):
    """A qualification / suspension … of ``carer`` (already scoped), or NotFound."""
    row = session.scalar(select(model).where(model.id == part_id, model.carer_id == carer.id))
    if row is None:
        raise NotFound("记录不存在或无权访问")
    return row
