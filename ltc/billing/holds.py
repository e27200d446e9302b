"""Persons whose records of a month are held for the insurer's review (SPEC §7.2, §8): another domain
(the follow-up visits of ``ltc.ratings``) registers a reader ``reader(session, provider_id, month) ->
set of person ids`` from its ``wire()``; the settlement reader asks every registered reader when it
builds a provider-month's pricing input, so billing never imports the domain that holds them."""
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

HeldReader = Callable[[Session, int, date], set[int]]
_READERS: list[HeldReader] = []


def register_held_persons(reader: HeldReader) -> None:
    """Add a reader of held persons (idempotent)."""
    if reader not in _READERS:
        _READERS.append(reader)


def held_persons(session: Session, provider_id: int, month: date) -> frozenset[int]:
    """The persons every registered reader holds in ``provider_id``'s ``month`` (first day)."""
    found: set[int] = set()
    for reader in _READERS:
        found |= reader(session, provider_id, month)
    return frozenset(found)
