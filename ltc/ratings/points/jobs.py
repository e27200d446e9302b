"""The daily violation-points job (SPEC §6, §9), per unit: each approved or paid settlement the job is
not done with is a unit, run in its own transaction. Its business day is the due time's date: points
whose appeal window closed before that day (or whose appeal was lost by then) attach, and the carers
they bring to 12 points are suspended from the next day. Idempotent: a ledger row is written once per
settlement, record and rule, a suspension once per trigger day; a settlement whose window is over and
whose appeals are decided is marked done and is no unit any more.

REF time daily 00:45: after midnight, so the appeal windows that closed the day before are over, and
before the 01:00 nightly scan and the day's first check-ins, so a suspension starting today is in
place when P02 first reads it.
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.kinds import SettlementStatus
from ltc.billing.models import Settlement
from ltc.core.clock import local_today
from ltc.ratings.points.models import PointSettlementMark
from ltc.ratings.points.services.attach import attach_settlement

#: statuses whose audit decisions are final (the MIA approved them)
FINAL = (SettlementStatus.APPROVED.value, SettlementStatus.PAID.value)


def settlements_to_check(session: Session, *, due_at: datetime) -> list[str]:
    done = select(PointSettlementMark.settlement_id)
    return [str(i) for i in session.scalars(select(Settlement.id).where(
        Settlement.status.in_(FINAL), Settlement.id.not_in(done)).order_by(Settlement.id))]


def attach_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    result = attach_settlement(session, session.get(Settlement, int(unit)), today=local_today(due_at), now=now)
    return {"rows": result.rows, "points": result.points, "suspensions": result.suspensions, "done": int(result.done)}
