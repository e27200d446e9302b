"""The SLA due dates stored on an application (SPEC §3.1, §0.1) and how they follow the calendar.

- acceptance: ``acceptance_sla_working_days`` working days after the submission date;
- conclusion: ``conclusion_sla_working_days`` working days after the acceptance date, plus the
  working days its 复评 paused it (``paused_days``);

both with the assessment policy in force on the day the clock started. When an admin changes
whether some days are working days, the open applications' running due dates are derived again
on the calendar as it is now; the conclusion due date printed on the acceptance notice is a
promise, so a recomputed date never falls before it. Closed applications keep their dates.
Flushes, never commits.
"""
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.notifying import SUBJECT
from ltc.assessment.applications.services.transitions import assessment_policy
from ltc.assessment.applications.states import IN_PROCESS, Status
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.calendar import CalendarChanged, add_working_days, working_day_adder
from ltc.notices.documents import Kind as NoticeKind
from ltc.notices.models import Notice

Adder = Callable[[date, int], date]
#: how far past the changed days the preloaded calendar reaches (further costs a query per date)
MARGIN = timedelta(days=120)
CHUNK = 1000


def _adder(session: Session, add: Adder | None) -> Adder:
    return add or (lambda day, n: add_working_days(session, day, n))


def acceptance_due_on(session: Session, submitted_on: date, *, add: Adder | None = None) -> date:
    """The acceptance deadline of an application submitted on ``submitted_on``."""
    days = assessment_policy(session, submitted_on).acceptance_sla_working_days
    return _adder(session, add)(submitted_on, days)


def conclusion_due_on(session: Session, accepted_on: date, *, paused_days: int = 0, add: Adder | None = None) -> date:
    """The conclusion deadline of an application accepted on ``accepted_on`` whose 复评 paused
    it for ``paused_days`` working days."""
    days = assessment_policy(session, accepted_on).conclusion_sla_working_days + paused_days
    return _adder(session, add)(accepted_on, days)


def on_calendar_changed(session: Session, event: CalendarChanged) -> None:
    recompute_open_due_dates(session, first=event.first, last=event.last, actor=event.actor, now=event.now)


def recompute_open_due_dates(session: Session, *, first: date, last: date, actor: Actor, now: datetime) -> int:
    """Derive again the running due dates a change of the days ``[first, last]`` may move: the
    acceptance deadline of submitted applications and the conclusion deadline of those past
    acceptance and not concluded, when the clock started on or before ``last`` and the stored
    date is on or after ``first``. Each moved date is audited. Returns how many moved."""
    apps = session.scalars(select(Application).where(or_(
        and_(Application.status == Status.SUBMITTED.value, Application.submitted_on <= last,
             Application.acceptance_due_on >= first),
        and_(Application.status.in_([s.value for s in IN_PROCESS]), Application.accepted_on <= last,
             Application.conclusion_due_on >= first),
    )).order_by(Application.id)).all()
    if not apps:
        return 0
    starts = [a.submitted_on if a.status == Status.SUBMITTED else a.accepted_on for a in apps]
    add = working_day_adder(session, min(starts), last + MARGIN)
    printed = _printed_conclusion_due_dates(session, [a.id for a in apps if a.status != Status.SUBMITTED])
    moved = 0
    for app in apps:
        if app.status == Status.SUBMITTED:
            field, due = "acceptance_due_on", acceptance_due_on(session, app.submitted_on, add=add)
        else:
            due = conclusion_due_on(session, app.accepted_on, paused_days=app.paused_days, add=add)
            field, due = "conclusion_due_on", max(due, printed.get(app.id, due))
        if due != getattr(app, field):
            audit.record(session, actor, "recompute_due", SUBJECT, app.id, now=now,
                         before={field: getattr(app, field)}, after={field: due},
                         detail=f"working-day calendar changed on {first.isoformat()}–{last.isoformat()}")
            setattr(app, field, due)
            moved += 1
    session.flush()
    return moved


def _printed_conclusion_due_dates(session: Session, app_ids: list[int]) -> dict[int, date]:
    """The conclusion due date printed on each application's acceptance notice (SPEC §0.1)."""
    printed: dict[int, date] = {}
    for i in range(0, len(app_ids), CHUNK):
        rows = session.execute(select(Notice.subject_id, Notice.data).where(
            Notice.kind == NoticeKind.ACCEPTANCE.value, Notice.subject_type == SUBJECT,
            Notice.subject_id.in_(app_ids[i:i + CHUNK])))
        for app_id, data in rows:
            day = date.fromisoformat(data["conclusion_due_on"])
            printed[app_id] = max(day, printed.get(app_id, day))
    return printed
