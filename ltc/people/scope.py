"""Who sees which insured person (SPEC §1 scope rule).

The MIA sees everyone; an insurer sees the persons of its districts; an agency or a
provider sees the persons linked to it. Links come from later features (applications
dispatched to an agency, persons a provider filed for, its beneficiaries): each appends to
``PERSON_LINKS`` a function ``(org_id) -> Select`` of person ids.
"""
from collections.abc import Callable

from sqlalchemy import ColumnElement, Select, false, or_

from ltc.auth.models import User
from ltc.auth.scope import scope_rule
from ltc.people.models import InsuredPerson

PersonLink = Callable[[int], Select]
PERSON_LINKS: list[PersonLink] = []


def person_link(fn: PersonLink) -> PersonLink:
    """Decorator: register a source of agency / provider links to persons."""
    PERSON_LINKS.append(fn)
    return fn


@scope_rule(InsuredPerson)
def persons_in_scope(user: User) -> ColumnElement[bool] | None:
    kind = user.org_kind
    if kind == "mia":
        return None
    if kind == "insurer":
        districts = list(user.org.districts or [])
        return InsuredPerson.district.in_(districts) if districts else false()
    if kind in ("agency", "provider") and PERSON_LINKS:
        return or_(*[InsuredPerson.id.in_(link(user.org_id)) for link in PERSON_LINKS])
    return false()
