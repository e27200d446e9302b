"""Reads other services and domains need: a person's conclusion in force, open applications.

A person's conclusions are their concluded applications other than 复评 children (a parent
carries its 复评's level and validity once the child concludes); the one in force is final
(SPEC §3.1: ``final_on`` set), so a lower conclusion still open to objection is not yet it.
"""
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.states import OPEN, Kind, Status

_CONCLUDED = (Application.status == Status.CONCLUDED.value, Application.kind != Kind.REVIEW.value)


def current_conclusion(session: Session, person_id: int, day: date) -> Application | None:
    """The person's latest final conclusion whose validity ``[valid_from, valid_to)`` covers ``day``."""
    return session.scalars(
        select(Application).where(Application.person_id == person_id, *_CONCLUDED, Application.final_on.is_not(None),
                                  Application.valid_from <= day,
                                  or_(Application.valid_to.is_(None), Application.valid_to > day))
        .order_by(Application.concluded_on.desc(), Application.id.desc()).limit(1)).first()


def last_conclusion(session: Session, person_id: int) -> Application | None:
    """The person's most recent conclusion, valid or not, final or not (the 6-month rule counts
    from its ``valid_from``: the conclusion date, or for a 复评 the child's confirmation date)."""
    return session.scalars(
        select(Application).where(Application.person_id == person_id, *_CONCLUDED)
        .order_by(Application.valid_from.desc(), Application.id.desc()).limit(1)).first()


def open_applications(session: Session, person_id: int, *, other_than: int | None = None) -> list[Application]:
    """The person's applications not yet refused, concluded, withdrawn or cancelled."""
    stmt = select(Application).where(Application.person_id == person_id,
                                     Application.status.in_([s.value for s in OPEN]))
    if other_than is not None:
        stmt = stmt.where(Application.id != other_than)
    return list(session.scalars(stmt.order_by(Application.id)))
