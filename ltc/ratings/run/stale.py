"""Rating rows a rerun no longer produces (issue 12). A rating row is a computed figure — never approved,
never numbered — so a rerun of a month or year whose inputs changed removes the rows of carers, quarters,
components and providers it no longer rates, and records each removal as an audit event (who: the system;
when; why; the figures removed) so the trail keeps what was shown. One exception: a provider rating that
an appeal refers to stays as the appeal's evidence, superseded — its score and star cleared, the reason
recorded on it — and the same event written. The star already written for billing is billing's dated
attribute and stays as it is."""
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import SYSTEM
from ltc.ratings.run.models import CarerStar, CostQuarter, ProviderRating, RatingAppeal, RatingComponent, RatingRun

REMOVED, SUPERSEDED = "remove_stale", "supersede_stale"
REASON = "重新计算时输入数据已变化，本期不再产生该评定结果"


def carer_star_figures(row: CarerStar) -> dict:
    return {"carer_id": row.carer_id, "provider_id": row.provider_id, "month": row.month, "score": row.score,
            "star": row.star}


def cost_quarter_figures(row: CostQuarter) -> dict:
    return {"provider_id": row.provider_id, "quarter": row.quarter, "score": row.score,
            "beneficiary_months": row.beneficiary_months}


def component_figures(row: RatingComponent) -> dict:
    return {"rating_id": row.rating_id, "component": row.component, "n": row.n, "raw": row.raw,
            "adjusted": row.adjusted}


def remove(session: Session, rows: Iterable, entity: str, figures: Callable[[object], dict], *,
           now: datetime) -> int:
    """Delete ``rows``, each with an audit event holding its figures; returns how many."""
    removed = 0
    for row in rows:
        audit.record(session, SYSTEM, REMOVED, entity, row.id, before=figures(row), detail=REASON, now=now)
        session.delete(row)
        removed += 1
    return removed


def retire_ratings(session: Session, run: RatingRun, rated: set[int], *, now: datetime) -> int:
    """The run's ratings of providers not in ``rated``: removed with their components, or superseded
    when an appeal refers to them. Returns how many."""
    stale = [r for r in session.scalars(select(ProviderRating).where(ProviderRating.run_id == run.id))
             if r.provider_id not in rated]
    appealed = set(session.scalars(select(RatingAppeal.rating_id).where(
        RatingAppeal.rating_id.in_([r.id for r in stale])))) if stale else set()
    for rating in stale:
        retire(session, rating, appealed=rating.id in appealed, now=now)
    session.flush()
    return len(stale)


def retire(session: Session, rating: ProviderRating, *, appealed: bool, now: datetime) -> None:
    """One rating no longer produced: superseded when ``appealed``, else removed with its components."""
    components = session.scalars(select(RatingComponent).where(RatingComponent.rating_id == rating.id)).all()
    figures = {"provider_id": rating.provider_id, "run_id": rating.run_id, "score": rating.score,
               "star": rating.star, "components": [component_figures(c) for c in components]}
    audit.record(session, SYSTEM, SUPERSEDED if appealed else REMOVED, "provider_rating", rating.id, before=figures,
                 detail=REASON, now=now)
    if appealed:
        rating.score, rating.star, rating.reason, rating.computed_at = None, None, REASON, now
        return
    session.execute(delete(RatingComponent).where(RatingComponent.rating_id == rating.id))
    session.delete(rating)
