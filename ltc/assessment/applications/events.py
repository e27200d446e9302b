"""Events the application lifecycle publishes (``ltc.core.events``)."""
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ltc.core.audit import Actor

if TYPE_CHECKING:
    from ltc.assessment.applications.models import Application


@dataclass(frozen=True)
class ConclusionFinal:
    """A person's conclusion became final (SPEC §3.1): an entitlement review may open."""

    application: "Application"
    actor: Actor
    now: datetime
