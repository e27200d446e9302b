"""Who sees which finding (SPEC §1 scope rule): the MIA all; an insurer those about persons of
its districts (the roster's rule); a provider its own records'; a carer only the findings on
their own visits."""
from sqlalchemy import ColumnElement, false, select

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.compliance.models import Finding
from ltc.people.models import InsuredPerson
from ltc.providers.carers.models import Carer


def findings_in_scope(user: User) -> ColumnElement[bool] | None:
    kind = user.org_kind
    if kind == "mia":
        return None
    if kind == "insurer":
        return Finding.person_id.in_(scoped(select(InsuredPerson.id), InsuredPerson, user))
    if kind == "provider":
        own = Finding.provider_id == user.org_id
        if user.has_role("admin", "operator", "reviewer"):
            return own
        return own & Finding.carer_id.in_(select(Carer.id).where(Carer.user_id == user.id))
    return false()
