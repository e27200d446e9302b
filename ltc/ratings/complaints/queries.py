"""What the complaint pages and the scoring read (SPEC §8): the register in the user's scope, a
complaint's history, and the complaint rate's input — upheld complaints per provider and month (the
month the complained-of service happened). Reads only."""
from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.core.months import first_of_month
from ltc.core.pagination import Page, paginate
from ltc.people.models import InsuredPerson
from ltc.ratings.complaints.kinds import Outcome
from ltc.ratings.complaints.models import Complaint, ComplaintEvent


def register_page(session: Session, user: User, *, status: str | None = None, page: int = 1,
                  per_page: int = 25) -> Page:
    """Rows of (complaint, person) in the user's scope, newest first."""
    stmt = select(Complaint, InsuredPerson).join(InsuredPerson, InsuredPerson.id == Complaint.person_id)
    if status:
        stmt = stmt.where(Complaint.status == status)
    stmt = scoped(stmt, Complaint, user).order_by(Complaint.received_on.desc(), Complaint.id.desc())
    return paginate(session, stmt, page=page, per_page=per_page, scalars=False)


def history(session: Session, complaint: Complaint) -> list[ComplaintEvent]:
    return list(session.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)
                                .order_by(ComplaintEvent.id)))


def upheld_per_provider_month(session: Session, start: date, end: date) -> dict[tuple[int, date], int]:
    """(provider id, month) → upheld complaints about services of months in ``[start, end)``."""
    rows = session.execute(select(Complaint.provider_id, Complaint.happened_on).where(
        Complaint.outcome == Outcome.UPHELD.value, Complaint.happened_on >= start, Complaint.happened_on < end))
    return dict(Counter((provider_id, first_of_month(day)) for provider_id, day in rows))
