"""A provider's month schedule queued from the schedule page (SPEC §9): one unit per beneficiary,
each in its own transaction, so an interrupted run resumes with the beneficiaries not done."""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.audit import Actor
from ltc.providers.records.models import ScheduleRequest
from ltc.providers.records.schedule import beneficiaries, generate_person_month


def schedule_units(session: Session, *, due_at: datetime, run_id: int) -> list[str]:
    """``provider:month:person`` of every beneficiary of the run's request."""
    request = session.scalar(select(ScheduleRequest).where(ScheduleRequest.run_id == run_id))
    if request is None:
        return []
    month = request.month.isoformat()
    return [f"{request.provider_id}:{month}:{person_id}:{request.requested_by or ''}"
            for person_id in beneficiaries(session, request.provider_id, request.month)]


def schedule_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    provider_id, month, person_id, user_id = unit.split(":")
    actor = Actor(int(user_id) if user_id else None, int(provider_id), "schedule")
    counts = generate_person_month(session, provider_id=int(provider_id), person_id=int(person_id),
                                   month=date.fromisoformat(month), actor=actor, now=now)
    return counts.as_dict()
