"""Inboxes and trails: what an organisation must decide, overdue first (SQL, paginated)."""
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import case as sql_case
from sqlalchemy import ColumnElement, and_, false, func, literal, or_, select
from sqlalchemy.orm import Session

from ltc.core.pagination import Page, paginate
from ltc.people.finding import person_matches
from ltc.people.models import InsuredPerson
from ltc.reviews.models import ReviewCase, ReviewEvent, ReviewStage
from ltc.reviews.registry import SUBJECTS


class InboxCounts(NamedTuple):
    waiting: int
    overdue: int


def decidable_by(roles) -> ColumnElement[bool]:
    """Stages that name one of ``roles`` among those who may decide them."""
    padded = literal(" ") + ReviewStage.roles + literal(" ")
    return or_(false(), *(padded.like(f"% {role} %") for role in sorted(roles)))


def _waiting(stmt, org_id: int, roles):
    stmt = stmt.join(ReviewCase, ReviewCase.id == ReviewStage.case_id).where(
        ReviewStage.owner_org_id == org_id, ReviewStage.left_at.is_(None), ReviewCase.status == "open")
    return stmt if roles is None else stmt.where(decidable_by(roles))


def case_matches(q: str) -> ColumnElement[bool]:
    """Cases about a person whose name or ID number matches ``q``, or whose subject a business
    number ``q`` names (each subject type says which, ``SubjectType.find``)."""
    persons = select(InsuredPerson.id).where(person_matches(q))
    clauses = [ReviewCase.person_id.in_(persons)]
    for name, subject in SUBJECTS.items():
        if subject.find is not None and (ids := subject.find(q)) is not None:
            clauses.append(and_(ReviewCase.subject_type == name, ReviewCase.subject_id.in_(ids)))
    return or_(*clauses)


def inbox_query(org_id: int, today: date, case_type: str | None = None, *, roles=None, q: str = ""):
    """(stage, case) rows waiting for ``org_id`` — for a user holding ``roles``, only the stages
    naming one of them (None: all) —, overdue first, then by due date; ``q`` as ``case_matches``."""
    stmt = _waiting(select(ReviewStage, ReviewCase), org_id, roles)
    if case_type:
        stmt = stmt.where(ReviewCase.case_type == case_type)
    if q.strip():
        stmt = stmt.where(case_matches(q))
    overdue_first = sql_case((ReviewStage.due_on < today, 0), else_=1)
    return stmt.order_by(overdue_first, ReviewStage.due_on, ReviewStage.id)


def inbox(session: Session, org_id: int, today: date, *, page: int = 1, per_page: int = 25,
          case_type: str | None = None, roles=None, q: str = "") -> Page:
    return paginate(session, inbox_query(org_id, today, case_type, roles=roles, q=q), page=page, per_page=per_page,
                    scalars=False)


def inbox_counts(session: Session, org_id: int, today: date, *, roles=None) -> InboxCounts:
    row = session.execute(_waiting(select(func.count(), func.count().filter(ReviewStage.due_on < today))
                                   .select_from(ReviewStage), org_id, roles)).one()
    return InboxCounts(waiting=row[0], overdue=row[1])


@dataclass(frozen=True)
class Round:
    number: int
    stages: list[ReviewStage]
    events: list[ReviewEvent]


def trail(session: Session, case: ReviewCase) -> list[Round]:
    """The case's stages and events grouped by round, oldest first."""
    stages = session.scalars(select(ReviewStage).where(ReviewStage.case_id == case.id).order_by(ReviewStage.id)).all()
    events = session.scalars(select(ReviewEvent).where(ReviewEvent.case_id == case.id).order_by(ReviewEvent.id)).all()
    numbers = sorted({s.round for s in stages} | {e.round for e in events})
    return [Round(n, [s for s in stages if s.round == n], [e for e in events if e.round == n]) for n in numbers]


def returns_leading_to(session: Session, cases) -> dict[int, ReviewEvent]:
    """The return that started each open case's current round (case id → event), for the cases
    that were returned."""
    wanted = [(c.id, c.round - 1) for c in cases if c.round > 1 and c.status == "open"]
    if not wanted:
        return {}
    events = session.scalars(select(ReviewEvent).where(
        ReviewEvent.action == "return", or_(*(and_(ReviewEvent.case_id == cid, ReviewEvent.round == r)
                                              for cid, r in wanted))).order_by(ReviewEvent.id))
    return {e.case_id: e for e in events}
