"""The carers' monthly stars (SPEC §8): each carer with a visit in month M gets a score and star from
the formulas of ``ltc.ratings.scoring.carer``; visit compliance and the review pass rate read the last
paid month M−1 (a carer with no settled visit that month is rated on the other components). Stored in
``CarerStar``, one row per carer and month, updated in place by a rerun; a rerun removes the row of a
carer it no longer rates, recording why (``ltc.ratings.run.stale``)."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.audit import jsonable
from ltc.core.months import add_months
from ltc.ratings.run import carer_readers as read
from ltc.ratings.run import stale
from ltc.ratings.run.models import CarerStar
from ltc.ratings.scoring.carer import CarerInputs, CarerScore, carer_score
from ltc.ratings.scoring.policy import RatingsPolicy
from ltc.ratings.scoring.scores import star_of, weighted

ZERO = Decimal(0)


def _score(inputs: CarerInputs, policy: RatingsPolicy) -> CarerScore:
    result = carer_score(inputs, policy)
    if result.score is None:  # visits of M but none settled in M−1: rated on the other components
        score = weighted(result.components)
        return CarerScore(result.components, score, None if score is None else star_of(score, policy))
    return result


def _components(result: CarerScore) -> dict:
    return {name: jsonable({"n": c.n, "raw": c.raw, "adjusted": c.adjusted, "weight": c.weight})
            for name, c in result.components.items()}


def compute_carer_stars(session: Session, month: date, policy: RatingsPolicy, *, now: datetime) -> int:
    """Rate every carer with a visit in ``month``; returns how many got a star."""
    activity = read.visits_of_month(session, month, policy.punctuality_minutes)
    settled = read.settled_visits(session, add_months(month, -1))
    follow_ups = read.follow_ups(session, month)
    hours = read.training(session, month, policy.training_months)
    qualified = read.qualified(session, month)
    existing = {row.carer_id: row for row in session.scalars(select(CarerStar).where(CarerStar.month == month))}
    rated = 0
    for carer_id, (provider_id, _visits, scheduled, punctual) in activity.items():
        visits, with_findings, sampled_n, refused_n = settled.get(carer_id, (0, 0, 0, 0))
        result = _score(CarerInputs(visits, with_findings, tuple(follow_ups.get(carer_id, ())), sampled_n, refused_n,
                                    scheduled, punctual, hours.get(carer_id, ZERO), carer_id in qualified), policy)
        if result.star is None:
            continue
        row = existing.pop(carer_id, None) or CarerStar(carer_id=carer_id, month=month)
        row.provider_id, row.score, row.star = provider_id, result.score, result.star
        row.components, row.computed_at = _components(result), now
        session.add(row)
        rated += 1
    stale.remove(session, existing.values(), "carer_star", stale.carer_star_figures, now=now)
    session.flush()
    return rated
