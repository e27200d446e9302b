"""Scheduled jobs of the follow-ups (SPEC §9), with the scheduler's signatures.

* ``draw_unit`` (day 1, 03:00): one unit per insurer with a contract in force; the month is the due
  time's (a catch-up on day 3 still draws that month); a drawn month is never drawn again.
* ``feed_new_grants`` (daily 06:00, with the complaints' overdue marks): lists the new beneficiaries
  granted within the policy's days before the due date.
"""
from datetime import date, datetime

from sqlalchemy.orm import Session

from ltc.core.audit import SYSTEM
from ltc.core.clock import to_local
from ltc.core.months import first_of_month
from ltc.ratings.followups import feeding, sampling


def _month(due_at: datetime) -> date:
    return first_of_month(to_local(due_at).date())


def insurers_to_draw(session: Session, *, due_at: datetime) -> list[str]:
    return [str(i) for i in sampling.insurers_with_districts(session, _month(due_at))]


def draw_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    draw = sampling.draw_month(session, int(unit), _month(due_at), actor=SYSTEM, now=now)
    return {"active": draw.active, "sampled": draw.sampled, "flag_sampled": draw.flag_sampled}


def feed_new_grants(session: Session, *, now: datetime, due_at: datetime) -> dict[str, int]:
    return {"listed": feeding.feed_new_grants(session, today=to_local(due_at).date(), actor=SYSTEM, now=now)}
