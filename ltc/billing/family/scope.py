"""Who sees which allowance line (SPEC §1): the MIA all; an insurer the lines of persons in its scope
(the districts it holds or held a contract for); nobody else any (404)."""
from sqlalchemy import ColumnElement, false, select

from ltc.auth.models import User
from ltc.billing.family.models import FamilyAllowanceLine
from ltc.orgs.kinds import OrgKind
from ltc.people.models import InsuredPerson
from ltc.people.scope import persons_in_scope


def lines_in_scope(user: User) -> ColumnElement[bool] | None:
    if user.org_kind == OrgKind.MIA:
        return None
    if user.org_kind == OrgKind.INSURER:
        return FamilyAllowanceLine.person_id.in_(select(InsuredPerson.id).where(persons_in_scope(user)))
    return false()
