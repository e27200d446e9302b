"""Who sees which application (SPEC §1 scope rule).

The MIA sees all; an insurer the applications of persons of a district its contract covered on
the application date (``submitted_on``; an application filed before a re-tender stays with the
old insurer until it ends, one filed from the re-tender on goes to the new one); an agency the
applications dispatched to it and the 复评 children of those; a provider the applications
it filed and their 复评 children. The persons of the applications an agency was dispatched
or a provider filed become visible to that organisation (``person_link``), and so do the
notices issued about an application (``can_see_application``, added by ``wire()``).
"""
from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.orgs.contracts import covered_on
from ltc.people.models import InsuredPerson


def _own(org_id: int, kind: str) -> ColumnElement[bool]:
    column = Application.agency_id if kind == "agency" else Application.filed_by_org_id
    own = select(Application.id).where(column == org_id)
    return or_(column == org_id, Application.parent_id.in_(own))


def applications_in_scope(user: User) -> ColumnElement[bool] | None:
    kind = user.org_kind
    if kind == "mia":
        return None
    if kind == "insurer":
        district = (select(InsuredPerson.district).where(InsuredPerson.id == Application.person_id)
                    .correlate(Application).scalar_subquery())
        return covered_on(user.org_id, district, Application.submitted_on)
    if kind in ("agency", "provider"):
        return _own(user.org_id, kind)
    return false()


def persons_of_applications(org_id: int):
    """Persons of the applications dispatched to agency ``org_id`` or filed by provider ``org_id``."""
    return select(Application.person_id).where(
        or_(Application.agency_id == org_id, Application.filed_by_org_id == org_id))


def can_see_application(session: Session, user: User, application_id: int) -> bool:
    stmt = scoped(select(Application.id).where(Application.id == application_id), Application, user)
    return session.scalar(stmt) is not None
