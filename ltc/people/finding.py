"""What a search box finds of a person: the clause every list that shows persons filters on."""
from sqlalchemy import ColumnElement

from ltc.people.ids import ID_SHAPE, ID_TAIL, normalise_id_number
from ltc.people.models import InsuredPerson


def person_matches(q: str) -> ColumnElement[bool]:
    """Persons matching ``q``: a full ID number (any spelling: full-width digits, blanks, ``x``),
    the last 3 to 17 characters of one, or else part of the name."""
    ident = normalise_id_number(q)
    if ID_SHAPE.fullmatch(ident):
        return InsuredPerson.id_number == ident
    if ID_TAIL.fullmatch(ident):
        return InsuredPerson.id_number.endswith(ident, autoescape=True)
    return InsuredPerson.name.contains(q.strip(), autoescape=True)
