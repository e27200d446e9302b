"""Who sees which entitlement (SPEC §1 scope rule).

The MIA sees all; an insurer the entitlements of persons in its districts; a provider its
own; an agency those whose conclusion application was dispatched to it. A provider's
beneficiaries become visible persons to it (``person_link``), and the entitlement notice is
visible to whoever sees the entitlement (``can_see_entitlement``, added by ``wire()``).
"""
from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.entitlements.models import Entitlement
from ltc.people.models import InsuredPerson

SUBJECT = "entitlement"


def entitlements_in_scope(user: User) -> ColumnElement[bool] | None:
    kind = user.org_kind
    if kind == "mia":
        return None
    if kind == "insurer":  # the persons of its districts, as the roster's rule says
        return Entitlement.person_id.in_(scoped(select(InsuredPerson.id), InsuredPerson, user))
    if kind == "provider":
        return Entitlement.provider_id == user.org_id
    if kind == "agency":
        return Entitlement.application_id.in_(select(Application.id).where(Application.agency_id == user.org_id))
    return false()


def beneficiaries_of_provider(org_id: int):
    """Persons with an entitlement (past, present or future) at provider ``org_id``."""
    return select(Entitlement.person_id).where(Entitlement.provider_id == org_id)


def can_see_entitlement(session: Session, user: User, entitlement_id: int) -> bool:
    stmt = scoped(select(Entitlement.id).where(Entitlement.id == entitlement_id), Entitlement, user)
    return session.scalar(stmt) is not None
