"""Who sees which settlement (SPEC §1): the MIA every one; a provider's staff their own; an insurer
those of providers whose district it held a contract for on the first day of the service month
(the insurer that owns the settlement, SPEC §1); nobody else any."""
from sqlalchemy import ColumnElement, and_, exists, false, or_, select

from ltc.auth.models import User
from ltc.billing.models import Settlement
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import InsurerContract
from ltc.providers.models import ProviderDistrictPeriod

STAFF_ROLES = ("admin", "operator", "reviewer")


def _in_force(model, day) -> ColumnElement[bool]:
    return and_(model.valid_from <= day, or_(model.valid_to.is_(None), model.valid_to > day))


def settlements_in_scope(user: User) -> ColumnElement[bool] | None:
    if user.org_kind == OrgKind.MIA:
        return None
    if user.org_kind == OrgKind.PROVIDER:
        return Settlement.provider_id == user.org_id if user.has_role(*STAFF_ROLES) else false()
    if user.org_kind == OrgKind.INSURER:
        district = ProviderDistrictPeriod
        return exists(select(district.id).join(InsurerContract, InsurerContract.district == district.district).where(
            district.org_id == Settlement.provider_id, _in_force(district, Settlement.month),
            InsurerContract.insurer_id == user.org_id, _in_force(InsurerContract, Settlement.month)))
    return false()
