"""The MIA's approval of audited settlements (SPEC §7.3, REF by day 20): one at a time or many at once
(one decision event each), or a return to the insurer with a reason. Flushes, never commits."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.deposits.services import book_net
from ltc.billing.models import Settlement
from ltc.billing.review.kinds import APPROVAL_JOB, ReviewAction
from ltc.billing.review.models import SettlementApprovalRequest
from ltc.billing.review.workflow import decide_step
from ltc.core.audit import Actor
from ltc.core.errors import DomainError
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase
from ltc.scheduler.queue import queue_new_run
from ltc.scheduler.registry import ON_DEMAND_JOBS, get_job


def approve(session: Session, settlement: Settlement, *, actor: Actor, now: datetime,
            note: str | None = None) -> ReviewCase:
    """Approve one audited settlement: it goes to the insurer for payment, its quality deposit withheld
    and its net payment booked (``ltc.billing.deposits.services.book_net``, SPEC §7.3)."""
    case = decide_step(session, settlement, "approval", DecisionInput("approve", reason_text=note),
                       ReviewAction.APPROVED, actor=actor, now=now)
    book_net(session, settlement, actor=actor, now=now)
    return case


def approve_many(session: Session, settlement_ids: list[int], *, actor: Actor,
                 now: datetime) -> tuple[list[int], dict[int, str]]:
    """Bulk approval: each settlement decided on its own (one event each) inside a savepoint, so one
    refusal does not stop the others. Returns (approved ids, {id: refusal message})."""
    approved, refused = [], {}
    for settlement in session.scalars(select(Settlement).where(Settlement.id.in_(settlement_ids))
                                      .order_by(Settlement.id)):
        try:
            with session.begin_nested():
                approve(session, settlement, actor=actor, now=now)
            approved.append(settlement.id)
        except DomainError as exc:
            refused[settlement.id] = exc.message
    return approved, refused


def return_to_insurer(session: Session, settlement: Settlement, *, reason_code: str, reason_text: str,
                      actor: Actor, now: datetime) -> ReviewCase:
    """The MIA returns the settlement to the insurer's audit (a new round); the decisions are kept."""
    return decide_step(session, settlement, "approval", DecisionInput("return", reason_code, reason_text,
                                                                      return_to="audit"),
                       ReviewAction.RETURNED, actor=actor, now=now)


#: a bulk approval of more settlements than this is queued for the scheduler (SPEC §9)
IN_REQUEST_MAX = 20


def request_approval(session: Session, settlement_ids: list[int], *, actor: Actor,
                     now: datetime) -> tuple[list[int], dict[int, str], int | None]:
    """Approve the ticked settlements: a few at once (``approve_many``), more by a queued run of the
    ``settlement_approval`` job (one unit each). Returns (approved ids, refusals, queued run id)."""
    if len(settlement_ids) <= IN_REQUEST_MAX:
        return *approve_many(session, settlement_ids, actor=actor, now=now), None
    run = queue_new_run(session, get_job(APPROVAL_JOB, ON_DEMAND_JOBS), actor=actor, now=now)
    for settlement_id in sorted(set(settlement_ids)):
        session.add(SettlementApprovalRequest(run_id=run.id, settlement_id=settlement_id, requested_by=actor.user_id))
    session.flush()
    return [], {}, run.id
