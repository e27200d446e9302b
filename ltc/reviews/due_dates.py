"""Open stages follow the working-day calendar (SPEC §0.1): when an admin changes whether some
days are working days, every open stage whose due date the change may move is due again at its
step's SLA rule applied to its entry date (and its subject's period), on the calendar as it is
now. Decided stages keep the due date they were decided against. Flushes, never commits.
"""
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.calendar import CalendarChanged, working_day_adder
from ltc.core.clock import local_today
from ltc.reviews.definitions import due_date
from ltc.reviews.engine import definition, subject_period_end
from ltc.reviews.models import ReviewCase, ReviewStage

#: how far past the changed days the preloaded calendar reaches (further costs a query per stage)
MARGIN = timedelta(days=90)


def on_calendar_changed(session: Session, event: CalendarChanged) -> None:
    recompute_open_due_dates(session, first=event.first, last=event.last, actor=event.actor, now=event.now)


def recompute_open_due_dates(session: Session, *, first: date, last: date, actor: Actor, now: datetime) -> int:
    """Recompute the due date of every open stage a change of the days ``[first, last]`` may
    move: entered on or before ``last`` and due on or after ``first`` (a deadline reached before
    the first changed day, or counted from after the last, cannot move). A stage marked overdue
    that is no longer late today loses its mark. Each moved date is audited. Returns how many moved."""
    rows = session.execute(
        select(ReviewStage, ReviewCase).join(ReviewCase, ReviewCase.id == ReviewStage.case_id)
        .where(ReviewStage.left_at.is_(None), ReviewStage.due_on >= first, ReviewStage.entered_on <= last)
        .order_by(ReviewStage.id)).all()
    if not rows:
        return 0
    adder = working_day_adder(session, min(s.entered_on for s, _ in rows),
                              max(last, max(s.due_on for s, _ in rows)) + MARGIN)
    today, moved = local_today(now), 0
    for stage, case in rows:
        step = definition(case).step(stage.step_code)
        due_on = due_date(step.sla, stage.entered_on, adder, period_end=subject_period_end(session, case))
        if due_on == stage.due_on:
            continue
        audit.record(session, actor, "recompute_due", "review_stage", stage.id, now=now,
                     before={"due_on": stage.due_on}, after={"due_on": due_on},
                     detail=f"working-day calendar changed on {first.isoformat()}–{last.isoformat()}")
        stage.due_on = due_on
        if stage.overdue_marked_on is not None and due_on >= today:
            stage.overdue_marked_on = None
        moved += 1
    session.flush()
    return moved
