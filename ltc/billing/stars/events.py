"""The event of a provider star written (published inside the writer's transaction, ``ltc.core.events``).

Whoever reacts to a star (the ratings' dynamic management, SPEC §8) subscribes to ``StarSet``; billing
knows no subscriber."""
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class StarSet:
    """The ``kind`` star (monthly / annual) of ``period`` (the month's first day, or 1 January of the
    year) became ``stars`` (``before``: the value it replaced, None for a new star)."""

    provider_id: int
    kind: str
    period: date
    stars: int
    before: int | None
    source: str
    now: datetime
