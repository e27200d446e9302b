"""The queued bulk approval (SPEC §9: long work is a per-unit job, never a request): the MIA's
reviewer ticks many settlements, the scheduler process approves each in its own transaction as that
reviewer (``settlement id:user id`` units), so a failing one is recorded and the others go on."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.billing.models import Settlement
from ltc.billing.review.approval import approve
from ltc.billing.review.models import SettlementApprovalRequest
from ltc.core.audit import Actor


def approval_units(session: Session, *, due_at: datetime, run_id: int) -> list[str]:
    rows = session.scalars(select(SettlementApprovalRequest).where(SettlementApprovalRequest.run_id == run_id)
                           .order_by(SettlementApprovalRequest.id))
    return [f"{row.settlement_id}:{row.requested_by}" for row in rows]


def approve_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    settlement_id, user_id = (int(part) for part in unit.split(":"))
    user = session.get(User, user_id)
    approve(session, session.get(Settlement, settlement_id), actor=Actor(user.id, user.org_id, user.username),
            now=now)
    return {"approved": 1}
