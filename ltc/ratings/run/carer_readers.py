"""The inputs of the carers' monthly stars (SPEC §8), set-based: one grouped query per input over all
carers, plain rows. Activity (visits, punctuality, follow-ups, training) is read for month M;
settlement results (confirmed findings, sampled and refused records) for the last paid month M−1."""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from ltc.core.months import add_months, last_of_month
from ltc.core.periods import covering_filter
from ltc.providers.carers.models import CarerQualificationPeriod, CarerTraining
from ltc.providers.kinds import VisitStatus
from ltc.providers.records.models import Visit
from ltc.ratings.followups.models import FollowUp
from ltc.ratings.run.confirmed import has_confirmed_finding, refused, sampled
from ltc.ratings.scoring.carer import FollowUp as WeightedFollowUp

VISIT = "visit"


def _done(month: date):
    return and_(Visit.status == VisitStatus.DONE.value, Visit.carer_id.is_not(None),
                Visit.service_date >= month, Visit.service_date < add_months(month, 1))


def punctual_clause(session: Session, minutes: int):
    """The check-in was at most ``minutes`` after the scheduled start (dialect-specific arithmetic)."""
    if session.get_bind().dialect.name == "sqlite":
        late = (func.julianday(Visit.check_in_at) - func.julianday(Visit.scheduled_start)) * 1440
    else:
        late = func.extract("epoch", Visit.check_in_at - Visit.scheduled_start) / 60
    return late <= minutes


def visits_of_month(session: Session, month: date, minutes: int) -> dict[int, tuple[int, int, int, int]]:
    """carer → (provider, visits, visits with a scheduled start, punctual ones) of month M."""
    scheduled = and_(Visit.scheduled_start.is_not(None), Visit.check_in_at.is_not(None))
    rows = session.execute(select(
        Visit.carer_id, func.min(Visit.provider_id), func.count(),
        func.sum(case((scheduled, 1), else_=0)),
        func.sum(case((and_(scheduled, punctual_clause(session, minutes)), 1), else_=0)))
        .where(_done(month)).group_by(Visit.carer_id))
    return {carer: (provider, n, int(s or 0), int(p or 0)) for carer, provider, n, s, p in rows}


def settled_visits(session: Session, month: date) -> dict[int, tuple[int, int, int, int]]:
    """carer → (visits, visits with a confirmed finding, sampled visits, sampled and refused) of the
    settled month."""
    is_sampled = sampled(Visit.provider_id, Visit.person_id, month)
    rows = session.execute(select(
        Visit.carer_id, func.count(),
        func.sum(case((has_confirmed_finding(VISIT, Visit.id), 1), else_=0)),
        func.sum(case((is_sampled, 1), else_=0)),
        func.sum(case((and_(is_sampled, refused(VISIT, Visit.id)), 1), else_=0)))
        .where(_done(month)).group_by(Visit.carer_id))
    return {carer: (n, int(f or 0), int(s or 0), int(r or 0)) for carer, n, f, s, r in rows}


def follow_ups(session: Session, month: date) -> dict[int, list[WeightedFollowUp]]:
    """carer → the follow-ups (recorded in M) of persons the carer visited in M, each weighted by the
    carer's share of that person's visits in M."""
    per_carer = (select(Visit.carer_id, Visit.person_id, func.count().label("n"))
                 .where(_done(month)).group_by(Visit.carer_id, Visit.person_id).subquery())
    other = aliased(per_carer)
    total = (select(func.sum(other.c.n)).where(other.c.person_id == per_carer.c.person_id)
             .scalar_subquery())
    rows = session.execute(select(per_carer.c.carer_id, per_carer.c.n, total, FollowUp.overall)
                           .join(FollowUp, FollowUp.person_id == per_carer.c.person_id)
                           .where(FollowUp.overall.is_not(None), FollowUp.visited_on >= month,
                                  FollowUp.visited_on < add_months(month, 1)))
    found: dict[int, list[WeightedFollowUp]] = defaultdict(list)
    for carer, n, whole, overall in rows:
        found[carer].append(WeightedFollowUp(int(overall), Decimal(n) / Decimal(whole)))
    return found


def training(session: Session, month: date, months: int) -> dict[int, Decimal]:
    """carer → training hours over the ``months`` ending with M."""
    rows = session.execute(select(CarerTraining.carer_id, func.sum(CarerTraining.hours))
                           .where(CarerTraining.day >= add_months(month, 1 - months),
                                  CarerTraining.day < add_months(month, 1))
                           .group_by(CarerTraining.carer_id))
    return {carer: Decimal(hours) for carer, hours in rows}


def qualified(session: Session, month: date) -> set[int]:
    """Carers with a valid qualification on M's last day."""
    return set(session.scalars(select(CarerQualificationPeriod.carer_id).distinct()
                               .where(covering_filter(CarerQualificationPeriod, last_of_month(month)))))


