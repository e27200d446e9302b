"""Who sees which complaint (SPEC §1): the MIA all; an insurer the complaints it handles; a provider
those about itself (view only); nobody else any (404)."""
from sqlalchemy import ColumnElement, false

from ltc.auth.models import User
from ltc.orgs.kinds import OrgKind
from ltc.ratings.complaints.models import Complaint


def complaints_in_scope(user: User) -> ColumnElement[bool] | None:
    if user.org_kind == OrgKind.MIA:
        return None
    if user.org_kind == OrgKind.INSURER:
        return Complaint.insurer_id == user.org_id
    if user.org_kind == OrgKind.PROVIDER:
        return Complaint.provider_id == user.org_id
    return false()
