"""Attaching violation points and suspending carers (SPEC §6, §8). Flushes, never commits.

``attach_settlement`` writes the ledger rows a submitted settlement gives as of a day (idempotent: a
row is unique per settlement, record and rule), then checks the suspension of each carer it names:
12 points within 12 rolling months (the ``ratings`` section) suspend the carer for 3 months from the
day after the 12th point, as a dated ``CarerSuspensionPeriod`` that P02 reads. A suspension the carer
already serves then is followed by this one, not overlapped.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.models import Settlement
from ltc.core import audit, events
from ltc.core.audit import SYSTEM
from ltc.core.months import add_months
from ltc.core.periods import overlap_filter
from ltc.policy.services import policy_on
from ltc.providers.carers.models import Carer, CarerSuspensionPeriod
from ltc.providers.carers.services.dated import suspend_carer
from ltc.ratings.points.events import CarerSuspendedForPoints, PointsAttached
from ltc.ratings.points.models import PointSettlementMark, PointSuspension, ViolationPoint
from ltc.ratings.points.services.due import Due, due_points, window_over
from ltc.ratings.points.tally import Entry, first_trigger, suspension_start
from ltc.ratings.scoring.policy import RatingsPolicy

ENTITY = "violation_point"
SUSPENSION_REASON = "违规记分 %(points)s 分（%(months)s 个月内累计达到 %(threshold)s 分），暂停服务 %(length)s 个月"


@dataclass(frozen=True)
class Attached:
    rows: int
    points: int
    suspensions: int
    done: bool


def _write(session: Session, settlement: Settlement, due: Due, now: datetime) -> ViolationPoint:
    row = ViolationPoint(carer_id=due.carer_id, provider_id=settlement.provider_id, rule=due.rule,
                         record_kind=due.record_kind, record_id=due.record_id, service_date=due.service_date,
                         finding_id=due.finding_id, settlement_id=settlement.id, decision_id=due.decision_id,
                         appeal_id=due.appeal_id, points=due.points, attached_on=due.attached_on,
                         cause=due.cause.value, note=(due.note or None) and due.note[:1000], created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, SYSTEM, "attach", ENTITY, row.id, now=now,
                 after={"carer_id": row.carer_id, "rule": row.rule, "points": row.points,
                        "attached_on": row.attached_on, "settlement_id": settlement.id, "cause": row.cause})
    events.publish(session, PointsAttached(row.carer_id, settlement.id, row.points, row.attached_on))
    return row


def attach_settlement(session: Session, settlement: Settlement, *, today: date, now: datetime) -> Attached:
    """Write the points ``settlement`` gives as of ``today`` that are not written yet, suspend the carers
    they bring to the threshold, and mark the settlement done once it can give no more."""
    written = set(session.execute(select(ViolationPoint.record_kind, ViolationPoint.record_id, ViolationPoint.rule)
                                  .where(ViolationPoint.settlement_id == settlement.id)).all())
    new = [due for due in due_points(session, settlement, today)
           if (due.record_kind, due.record_id, due.rule) not in written]
    for due in new:
        _write(session, settlement, due, now)
    carers = set(session.scalars(select(ViolationPoint.carer_id).where(
        ViolationPoint.settlement_id == settlement.id)))
    suspensions = sum(len(check_suspension(session, session.get(Carer, carer_id), today=today, now=now))
                      for carer_id in sorted(carers))
    done = window_over(session, settlement, today)
    if done and session.get(PointSettlementMark, settlement.id) is None:
        total = sum(session.scalars(select(ViolationPoint.points).where(
            ViolationPoint.settlement_id == settlement.id)))
        session.add(PointSettlementMark(settlement_id=settlement.id, done_on=today, points=total))
        session.flush()
    return Attached(len(new), sum(d.points for d in new), suspensions, done)


def check_suspension(session: Session, carer: Carer, *, today: date, now: datetime) -> list[PointSuspension]:
    """Every suspension the carer's points call for that is not recorded yet (usually none or one)."""
    entries = [Entry(day, points) for day, points in session.execute(
        select(ViolationPoint.attached_on, ViolationPoint.points).where(ViolationPoint.carer_id == carer.id))]
    last = session.scalar(select(PointSuspension.triggered_on).where(PointSuspension.carer_id == carer.id)
                          .order_by(PointSuspension.triggered_on.desc()).limit(1))
    made = []
    while True:
        policy = policy_on(session, today).section(RatingsPolicy)
        trigger = first_trigger(entries, after=last, threshold=policy.suspension_points,
                                window_months=policy.points_window_months)
        if trigger is None:
            return made
        made.append(_suspend(session, carer, trigger, policy, today=today, now=now))
        last = trigger[0]


def _free_start(session: Session, carer: Carer, start: date, months: int) -> date | None:
    """The first day from ``start`` on where ``months`` months of suspension overlap no other one
    (None: the carer is suspended until further notice)."""
    for _ in range(100):
        clash = session.scalars(select(CarerSuspensionPeriod).where(
            CarerSuspensionPeriod.carer_id == carer.id,
            overlap_filter(CarerSuspensionPeriod, start, add_months(start, months)))
            .order_by(CarerSuspensionPeriod.valid_to.desc())).first()
        if clash is None:
            return start
        if clash.valid_to is None:
            return None
        start = clash.valid_to
    return None


def _suspend(session: Session, carer: Carer, trigger: tuple[date, int], policy: RatingsPolicy, *, today: date,
             now: datetime) -> PointSuspension:
    day, points = trigger
    start = _free_start(session, carer, suspension_start(day, today), policy.suspension_months)
    period_id = None
    if start is not None:
        reason = SUSPENSION_REASON % {"points": points, "months": policy.points_window_months,
                                      "threshold": policy.suspension_points, "length": policy.suspension_months}
        period = suspend_carer(session, carer, valid_from=start, valid_to=add_months(start, policy.suspension_months),
                               reason=reason, actor=SYSTEM, now=now)
        period_id = period.id
    row = PointSuspension(carer_id=carer.id, provider_id=carer.provider_id, triggered_on=day, points=points,
                          suspension_id=period_id, created_at=now)
    session.add(row)
    session.flush()
    if start is not None:
        events.publish(session, CarerSuspendedForPoints(carer.id, period_id, start,
                                                        add_months(start, policy.suspension_months), points))
    return row
