"""Who sees which review case (SPEC §1): the MIA all; every other organisation the cases in
which it owns a step (its ``ReviewParty`` rows). Anything else is a 404."""
from sqlalchemy import ColumnElement, select

from ltc.auth.models import User
from ltc.reviews.models import ReviewCase, ReviewParty


def cases_in_scope(user: User) -> ColumnElement[bool] | None:
    if user.org_kind == "mia":
        return None
    return ReviewCase.id.in_(select(ReviewParty.case_id).where(ReviewParty.org_id == user.org_id))
