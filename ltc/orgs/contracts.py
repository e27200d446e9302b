"""Insurers' contracts (承办合同, SPEC §1): which insurer answers for a district on a date.

One row per insurer, district and ``[valid_from, valid_to)``; the contracts of one district never
overlap (checked here on every database, and by ``EXCLUDE USING gist`` on PostgreSQL). A
re-tender on date D ends the running contract at D (``end_contract``) and adds the new insurer's
from D (``add_contract``).

How a re-tender moves what an insurer sees (the scope rules of persons, applications, care plans
and review cases read the clauses below):

- an application belongs to the insurer whose contract covered the person's district on the
  application date, until it ends: open work filed before D stays with the old insurer, work
  filed from D on goes to the new one (``covered_on``);
- a review step's owner is resolved from the contract in force on the subject's business date
  when the step is entered, and kept until decided (``ltc.reviews.engine``); the organisations
  that owned a step keep the case in their history;
- persons (and their entitlements and care plans) are seen by every insurer holding or having
  held a contract for their district (``contract_districts``): the old insurer keeps the persons
  behind its decided history, the new one sees them from the day its contract is signed.
"""
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, exists, false, or_, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.pagination import Page, paginate
from ltc.core.periods import add_period, covering_filter, overlap_filter
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import District, InsurerContract, Organisation
from ltc.orgs.services import active_district

ENTITY = "insurer_contract"
NUMBER_LENGTH = 60


# --- writes --------------------------------------------------------------------------------

def _clash(session: Session, district: str, valid_from: date, valid_to: date | None, *,
           other_than: int | None = None) -> InsurerContract | None:
    stmt = select(InsurerContract).where(InsurerContract.district == district,
                                         overlap_filter(InsurerContract, valid_from, valid_to))
    if other_than is not None:
        stmt = stmt.where(InsurerContract.id != other_than)
    return session.scalars(stmt.order_by(InsurerContract.valid_from)).first()


def _overlap(district: District, clash: InsurerContract) -> Conflict:
    """The overlap in words: which insurer holds the district over which dates."""
    last = "长期" if clash.valid_to is None else (clash.valid_to - timedelta(days=1)).isoformat()
    return Conflict("%(district)s在 %(start)s 至 %(end)s 已由%(insurer)s承办，与所填期间重叠；换签须先终止原合同",
                    {"valid_from": "overlaps another contract"},
                    params={"district": district.name, "start": clash.valid_from.isoformat(), "end": last,
                            "insurer": clash.insurer.name})


def _dates(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from is None:
        raise ValidationFailed("开始日期必填", {"valid_from": "required"})
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationFailed("终止日期必须晚于开始日期", {"valid_to": "must be after valid_from"})


def _values(contract: InsurerContract) -> dict:
    return {"insurer_id": contract.insurer_id, "district": contract.district, "contract_no": contract.contract_no,
            "valid_from": contract.valid_from, "valid_to": contract.valid_to}


def add_contract(session: Session, *, actor: Actor, now: datetime, insurer_id: int, district: str,
                 valid_from: date, valid_to: date | None = None, contract_no: str | None = None) -> InsurerContract:
    """Contract ``insurer_id`` for ``district`` over ``[valid_from, valid_to)`` (open-ended without ``valid_to``).

    Raises ValidationFailed (not an insurer, unknown or deactivated district, inverted dates,
    number too long) or Conflict naming the insurer whose contract the period overlaps.
    """
    insurer = session.get(Organisation, insurer_id) if insurer_id else None
    if insurer is None or insurer.kind != OrgKind.INSURER:
        raise ValidationFailed("承办合同只能与承办商保公司签订", {"insurer_id": "not an insurer"})
    found = active_district(session, district)
    _dates(valid_from, valid_to)
    contract_no = (contract_no or "").strip() or None
    if contract_no and len(contract_no) > NUMBER_LENGTH:
        raise ValidationFailed("合同编号不能超过 %(n)s 个字符", {"contract_no": "too long"},
                               params={"n": NUMBER_LENGTH})
    clash = _clash(session, found.code, valid_from, valid_to)
    if clash is not None:
        raise _overlap(found, clash)
    contract = add_period(session, InsurerContract, valid_from=valid_from, valid_to=valid_to, district=found.code,
                          insurer_id=insurer.id, contract_no=contract_no, created_at=now)
    audit.record(session, actor, "create", ENTITY, contract.id, now=now, after=_values(contract))
    return contract


def end_contract(session: Session, contract: InsurerContract, *, actor: Actor, now: datetime,
                 valid_to: date) -> InsurerContract:
    """The contract ends at ``valid_to`` (exclusive: from that day on another insurer may hold the
    district — a re-tender). Raises ValidationFailed (no date, not after the start, unchanged) or
    Conflict (a later end would overlap the next contract of the district)."""
    if valid_to is None:
        raise ValidationFailed("终止日期必填", {"valid_to": "required"})
    _dates(contract.valid_from, valid_to)
    if valid_to == contract.valid_to:
        raise ValidationFailed("合同已在该日终止", {"valid_to": "unchanged"})
    clash = _clash(session, contract.district, contract.valid_from, valid_to, other_than=contract.id)
    if clash is not None:
        raise _overlap(session.scalars(select(District).where(District.code == contract.district)).one(), clash)
    before = _values(contract)
    contract.valid_to = valid_to
    session.flush()
    audit.record(session, actor, "end", ENTITY, contract.id, now=now, before={"valid_to": before["valid_to"]},
                 after={"valid_to": valid_to})
    return contract


# --- reads ---------------------------------------------------------------------------------

def insurer_of_district(session: Session, district: str | None, day: date) -> int | None:
    """The insurer whose contract covers ``district`` on ``day`` (the record's business date);
    None for no district or no contract in force."""
    if not district:
        return None
    return session.scalar(select(InsurerContract.insurer_id).where(
        InsurerContract.district == district, covering_filter(InsurerContract, day)))


def contract_districts(insurer_id: int) -> Select:
    """The districts ``insurer_id`` holds or held a contract for (any date), as a subquery."""
    return select(InsurerContract.district).where(InsurerContract.insurer_id == insurer_id)


def covered_on(insurer_id: int, district, day) -> ColumnElement[bool]:
    """SQL: a contract of ``insurer_id`` covers ``district`` on ``day`` (column expressions of the
    record being scoped, e.g. the person's district and the application date)."""
    return exists(select(InsurerContract.id).where(
        InsurerContract.insurer_id == insurer_id, InsurerContract.district == district,
        InsurerContract.valid_from <= day, or_(InsurerContract.valid_to.is_(None), InsurerContract.valid_to > day)))


def contracts_in_scope(user: User) -> ColumnElement[bool] | None:
    """The MIA sees every contract, an insurer its own, nobody else any."""
    if user.org_kind == OrgKind.MIA:
        return None
    if user.org_kind == OrgKind.INSURER:
        return InsurerContract.insurer_id == user.org_id
    return false()


def search_contracts(session: Session, viewer: User, *, page: int = 1, per_page: int = 25) -> Page:
    """The contracts the viewer sees, by district (in the list's order), then date."""
    stmt = (select(InsurerContract).join(District, District.code == InsurerContract.district)
            .order_by(District.sort_order, District.name, InsurerContract.valid_from))
    return paginate(session, scoped(stmt, InsurerContract, viewer), page=page, per_page=per_page)


def contract_state(contract: InsurerContract, day: date) -> str:
    """``upcoming``, ``current`` or ``ended`` on ``day``."""
    if day < contract.valid_from:
        return "upcoming"
    return "current" if contract.covers(day) else "ended"


def contracts_ending(viewer: User) -> Select:
    """The viewer's contracts with the insurer's name, soonest end first (the caller filters by end)."""
    stmt = (select(InsurerContract, Organisation.name)
            .join(Organisation, Organisation.id == InsurerContract.insurer_id)
            .order_by(InsurerContract.valid_to, InsurerContract.district))
    return scoped(stmt, InsurerContract, viewer)


def contract_district_codes(session: Session) -> set[str]:
    """District codes named by a contract (such a district may not be deleted)."""
    return set(session.scalars(select(InsurerContract.district).distinct()))
