"""Organisations (SPEC §1): create, edit, dated status and agreement, lists and history; the
MIA's district list. Which insurer answers for a district is in ``ltc.orgs.contracts``.

An organisation has exactly one kind, set at creation and never changed (``update_org`` takes
no kind). Every write is audited with before/after values. Functions flush, never commit.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.pagination import Page, paginate
from ltc.core.periods import PeriodMixin, add_period, covering_filter, period_on, periods_of, periods_overlapping
from ltc.orgs.kinds import OrgKind, OrgStatus
from ltc.orgs.models import AgreementPeriod, District, Organisation, OrgStatusPeriod
from ltc.orgs.uscc import InvalidUscc, normalise_uscc
from ltc.people.models import InsuredPerson

ENTITY = "organisation"
DISTRICT_ENTITY = "district"
DETAIL_FIELDS = ("name", "uscc", "address", "phone", "latitude", "longitude")
MAX_LENGTH = {"name": 200, "address": 300, "phone": 40}


@dataclass
class OrgHistory:
    """Every dated period of an organisation, oldest first. The provider attributes' periods are
    added by the providers domain (``add_history_filler``, from ``ltc.providers.wire``)."""

    statuses: list[OrgStatusPeriod]
    agreements: list[AgreementPeriod]
    care_types: list = field(default_factory=list)
    grades: list = field(default_factory=list)
    beds: list = field(default_factory=list)
    prices: list = field(default_factory=list)
    district_periods: list = field(default_factory=list)


HistoryFiller = Callable[[Session, Organisation, OrgHistory], None]
HISTORY_FILLERS: list[HistoryFiller] = []
#: functions naming the district codes other records use (such a district may not be deleted)
DISTRICT_USERS: list[Callable[[Session], set[str]]] = []


def add_history_filler(fill: HistoryFiller) -> None:
    if fill not in HISTORY_FILLERS:
        HISTORY_FILLERS.append(fill)


def add_district_user(users: Callable[[Session], set[str]]) -> None:
    if users not in DISTRICT_USERS:
        DISTRICT_USERS.append(users)


# --- checks ------------------------------------------------------------------------------

def check_uscc(session: Session, code: str, *, org_id: int | None = None) -> str:
    """The code normalised. Raises ValidationFailed (invalid) or Conflict (held by another org)."""
    try:
        code = normalise_uscc(code)
    except InvalidUscc as exc:
        raise ValidationFailed(exc.msgid, {"uscc": "invalid"}) from None
    stmt = select(Organisation.id).where(Organisation.uscc == code)
    if org_id is not None:
        stmt = stmt.where(Organisation.id != org_id)
    if session.scalar(stmt) is not None:
        raise Conflict("统一社会信用代码 %(code)s 已被其他机构使用", {"uscc": "taken"}, params={"code": code})
    return code


def _coordinate(value: Decimal | None, limit: int, name: str) -> Decimal | None:
    if value is None:
        return None
    if not Decimal(value).is_finite() or not -limit <= value <= limit:
        raise ValidationFailed("坐标应在 -%(limit)s 到 %(limit)s 之间", {name: "out of range"}, params={"limit": limit})
    return Decimal(value).quantize(Decimal("0.000001"))


def _details(session: Session, values: dict[str, Any], *, org_id: int | None = None) -> dict:
    clean = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
    if not clean.get("name"):
        raise ValidationFailed("机构名称必填", {"name": "required"})
    for name, limit in MAX_LENGTH.items():
        if clean.get(name) and len(clean[name]) > limit:
            raise ValidationFailed("不能超过 %(n)s 个字符", {name: "too long"}, params={"n": limit})
    clean["uscc"] = check_uscc(session, clean.get("uscc") or "", org_id=org_id)
    clean["latitude"] = _coordinate(clean.get("latitude"), 90, "latitude")
    clean["longitude"] = _coordinate(clean.get("longitude"), 180, "longitude")
    return clean


def _snapshot(org: Organisation) -> dict:
    return {name: getattr(org, name) for name in DETAIL_FIELDS}


# --- writes ------------------------------------------------------------------------------

def create_org(session: Session, *, actor: Actor, now: datetime, kind: str, name: str, uscc: str,
               address: str | None = None, phone: str | None = None, latitude: Decimal | None = None,
               longitude: Decimal | None = None, active_from: date | None = None) -> Organisation:
    """Create an organisation of one kind; ``active_from`` opens its ``active`` status period.

    Raises ValidationFailed (unknown kind, invalid USCC) or Conflict (the USCC belongs to another
    organisation; a second MIA). An insurer's districts are its contracts (``ltc.orgs.contracts``).
    """
    if kind not in set(OrgKind):
        raise ValidationFailed("机构类型无效", {"kind": "invalid"})
    if kind == OrgKind.MIA and session.scalar(select(Organisation.id).where(Organisation.kind == kind)):
        raise Conflict("系统中已有医保经办机构，只能有一个", {"kind": "mia exists"})
    values = _details(session, {"name": name, "uscc": uscc, "address": address, "phone": phone,
                                "latitude": latitude, "longitude": longitude})
    org = Organisation(kind=kind, created_at=now, **values)
    session.add(org)
    session.flush()
    if active_from is not None:
        add_period(session, OrgStatusPeriod, org_id=org.id, status=OrgStatus.ACTIVE.value,
                   valid_from=active_from)
    audit.record(session, actor, "create", ENTITY, org.id, now=now,
                 after={"kind": kind, **values, "active_from": active_from})
    return org


def update_org(session: Session, org: Organisation, *, actor: Actor, now: datetime, name: str,
               uscc: str, address: str | None = None, phone: str | None = None,
               latitude: Decimal | None = None, longitude: Decimal | None = None) -> Organisation:
    """Edit the undated facts of an organisation (never its kind). Raises as ``create_org``."""
    before = _snapshot(org)
    values = _details(session, {"name": name, "uscc": uscc, "address": address, "phone": phone,
                                "latitude": latitude, "longitude": longitude}, org_id=org.id)
    for key, value in values.items():
        setattr(org, key, value)
    session.flush()
    changed_before, changed_after = audit.changes(before, _snapshot(org))
    if changed_after:
        audit.record(session, actor, "update", ENTITY, org.id, now=now, before=changed_before,
                     after=changed_after)
    return org


def change_from(session: Session, org: Organisation, model: type[PeriodMixin], attr: str, value: Any,
                valid_from: date, *, actor: Actor, now: datetime, action: str) -> PeriodMixin:
    """Make ``attr = value`` hold from ``valid_from`` on (an open-ended period).

    The open period that started earlier ends at ``valid_from``; an open period starting on
    ``valid_from`` itself is corrected in place. Raises ValidationFailed when the value already
    holds on that day, Conflict when the change would overlap a closed or later period.
    """
    current = period_on(session, model, valid_from, org_id=org.id)
    before = getattr(current, attr) if current is not None else None
    if current is not None and before == value:
        raise ValidationFailed("%(day)s 当日已是该值，无需变更", {"valid_from": "unchanged"},
                               params={"day": valid_from.isoformat()})
    if current is not None and current.valid_from == valid_from and current.valid_to is None:
        setattr(current, attr, value)
        period = current
        session.flush()
    else:
        period = add_period(session, model, valid_from=valid_from, close_open=True, org_id=org.id,
                            **{attr: value})
    audit.record(session, actor, action, ENTITY, org.id, now=now,
                 before={attr: before, "on": valid_from}, after={attr: value, "valid_from": valid_from})
    return period


def set_status(session: Session, org: Organisation, *, actor: Actor, now: datetime, status: str,
               valid_from: date) -> OrgStatusPeriod:
    """From ``valid_from`` on the organisation is active / suspended / exited. Raises as ``change_from``."""
    if status not in set(OrgStatus):
        raise ValidationFailed("状态无效", {"status": "invalid"})
    return change_from(session, org, OrgStatusPeriod, "status", status, valid_from,
                       actor=actor, now=now, action="set_status")


def set_agreement(session: Session, org: Organisation, *, actor: Actor, now: datetime,
                  agreement_no: str, valid_from: date, valid_to: date | None = None) -> AgreementPeriod:
    """Record an agreement (协议) for ``[valid_from, valid_to)``; an open-ended earlier one ends at
    ``valid_from``. Raises ValidationFailed (no number, inverted dates) or Conflict (overlap)."""
    agreement_no = (agreement_no or "").strip()
    if not agreement_no:
        raise ValidationFailed("协议编号必填", {"agreement_no": "required"})
    if len(agreement_no) > 60:
        raise ValidationFailed("协议编号不能超过 60 个字符", {"agreement_no": "too long"})
    previous = period_on(session, AgreementPeriod, valid_from, org_id=org.id)
    before = None if previous is None else {"agreement_no": previous.agreement_no,
                                            "valid_from": previous.valid_from,
                                            "valid_to": previous.valid_to}
    period = add_period(session, AgreementPeriod, valid_from=valid_from, valid_to=valid_to,
                        close_open=True, org_id=org.id, agreement_no=agreement_no)
    audit.record(session, actor, "set_agreement", ENTITY, org.id, now=now, before=before,
                 after={"agreement_no": agreement_no, "valid_from": valid_from, "valid_to": valid_to})
    return period


def end_agreement(session: Session, org: Organisation, *, actor: Actor, now: datetime, ends_on: date,
                  reason: str) -> AgreementPeriod:
    """The agreement in force the day before ``ends_on`` ends on ``ends_on`` (its first day no longer
    covered); agreements that would start later are not touched. Raises ValidationFailed when no agreement
    covers the day before ``ends_on`` or it already ends by then."""
    period = period_on(session, AgreementPeriod, ends_on - timedelta(days=1), org_id=org.id)
    if period is None:
        raise ValidationFailed("%(day)s 前一日没有生效的协议", {"effective_on": "no agreement"},
                               params={"day": ends_on.isoformat()})
    before = {"agreement_no": period.agreement_no, "valid_to": period.valid_to}
    if period.valid_to is not None and period.valid_to <= ends_on:
        raise ValidationFailed("协议已于该日或之前终止", {"effective_on": "already ends"})
    period.valid_to = ends_on
    session.flush()
    audit.record(session, actor, "end_agreement", ENTITY, org.id, now=now, before=before,
                 after={"agreement_no": period.agreement_no, "valid_to": ends_on, "reason": reason})
    return period


# --- reads -------------------------------------------------------------------------------

def status_on(session: Session, org: Organisation, day: date) -> str | None:
    period = period_on(session, OrgStatusPeriod, day, org_id=org.id)
    return period.status if period is not None else None


def status_periods(session: Session, org_ids: Iterable[int], start: date,
                   end: date | None) -> dict[int, list[OrgStatusPeriod]]:
    """Each organisation's status periods overlapping ``[start, end)``, in one query."""
    return periods_overlapping(session, OrgStatusPeriod, org_ids, start, end)


def agreement_periods(session: Session, org_ids: Iterable[int], start: date,
                      end: date | None) -> dict[int, list[AgreementPeriod]]:
    """Each organisation's agreement periods overlapping ``[start, end)``, in one query."""
    return periods_overlapping(session, AgreementPeriod, org_ids, start, end)


def search_orgs(session: Session, viewer: User, *, day: date, kind: str | None = None,
                text: str | None = None, page: int = 1, per_page: int = 25) -> Page:
    """Organisations the viewer may see, with their status on ``day``: rows of (org, status)."""
    stmt = (select(Organisation, OrgStatusPeriod.status)
            .outerjoin(OrgStatusPeriod, and_(OrgStatusPeriod.org_id == Organisation.id,
                                             covering_filter(OrgStatusPeriod, day)))
            .order_by(Organisation.kind, Organisation.name, Organisation.id))
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if text and text.strip():
        needle = text.strip()
        stmt = stmt.where(or_(Organisation.name.contains(needle, autoescape=True),
                              Organisation.uscc == needle.upper()))
    return paginate(session, scoped(stmt, Organisation, viewer), page=page, per_page=per_page,
                    scalars=False)


def all_orgs(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.kind, Organisation.name)))


def org_history(session: Session, org: Organisation) -> OrgHistory:
    history = OrgHistory(statuses=periods_of(session, OrgStatusPeriod, org_id=org.id),
                         agreements=periods_of(session, AgreementPeriod, org_id=org.id))
    for fill in HISTORY_FILLERS:
        fill(session, org, history)
    return history


# --- the district list (区县, managed by the MIA admin) ----------------------------------------

#: characters that separate districts in lists (forms, imports), hence never part of a code
CODE_FORBIDDEN = frozenset(",，、;；\r\n")
DISTRICT_LENGTH = 50


def list_districts(session: Session, *, active_only: bool = False) -> list[District]:
    """The district list in its display order."""
    stmt = select(District).order_by(District.sort_order, District.name, District.id)
    if active_only:
        stmt = stmt.where(District.active.is_(True))
    return list(session.scalars(stmt))


def district_names(session: Session) -> dict[str, str]:
    """Every district's name by its code (inactive ones included: old records name them)."""
    return {code: name for code, name in session.execute(select(District.code, District.name))}


def active_district(session: Session, code: str | None) -> District:
    """The active district with ``code``. Raises ValidationFailed when unknown or deactivated."""
    district = session.scalar(select(District).where(District.code == (code or "").strip()))
    if district is None:
        raise ValidationFailed("区县 %(code)s 不在区县名录中", {"district": "unknown"}, params={"code": code})
    if not district.active:
        raise ValidationFailed("区县 %(district_name)s 已停用", {"district": "inactive"},
                               params={"district_name": district.name})
    return district


def _district_name(session: Session, name: str | None, *, district_id: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("区县名称必填", {"name": "required"})
    if len(name) > DISTRICT_LENGTH:
        raise ValidationFailed("不能超过 %(n)s 个字符", {"name": "too long"}, params={"n": DISTRICT_LENGTH})
    stmt = select(District.id).where(District.name == name)
    if district_id is not None:
        stmt = stmt.where(District.id != district_id)
    if session.scalar(stmt) is not None:
        raise Conflict("区县名称 %(name)s 已在名录中", {"name": "taken"}, params={"name": name})
    return name


def add_district(session: Session, *, actor: Actor, now: datetime, code: str, name: str,
                 sort_order: int | None = None) -> District:
    """Add an active district; without ``sort_order`` it goes last.

    Raises ValidationFailed (empty or too long code or name, a separator in the code) or
    Conflict (code or name already in the list).
    """
    code = (code or "").strip()
    if not code:
        raise ValidationFailed("区县代码必填", {"code": "required"})
    if len(code) > DISTRICT_LENGTH:
        raise ValidationFailed("不能超过 %(n)s 个字符", {"code": "too long"}, params={"n": DISTRICT_LENGTH})
    if CODE_FORBIDDEN & set(code):
        raise ValidationFailed("区县代码不能包含逗号、顿号、分号或换行", {"code": "invalid"})
    if session.scalar(select(District.id).where(District.code == code)) is not None:
        raise Conflict("区县代码 %(code)s 已在名录中", {"code": "taken"}, params={"code": code})
    name = _district_name(session, name)
    if sort_order is None:
        sort_order = (session.scalar(select(func.max(District.sort_order))) or 0) + 10
    district = District(code=code, name=name, sort_order=sort_order, active=True)
    session.add(district)
    session.flush()
    audit.record(session, actor, "create", DISTRICT_ENTITY, district.code, now=now,
                 after={"code": code, "name": name, "sort_order": sort_order})
    return district


def update_district(session: Session, district: District, *, actor: Actor, now: datetime, name: str,
                    sort_order: int) -> District:
    """Rename or reorder a district (its code never changes). Raises as ``add_district``."""
    before = {"name": district.name, "sort_order": district.sort_order}
    district.name = _district_name(session, name, district_id=district.id)
    district.sort_order = sort_order
    session.flush()
    changed_before, changed_after = audit.changes(before, {"name": district.name,
                                                           "sort_order": district.sort_order})
    if changed_after:
        audit.record(session, actor, "update", DISTRICT_ENTITY, district.code, now=now,
                     before=changed_before, after=changed_after)
    return district


def set_district_active(session: Session, district: District, *, actor: Actor, now: datetime,
                        active: bool) -> District:
    """Deactivate a district (no new record may name it; old ones keep it) or activate it again.
    Raises ValidationFailed when it already is so."""
    if district.active == active:
        raise ValidationFailed("区县已是该状态", {"active": "unchanged"})
    district.active = active
    session.flush()
    audit.record(session, actor, "activate" if active else "deactivate", DISTRICT_ENTITY, district.code,
                 now=now, before={"active": not active}, after={"active": active})
    return district


def districts_in_use(session: Session) -> set[str]:
    """Codes named by an insured person or another domain's records (``DISTRICT_USERS``, e.g.
    insurers' contracts, providers' district periods)."""
    used = set(session.scalars(select(InsuredPerson.district).distinct()))
    for users in DISTRICT_USERS:
        used |= users(session)
    return used


def delete_district(session: Session, district: District, *, actor: Actor, now: datetime) -> None:
    """Remove a district entered by mistake. Raises Conflict when any record names it (deactivate
    it instead)."""
    if district.code in districts_in_use(session):
        raise Conflict("区县 %(name)s 已被使用，不能删除，可停用", {"district": "in use"},
                       params={"name": district.name})
    audit.record(session, actor, "delete", DISTRICT_ENTITY, district.code, now=now,
                 before={"code": district.code, "name": district.name})
    session.delete(district)
    session.flush()

