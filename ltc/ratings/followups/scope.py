"""Who sees which follow-up (SPEC §1): the MIA all; an insurer those on its own worklist (the insurer of
the person's district when the follow-up was listed); a provider those of its beneficiaries (view
only); nobody else any (404)."""
from sqlalchemy import ColumnElement, false

from ltc.auth.models import User
from ltc.orgs.kinds import OrgKind
from ltc.ratings.followups.models import FollowUp


def follow_ups_in_scope(user: User) -> ColumnElement[bool] | None:
    if user.org_kind == OrgKind.MIA:
        return None
    if user.org_kind == OrgKind.INSURER:
        return FollowUp.insurer_id == user.org_id
    if user.org_kind == OrgKind.PROVIDER:
        return FollowUp.provider_id == user.org_id
    return false()
