"""Events the care plans publish (``ltc.core.events``)."""
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ltc.core.audit import Actor

if TYPE_CHECKING:
    from ltc.providers.care_plans.models import CarePlan


@dataclass(frozen=True)
class PlanSaved:
    """A new version of a care plan was saved (a review using the plan sees a new subject revision)."""

    plan: "CarePlan"
    actor: Actor
    now: datetime
