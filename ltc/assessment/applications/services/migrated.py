"""Conclusions carried over from the legacy system at go-live (SPEC §4.2 "Go-live migration").

A migrated conclusion is stored as a conclusion: an application of kind ``migrated``, already
``concluded`` and final, with the legacy level, conclusion date and validity ``[concluded_on,
valid_to)``. So every reader of "the person's conclusion" sees it like any other: the conclusion
in force (``current_conclusion``), the 6-month rule at acceptance (``last_conclusion``), the
daily expiry reassessment, and the entitlement's ``application_id``. It has no visit, record or
notice (none was made in this system) and cannot be objected to (it is final). Its contact is
the person as on the roster (a reassessment opened from it copies that), and its preferred
care type and provider are those of the migrated entitlement (a reassessment keeps them).
The final date before go-live is not known: ``final_on`` is the conclusion date.
"""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.transitions import record_event
from ltc.assessment.applications.states import Kind, Status
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import NotFound, ValidationFailed
from ltc.people.models import InsuredPerson

ACTION = "migrate"


def _same(session: Session, person_id: int, level: int, concluded_on: date, valid_to: date) -> Application | None:
    return session.scalars(select(Application).where(
        Application.person_id == person_id, Application.kind == Kind.MIGRATED.value, Application.level == level,
        Application.concluded_on == concluded_on, Application.valid_to == valid_to)
        .order_by(Application.id).limit(1)).first()


def record_migrated_conclusion(session: Session, *, person_id: int, level: int, concluded_on: date, valid_to: date,
                               care_type: str | None, provider_id: int | None, actor: Actor,
                               now: datetime) -> Application:
    """The stored migrated conclusion with these values, recorded (event ``migrate``, audited)
    unless the person already has it. Raises NotFound (person) and ValidationFailed (dates)."""
    person = session.get(InsuredPerson, person_id)
    if person is None:
        raise NotFound("参保人不存在")
    if valid_to <= concluded_on:
        raise ValidationFailed("评估结论有效期结束日须晚于结论日期", {"valid_to": "not after the conclusion date"})
    found = _same(session, person_id, level, concluded_on, valid_to)
    if found is not None:
        return found
    app = Application(person_id=person_id, kind=Kind.MIGRATED.value, status=Status.CONCLUDED.value,
                      applicant_name=person.name, applicant_relation="self", applicant_phone=person.phone or "",
                      preferred_care_type=care_type, preferred_provider_id=provider_id,
                      filed_by_user_id=actor.user_id, filed_by_org_id=actor.org_id, submitted_at=now,
                      submitted_on=local_today(now), concluded_on=concluded_on, final_on=concluded_on, level=level,
                      valid_from=concluded_on, valid_to=valid_to)
    session.add(app)
    session.flush()
    record_event(session, app, from_status=None, action=ACTION, actor=actor, now=now,
                 data={"level": level, "concluded_on": concluded_on, "valid_to": valid_to})
    session.flush()
    return app
