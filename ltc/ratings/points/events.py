"""Events of violation points (published inside the job's transaction, ``ltc.core.events``)."""
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PointsAttached:
    carer_id: int
    settlement_id: int
    points: int
    attached_on: date


@dataclass(frozen=True)
class CarerSuspendedForPoints:
    carer_id: int
    suspension_id: int
    valid_from: date
    valid_to: date
    points: int
