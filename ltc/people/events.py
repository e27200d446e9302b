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
