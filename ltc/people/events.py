"""Events the people domain publishes (``ltc.core.events``)."""
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ltc.core.audit import Actor

if TYPE_CHECKING:
    from ltc.people.models import InsuredPerson


@dataclass(frozen=True)
class PersonDied:
    """A death was recorded (``person.death_date`` is set): SPEC §2's cancellations follow."""

    person: "InsuredPerson"
    actor: Actor
    now: datetime


@dataclass(frozen=True)
class IdNumberChanged:
    """A person's stored ID number changed (``before`` is the old spelling): a listed ID-number
    collision may be resolved by it."""

    person: "InsuredPerson"
    before: str
    actor: Actor
    now: datetime
