"""Date arithmetic of the workflow that needs no calendar (pure: no Flask, no database).

Working-day deadlines come from ``ltc.core.calendar``; the SLA state of a queue row is
computed here from the due dates already stored on the application.
"""
from datetime import date
from typing import Protocol

from ltc.assessment.applications.states import Status

OK, DUE_SOON, OVERDUE = "ok", "due_soon", "overdue"
#: a deadline this many calendar days away (or fewer) is "due soon"
DUE_SOON_DAYS = 2
_ACCEPTANCE_CLOCK = frozenset({Status.SUBMITTED})
#: until the conclusion is made, i.e. the second expert's confirmation (SPEC §3.1): publicity comes after it
_CONCLUSION_CLOCK = frozenset({Status.ACCEPTED, Status.DISPATCHED, Status.SCHEDULED, Status.RESCHEDULED,
                               Status.ASSESSED, Status.CONFIRMED})


class HasDeadlines(Protocol):
    status: str
    acceptance_due_on: date | None
    conclusion_due_on: date | None
    paused_since: date | None


def due_on(app: HasDeadlines) -> date | None:
    """The deadline running in the application's current state: acceptance while submitted,
    conclusion from acceptance until the conclusion; none while a 复评 pauses it or once closed."""
    status = Status(app.status)
    if status in _ACCEPTANCE_CLOCK:
        return app.acceptance_due_on
    if status in _CONCLUSION_CLOCK and app.paused_since is None:
        return app.conclusion_due_on
    return None


def sla_state(app: HasDeadlines, today: date, *, soon_days: int = DUE_SOON_DAYS) -> str:
    """``overdue`` from the day after the due date (SPEC §0.1), ``due_soon`` within
    ``soon_days`` calendar days of it, else ``ok`` (also when no clock is running)."""
    due = due_on(app)
    if due is None:
        return OK
    if today > due:
        return OVERDUE
    return DUE_SOON if (due - today).days <= soon_days else OK
