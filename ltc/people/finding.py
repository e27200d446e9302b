"""What a search box finds of a person: the clause every list that shows persons filters on."""
from sqlalchemy import ColumnElement

from ltc.people.ids import ID_SHAPE, ID_TAIL, normalise_id_number
from ltc.people.models import InsuredPerson


def person_matches(q: str) -> ColumnElement[bool]:
    """Persons matching ``q``: a full ID number (any spelling: full-width digits, blanks, ``x``),
    the last 3 to 17 characters of one, or else part of the name."""
    return id_or_name_matches(q, InsuredPerson.id_number, InsuredPerson.name)


def id_or_name_matches(q: str, id_number, name) -> ColumnElement[bool]:
    """Rows whose ``id_number`` column is ``q`` (any spelling) or ends with its last 3 to 17
    characters, or else whose ``name`` column contains ``q`` (the staff registers search alike)."""
    ident = normalise_id_number(q)
    if ID_SHAPE.fullmatch(ident):
        return id_number == ident
    if ID_TAIL.fullmatch(ident):
        return id_number.endswith(ident, autoescape=True)
    return name.contains(q.strip(), autoescape=True)
