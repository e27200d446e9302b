"""The expert register (评估专家名录, SPEC §1, §3.2): certificates of agency assessors.

An assessor is an **expert** on a date when the MIA's register holds a certificate of theirs
covering that date (half-open ``[valid_from, valid_to)``, SPEC §0.1) and they still hold the
``assessor`` role. Certificates of one user never overlap (service check on every database,
``EXCLUDE`` constraint on PostgreSQL). Only the MIA admin writes the register; an agency
admin reads its own agency's certificates.
"""
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from ltc.auth.models import User, UserRole
from ltc.auth.permissions import Action, can
from ltc.auth.scope import scoped
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.pagination import Page, paginate
from ltc.core.periods import add_period, covering_filter
from ltc.assessment.experts.models import ExpertCertificate
from ltc.orgs.models import Organisation

ENTITY = "expert_certificate"
ASSESSOR = "assessor"
#: list filter: certificate state on the day the list is shown
STATES = ("valid", "expired", "upcoming")


def certificates_in_scope(user: User) -> ColumnElement[bool] | None:
    """The MIA sees the whole register, an agency its own assessors' certificates."""
    if user.org_kind == "mia":
        return None
    if user.org_kind == "agency":
        return ExpertCertificate.user_id.in_(select(User.id).where(User.org_id == user.org_id))
    return false()


def may_manage_register(user: User) -> bool:
    return can(user, Action.MANAGE_ORGS)


def may_view_register(user: User) -> bool:
    """The MIA admin, and an agency admin (read-only, own agency)."""
    return may_manage_register(user) or (user.org_kind == "agency" and can(user, Action.MANAGE_OWN_USERS))


# --- writes ------------------------------------------------------------------------------

def _snapshot(cert: ExpertCertificate) -> dict:
    return {"user_id": cert.user_id, "certificate_no": cert.certificate_no, "issued_by": cert.issued_by,
            "valid_from": cert.valid_from, "valid_to": cert.valid_to}


def _check_holder(user: User) -> None:
    if user.org_kind != "agency":
        raise ValidationFailed("只有评估机构的人员可以登记为评估专家", {"user_id": "not an agency user"})
    if ASSESSOR not in user.roles:
        raise ValidationFailed("该用户没有评估员角色，不能登记为评估专家", {"user_id": "not an assessor"})


def _check_number(session: Session, certificate_no: str, user_id: int) -> str:
    number = (certificate_no or "").strip()
    if not number or len(number) > 50:
        raise ValidationFailed("证书编号必填，最多 50 个字符", {"certificate_no": "required, at most 50"})
    holder = session.scalar(select(ExpertCertificate.user_id).where(
        ExpertCertificate.certificate_no == number, ExpertCertificate.user_id != user_id))
    if holder is not None:
        raise Conflict("证书编号 %(number)s 已登记在其他人员名下", {"certificate_no": "taken"},
                       params={"number": number})
    return number


def add_certificate(session: Session, *, user: User, certificate_no: str, valid_from: date,
                    valid_to: date | None, actor: Actor, now: datetime,
                    issued_by: str | None = None) -> ExpertCertificate:
    """Register an expert certificate for an agency assessor, valid on ``[valid_from, valid_to)``.

    Raises ValidationFailed (not an agency assessor, bad number or dates) and Conflict (the
    period overlaps another certificate of the same user, or the number belongs to someone else).
    """
    _check_holder(user)
    number = _check_number(session, certificate_no, user.id)
    issuer = (issued_by or "").strip() or None
    if issuer is not None and len(issuer) > 200:
        raise ValidationFailed("发证机关最多 200 个字符", {"issued_by": "at most 200"})
    cert = add_period(session, ExpertCertificate, valid_from=valid_from, valid_to=valid_to,
                      user_id=user.id, certificate_no=number, issued_by=issuer, created_at=now)
    audit.record(session, actor, "create", ENTITY, cert.id, now=now, after=_snapshot(cert))
    return cert


def end_certificate(session: Session, certificate: ExpertCertificate, *, valid_to: date, actor: Actor,
                    now: datetime) -> ExpertCertificate:
    """End a certificate early: from ``valid_to`` on the holder is no longer an expert.

    Raises ValidationFailed when ``valid_to`` is not after the start or would not shorten
    the certificate (a longer validity is a new certificate).
    """
    if valid_to <= certificate.valid_from:
        raise ValidationFailed("结束日期必须晚于证书起始日期", {"valid_to": "must be after valid_from"})
    if certificate.valid_to is not None and valid_to >= certificate.valid_to:
        raise ValidationFailed("证书已于 %(end)s 到期，只能提前结束", {"valid_to": "must be before the current end"},
                               params={"end": str(certificate.valid_to)})
    before = _snapshot(certificate)
    certificate.valid_to = valid_to
    session.flush()
    audit.record(session, actor, "end", ENTITY, certificate.id, now=now,
                 before={"valid_to": before["valid_to"]}, after={"valid_to": valid_to})
    return certificate


# --- reads -------------------------------------------------------------------------------

def _experts_on(day: date):
    """User ids holding the assessor role and a certificate covering ``day``."""
    return (select(ExpertCertificate.user_id)
            .join(UserRole, UserRole.user_id == ExpertCertificate.user_id)
            .where(UserRole.role == ASSESSOR, covering_filter(ExpertCertificate, day)))


def is_expert(session: Session, user_id: int, day: date) -> bool:
    return session.scalar(_experts_on(day).where(ExpertCertificate.user_id == user_id).limit(1)) is not None


def expert_ids(session: Session, user_ids: Iterable[int], day: date) -> set[int]:
    """Which of ``user_ids`` are experts on ``day`` (one query)."""
    ids = list(set(user_ids))
    if not ids:
        return set()
    return set(session.scalars(_experts_on(day).where(ExpertCertificate.user_id.in_(ids))))


def experts_of_agency(session: Session, org_id: int, day: date) -> list[User]:
    """The active users of agency ``org_id`` who are experts on ``day``, by name."""
    stmt = (select(User).where(User.org_id == org_id, User.active.is_(True), User.id.in_(_experts_on(day)))
            .order_by(User.full_name, User.id))
    return list(session.scalars(stmt))


def agency_assessors(session: Session) -> list[User]:
    """Active assessors of every agency (the candidates for a certificate)."""
    stmt = (select(User).join(User.org).join(UserRole, UserRole.user_id == User.id)
            .where(Organisation.kind == "agency", UserRole.role == ASSESSOR, User.active.is_(True))
            .order_by(Organisation.name, User.full_name, User.id))
    return list(session.scalars(stmt).unique())


def agencies(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.kind == "agency")
                                .order_by(Organisation.name)))


def search_certificates(session: Session, viewer: User, *, day: date, org_id: int | None = None,
                        state: str | None = None, page: int = 1, per_page: int = 25) -> Page:
    """Certificates the viewer may see, newest first: rows of (certificate, holder, agency)."""
    stmt = (select(ExpertCertificate, User, Organisation)
            .join(User, User.id == ExpertCertificate.user_id).join(Organisation, Organisation.id == User.org_id)
            .order_by(Organisation.name, User.full_name, ExpertCertificate.valid_from.desc(),
                      ExpertCertificate.id))
    if org_id:
        stmt = stmt.where(User.org_id == org_id)
    if state == "valid":
        stmt = stmt.where(covering_filter(ExpertCertificate, day))
    elif state == "expired":
        stmt = stmt.where(ExpertCertificate.valid_to <= day)
    elif state == "upcoming":
        stmt = stmt.where(ExpertCertificate.valid_from > day)
    return paginate(session, scoped(stmt, ExpertCertificate, viewer), page=page, per_page=per_page,
                    scalars=False)
