"""Inboxes and trails: what an organisation must decide, overdue first (SQL, paginated)."""
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.core.pagination import Page, paginate
from ltc.reviews.models import ReviewCase, ReviewEvent, ReviewVisit


class InboxCounts(NamedTuple):
    waiting: int
    overdue: int


def inbox_query(org_id: int, today: date, case_type: str | None = None):
    """(visit, case) rows waiting for ``org_id``: overdue first, then by due date."""
    stmt = (select(ReviewVisit, ReviewCase).join(ReviewCase, ReviewCase.id == ReviewVisit.case_id)
            .where(ReviewVisit.owner_org_id == org_id, ReviewVisit.left_at.is_(None), ReviewCase.status == "open"))
    if case_type:
        stmt = stmt.where(ReviewCase.case_type == case_type)
    overdue_first = sql_case((ReviewVisit.due_on < today, 0), else_=1)
    return stmt.order_by(overdue_first, ReviewVisit.due_on, ReviewVisit.id)


def inbox(session: Session, org_id: int, today: date, *, page: int = 1, per_page: int = 25,
          case_type: str | None = None) -> Page:
    return paginate(session, inbox_query(org_id, today, case_type), page=page, per_page=per_page, scalars=False)


def inbox_counts(session: Session, org_id: int, today: date) -> InboxCounts:
    row = session.execute(
        select(func.count(), func.count().filter(ReviewVisit.due_on < today))
        .select_from(ReviewVisit).join(ReviewCase, ReviewCase.id == ReviewVisit.case_id)
        .where(ReviewVisit.owner_org_id == org_id, ReviewVisit.left_at.is_(None), ReviewCase.status == "open")).one()
    return InboxCounts(waiting=row[0], overdue=row[1])


@dataclass(frozen=True)
class Round:
    number: int
    visits: list[ReviewVisit]
    events: list[ReviewEvent]


def trail(session: Session, case: ReviewCase) -> list[Round]:
    """The case's visits and events grouped by round, oldest first."""
    visits = session.scalars(select(ReviewVisit).where(ReviewVisit.case_id == case.id).order_by(ReviewVisit.id)).all()
    events = session.scalars(select(ReviewEvent).where(ReviewEvent.case_id == case.id).order_by(ReviewEvent.id)).all()
    numbers = sorted({v.round for v in visits} | {e.round for e in events})
    return [Round(n, [v for v in visits if v.round == n], [e for e in events if e.round == n]) for n in numbers]
