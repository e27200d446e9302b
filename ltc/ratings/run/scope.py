"""Who sees which provider rating (SPEC §1, §8): the MIA all; an insurer those of the providers in the
districts its contracts cover (or covered); a provider its own; nobody else any (404)."""
from sqlalchemy import ColumnElement, false, select

from ltc.auth.models import User
from ltc.orgs.contracts import contract_districts
from ltc.orgs.kinds import OrgKind
from ltc.providers.models import ProviderDistrictPeriod
from ltc.ratings.run.models import ProviderRating


def ratings_in_scope(user: User) -> ColumnElement[bool] | None:
    if user.org_kind == OrgKind.MIA:
        return None
    if user.org_kind == OrgKind.PROVIDER:
        return ProviderRating.provider_id == user.org_id
    if user.org_kind == OrgKind.INSURER:
        return ProviderRating.provider_id.in_(select(ProviderDistrictPeriod.org_id).where(
            ProviderDistrictPeriod.district.in_(contract_districts(user.org_id))))
    return false()
