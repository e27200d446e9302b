"""Events the people domain publishes (``ltc.core.events``)."""
from dataclasses import dataclass
from datetime import date, datetime
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
class PersonTransferred:
    """The enrolment became ``transferred`` from ``transfer_date``: the entitlement ends from the
    next day, like on a death (SPEC §2)."""

    person: "InsuredPerson"
    transfer_date: date
    actor: Actor
    now: datetime


@dataclass(frozen=True)
class DeathUndone:
    """An MIA admin removed a death recorded in error (``death_date`` is what was recorded;
    ``person.death_date`` is None again): what the death cancelled is restored (SPEC §2)."""

    person: "InsuredPerson"
    death_date: date
    reason: str
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
