"""Whose deposit ledger a user sees (SPEC §1): the MIA every provider's; a provider's staff its own;
an insurer the providers of the districts it holds or held a contract for; nobody else any (404)."""
from sqlalchemy import ColumnElement, exists, false, select

from ltc.auth.models import User
from ltc.billing.deposits.models import DepositEntry
from ltc.billing.scope import STAFF_ROLES
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import InsurerContract, Organisation
from ltc.providers.models import ProviderDistrictPeriod


def providers_clause(user: User, provider_id) -> ColumnElement[bool] | None:
    """The rows whose ``provider_id`` column names a provider ``user`` may see (None: all)."""
    if user.org_kind == OrgKind.MIA:
        return None
    if user.org_kind == OrgKind.PROVIDER:
        return provider_id == user.org_id if user.has_role(*STAFF_ROLES) else false()
    if user.org_kind == OrgKind.INSURER:
        return exists(select(ProviderDistrictPeriod.id).join(
            InsurerContract, InsurerContract.district == ProviderDistrictPeriod.district).where(
            ProviderDistrictPeriod.org_id == provider_id, InsurerContract.insurer_id == user.org_id))
    return false()


def entries_in_scope(user: User) -> ColumnElement[bool] | None:
    return providers_clause(user, DepositEntry.provider_id)


def providers_in_scope(user: User) -> ColumnElement[bool] | None:
    clause = providers_clause(user, Organisation.id)
    kind = Organisation.kind == OrgKind.PROVIDER
    return kind if clause is None else kind & clause
