"""Pending counts shown as badges beside menu entries.

A domain adds ``(session, user, today) -> int`` for the endpoint of its work list from its
``wire()``; the menu shows the count beside that entry (and beside the area menu holding it)
when it is above zero.
"""
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

BadgeFn = Callable[[Session, object, date], int]
BADGES: dict[str, BadgeFn] = {}


def add_nav_badge(endpoint: str, fn: BadgeFn) -> None:
    BADGES.setdefault(endpoint, fn)


def badges_for(session: Session, user, today: date, endpoints: list[str]) -> dict[str, int]:
    """The pending count of each of ``endpoints`` that has a counter and something pending."""
    counts = {}
    for endpoint in endpoints:
        fn = BADGES.get(endpoint)
        if fn is not None and (n := fn(session, user, today)) > 0:
            counts[endpoint] = n
    return counts
