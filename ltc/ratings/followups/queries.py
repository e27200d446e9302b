"""What the follow-up pages read (SPEC §8): the worklist in the user's scope, filtered by status,
origin and staff member, overdue ones first; each staff member's workload (open, overdue, next due);
a follow-up's history. Reads only."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.core.pagination import Page, paginate
from ltc.people.models import InsuredPerson
from ltc.ratings.followups.feeding import staff_of
from ltc.ratings.followups.kinds import Status
from ltc.ratings.followups.models import FollowUp, FollowUpEvent


@dataclass(frozen=True)
class Filters:
    status: str | None = Status.OPEN.value
    origin: str | None = None
    assignee: int | None = None


def worklist_query(user: User, filters: Filters, today: date) -> Select:
    stmt = select(FollowUp, InsuredPerson).join(InsuredPerson, InsuredPerson.id == FollowUp.person_id)
    if filters.status:
        stmt = stmt.where(FollowUp.status == filters.status)
    if filters.origin:
        stmt = stmt.where(FollowUp.origin == filters.origin)
    if filters.assignee:
        stmt = stmt.where(FollowUp.assigned_to == filters.assignee)
    overdue_first = case((FollowUp.due_on < today, 0), else_=1)
    return scoped(stmt, FollowUp, user).order_by(overdue_first, FollowUp.due_on, FollowUp.id)


def worklist(session: Session, user: User, filters: Filters, *, today: date, page: int = 1,
             per_page: int = 25) -> Page:
    """Rows of (follow-up, person) in the user's scope."""
    return paginate(session, worklist_query(user, filters, today), page=page, per_page=per_page, scalars=False)


@dataclass(frozen=True)
class Workload:
    user: User
    open: int
    overdue: int
    next_due: date | None


def workload(session: Session, insurer_id: int, today: date) -> list[Workload]:
    """Each of the insurer's staff members' open follow-ups, overdue ones and next due date (and the
    unassigned ones as a row without a user)."""
    rows = {assignee: (n, overdue, nxt) for assignee, n, overdue, nxt in session.execute(
        select(FollowUp.assigned_to, func.count(), func.sum(case((FollowUp.due_on < today, 1), else_=0)),
               func.min(FollowUp.due_on))
        .where(FollowUp.insurer_id == insurer_id, FollowUp.status == Status.OPEN.value)
        .group_by(FollowUp.assigned_to))}
    found = [Workload(u, *_counts(rows.get(u.id))) for u in staff_of(session, insurer_id)]
    if None in rows:
        found.append(Workload(None, *_counts(rows[None])))
    return found


def _counts(row) -> tuple[int, int, date | None]:
    if row is None:
        return 0, 0, None
    n, overdue, nxt = row
    return int(n), int(overdue or 0), nxt


def history(session: Session, follow_up: FollowUp) -> list[FollowUpEvent]:
    return list(session.scalars(select(FollowUpEvent).where(FollowUpEvent.follow_up_id == follow_up.id)
                                .order_by(FollowUpEvent.id)))


def names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
