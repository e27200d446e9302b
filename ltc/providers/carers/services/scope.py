"""Who sees which carers (SPEC §1 scope rule): a provider its own register, an insurer the
registers of providers in the districts its contracts cover (or covered), the MIA every register,
nobody else any (404). The register's list with its search and filters."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, exists, false, or_, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.permissions import Action, can
from ltc.auth.scope import scoped
from ltc.core.periods import covering_filter
from ltc.orgs.contracts import contract_districts
from ltc.orgs.models import Organisation
from ltc.people.finding import id_or_name_matches
from ltc.providers.carers.models import Carer, CarerSuspensionPeriod
from ltc.providers.carers.services.readers import employed_filter
from ltc.providers.models import ProviderDistrictPeriod

#: list filter: the carer's state on the day the list is shown (msgids)
STATE_LABELS = {"active": "在职", "suspended": "暂停服务", "left": "已离职"}


def carers_in_scope(user: User) -> ColumnElement[bool] | None:
    """The registers ``user`` may read; a user without the right to read registers (an agency, a
    carer login, a provider's reviewer) sees none: their own entry is ``carer_of_user``'s."""
    kind = user.org_kind
    if not may_view(user):
        return false()
    if kind == "mia":
        return None
    if kind == "provider":
        return Carer.provider_id == user.org_id
    if kind == "insurer":
        return Carer.provider_id.in_(select(ProviderDistrictPeriod.org_id).where(
            ProviderDistrictPeriod.district.in_(contract_districts(user.org_id))))
    return false()


def may_manage(user: User) -> bool:
    return can(user, Action.MANAGE_CARERS)


def may_view(user: User) -> bool:
    return can(user, Action.VIEW_CARERS)


@dataclass(frozen=True)
class CarerFilter:
    q: str = ""
    staff_type: str | None = None
    state: str | None = None
    provider_id: int | None = None


def _state_clause(state: str, day: date) -> ColumnElement[bool]:
    suspended = exists(select(CarerSuspensionPeriod.id).where(
        CarerSuspensionPeriod.carer_id == Carer.id, covering_filter(CarerSuspensionPeriod, day)))
    if state == "left":
        return Carer.left_on <= day
    if state == "suspended":
        return employed_filter(day) & suspended
    return employed_filter(day) & ~suspended


def search_carers(viewer: User, criteria: CarerFilter, *, day: date) -> Select:
    """(carer, provider name) rows the viewer may see, by provider then name."""
    stmt = (select(Carer, Organisation.name).join(Organisation, Organisation.id == Carer.provider_id)
            .order_by(Organisation.name, Carer.name, Carer.id))
    if criteria.q.strip():
        stmt = stmt.where(id_or_name_matches(criteria.q, Carer.id_number, Carer.name))
    if criteria.staff_type:
        stmt = stmt.where(Carer.staff_type == criteria.staff_type)
    if criteria.state in STATE_LABELS:
        stmt = stmt.where(_state_clause(criteria.state, day))
    if criteria.provider_id:
        stmt = stmt.where(Carer.provider_id == criteria.provider_id)
    return scoped(stmt, Carer, viewer)


def state_of(carer: Carer, suspended: bool, day: date) -> str | None:
    """``active`` / ``suspended`` / ``left`` on ``day``; None before the first day of employment."""
    if carer.left_on is not None and carer.left_on <= day:
        return "left"
    if carer.employed_from > day:
        return None
    return "suspended" if suspended else "active"


def providers_in_scope(session: Session, viewer: User) -> list[Organisation]:
    """The providers whose registers the viewer may filter on (MIA, insurer)."""
    stmt = select(Organisation).where(Organisation.kind == "provider").order_by(Organisation.name)
    if viewer.org_kind == "insurer":
        stmt = stmt.where(or_(Organisation.id.in_(select(ProviderDistrictPeriod.org_id).where(
            ProviderDistrictPeriod.district.in_(contract_districts(viewer.org_id))))))
    elif viewer.org_kind != "mia":
        stmt = stmt.where(Organisation.id == viewer.org_id)
    return list(session.scalars(stmt))
