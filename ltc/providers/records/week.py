"""Reading visits in scope (SPEC §1 scope rule): week views per carer and per beneficiary.

A provider's staff see their provider's visits; a carer login only the visits given to them, and
only the beneficiaries of those visits; an insurer the visits of the persons it sees; the MIA all;
an agency none. Anything else is a 404.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, exists, false, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.core.errors import NotFound
from ltc.people.models import InsuredPerson
from ltc.providers.care_plans.models import CarePlan
from ltc.providers.carers.models import Carer
from ltc.providers.kinds import VisitStatus
from ltc.providers.records.models import Visit

WEEK = timedelta(days=7)
PROVIDER_STAFF = ("admin", "operator", "reviewer")


def is_carer_only(user: User) -> bool:
    """A provider login that logs its own visits and manages nothing else."""
    return user.org_kind == "provider" and "carer" in user.roles and not any(r in user.roles for r in PROVIDER_STAFF)


def visits_in_scope(user: User) -> ColumnElement[bool] | None:
    kind = user.org_kind
    if kind == "mia":
        return None
    if kind == "provider":
        if is_carer_only(user):
            return Visit.carer_id.in_(select(Carer.id).where(Carer.user_id == user.id))
        return Visit.provider_id == user.org_id
    if kind == "insurer":
        return Visit.person_id.in_(scoped(select(InsuredPerson.id), InsuredPerson, user))
    return false()


def carer_of_user(session: Session, user: User) -> Carer | None:
    return session.scalar(select(Carer).where(Carer.user_id == user.id)) if user.org_kind == "provider" else None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class Week:
    monday: date
    days: list[date]
    #: day → that day's visits, by start
    visits: dict[date, list[Visit]]

    @property
    def previous(self) -> date:
        return self.monday - WEEK

    @property
    def next(self) -> date:
        return self.monday + WEEK


def _week(session: Session, user: User, monday: date, *conditions) -> Week:
    stmt = scoped(select(Visit).where(Visit.service_date >= monday, Visit.service_date < monday + WEEK, *conditions),
                  Visit, user).order_by(Visit.service_date, Visit.scheduled_start, Visit.check_in_at, Visit.id)
    week = Week(monday, [monday + timedelta(days=i) for i in range(7)], {})
    for visit in session.scalars(stmt):
        week.visits.setdefault(visit.service_date, []).append(visit)
    return week


def carers_in_scope(session: Session, user: User) -> list[Carer]:
    """The carers a provider's user picks from (a carer: only themself). The MIA and an insurer open
    a carer's week from a link naming the carer, never from a list of every carer of the city."""
    if user.org_kind != "provider":
        return []
    if is_carer_only(user):
        own = carer_of_user(session, user)
        return [own] if own else []
    return list(session.scalars(select(Carer).where(Carer.provider_id == user.org_id).order_by(Carer.name, Carer.id)))


def get_carer(session: Session, user: User, carer_id: int) -> Carer:
    """A carer whose week the user may open: the MIA and an insurer any, a provider's staff their
    own provider's, a carer login only themself; else NotFound."""
    carer = session.get(Carer, carer_id) if carer_id else None
    if carer is not None and user.org_kind in ("mia", "insurer"):
        return carer
    if carer is not None and user.org_kind == "provider" and carer.provider_id == user.org_id \
            and (not is_carer_only(user) or carer.user_id == user.id):
        return carer
    raise NotFound("护理人员不存在或无权访问")


def carer_week(session: Session, user: User, carer_id: int, monday: date) -> tuple[Carer, Week]:
    carer = get_carer(session, user, carer_id)
    return carer, _week(session, user, monday, Visit.carer_id == carer.id)


def get_beneficiary(session: Session, user: User, person_id: int) -> InsuredPerson:
    """A person with a visit the user sees (a carer: a visit given to them) or, for the provider's
    staff, with a care plan at the provider; else NotFound."""
    person = session.get(InsuredPerson, person_id)
    seen = exists(scoped(select(Visit.id).where(Visit.person_id == person_id), Visit, user))
    if user.org_kind == "provider" and not is_carer_only(user):   # a beneficiary not scheduled yet
        seen = seen | exists(select(CarePlan.id).where(CarePlan.person_id == person_id,
                                                       CarePlan.provider_id == user.org_id))
    if person is None or not session.scalar(select(seen)):
        raise NotFound("参保人不存在或无权访问")
    return person


def person_week(session: Session, user: User, person_id: int, monday: date) -> tuple[InsuredPerson, Week]:
    person = get_beneficiary(session, user, person_id)
    return person, _week(session, user, monday, Visit.person_id == person_id)


def beneficiaries_in_scope(session: Session, user: User) -> list[InsuredPerson]:
    """The persons with visits the user sees, by name (a carer: those of their own visits)."""
    ids = scoped(select(Visit.person_id), Visit, user)
    return list(session.scalars(select(InsuredPerson).where(InsuredPerson.id.in_(ids))
                                .order_by(InsuredPerson.name, InsuredPerson.id)))


@dataclass(frozen=True)
class VisitActions:
    """What the user may do with a visit now (the pages show only these buttons)."""

    check_in: bool = False
    check_out: bool = False
    correct: bool = False
    reschedule: bool = False


def actions_for(user: User, visit: Visit, *, logs: bool, plans: bool) -> VisitActions:
    """``logs``: the user logs visits; ``plans``: the user manages the provider's schedule."""
    logs = logs and user.org_kind == "provider" and visit.provider_id == user.org_id
    open_record = visit.settled_at is None and visit.status in (VisitStatus.IN_PROGRESS, VisitStatus.DONE)
    return VisitActions(
        check_in=logs and visit.status == VisitStatus.SCHEDULED,
        check_out=logs and visit.status == VisitStatus.IN_PROGRESS,
        correct=logs and open_record,
        reschedule=plans and visit.provider_id == user.org_id and visit.status == VisitStatus.SCHEDULED)


def visits_on(session: Session, user: User, day: date) -> list[Visit]:
    """The day's visits the user sees (a carer: their own), by start."""
    return list(session.scalars(scoped(select(Visit).where(Visit.service_date == day), Visit, user)
                                .order_by(Visit.scheduled_start, Visit.check_in_at, Visit.id)))
