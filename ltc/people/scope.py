"""Who sees which insured person (SPEC §1 scope rule).

The MIA sees everyone; an insurer sees the persons of the districts it holds or held a contract
for (``ltc.orgs.contracts``: the old insurer keeps the persons behind its history after a
re-tender, the new one sees them from the day its contract is signed); an agency or a
provider sees the persons linked to it. Links come from other domains (applications
dispatched to an agency, persons a provider filed for, its beneficiaries): each domain's
``wire()`` adds a function ``(org_id) -> Select`` of person ids with ``add_person_link``.
A person merged into another (registered twice, SPEC §2) is seen by nobody: its records
moved to the survivor, its old pages are a 404.
"""
from collections.abc import Callable

from sqlalchemy import ColumnElement, Select, and_, false, or_

from ltc.auth.models import User
from ltc.orgs.contracts import contract_districts
from ltc.people.models import InsuredPerson

PersonLink = Callable[[int], Select]
PERSON_LINKS: list[PersonLink] = []


def add_person_link(fn: PersonLink) -> None:
    """Add a source of agency / provider links to persons (idempotent)."""
    if fn not in PERSON_LINKS:
        PERSON_LINKS.append(fn)


def persons_in_scope(user: User) -> ColumnElement[bool]:
    clause = _linked(user)
    return InsuredPerson.live_filter() if clause is None else and_(InsuredPerson.live_filter(), clause)


def _linked(user: User) -> ColumnElement[bool] | None:
    kind = user.org_kind
    if kind == "mia":
        return None
    if kind == "insurer":
        return InsuredPerson.district.in_(contract_districts(user.org_id))
    if kind in ("agency", "provider") and PERSON_LINKS:
        return or_(*[InsuredPerson.id.in_(link(user.org_id)) for link in PERSON_LINKS])
    return false()
