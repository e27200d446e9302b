"""Preparing a ratings run (SPEC §8), set-based: the carers' stars of M (monthly runs), the quarterly
cost-performance of the quarters ending in the settlement window, then every rated provider's raw
components (n and raw mean before shrinkage) and the scheme mean of each component, stored on the
run's ``RatingRun``, ``ProviderRating`` and ``RatingComponent`` rows. Each provider is then finished
on its own (``ltc.ratings.run.rating``): shrinkage, composite, star, fraud cap. A rerun leaves no row of
a component or provider it no longer rates (``ltc.ratings.run.stale``)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.audit import jsonable
from ltc.ratings.run import provider_readers as read
from ltc.ratings.run import stale
from ltc.ratings.run.carers import compute_carer_stars
from ltc.ratings.run.cost import compute_quarter
from ltc.ratings.run.kinds import ComponentName, RunKind
from ltc.ratings.run.models import ProviderRating, RatingComponent, RatingRun
from ltc.ratings.run.windows import Window
from ltc.ratings.scoring import provider as formulas
from ltc.ratings.scoring.evaluations import integrity
from ltc.ratings.scoring.policy import RatingsPolicy
from ltc.ratings.scoring.scores import mean, round_score

C = ComponentName


def observations(session: Session, window: Window, policy: RatingsPolicy) -> dict[int, dict]:
    """provider → component → (Observed, inputs shown with it)."""
    stars, beds, qualified = (read.carer_stars(session, window), read.occupied_beds(session, window),
                              read.qualified_carers(session, window))
    follow_ups, quarters = read.satisfaction(session, window), read.cost_quarters(session, window)
    months, violations = read.beneficiary_months(session, window), read.violations(session, window)
    found = {}
    for provider in read.rated_providers(session, window):
        count, total = stars.get(provider, (0, 0))
        if count:
            first = (C.CARERS, formulas.Observed(count, round_score(Decimal(total) / count * policy.carer_star_points)),
                     {"carers": count, "stars": total})
        else:
            first = (C.STAFFING, formulas.staffing(qualified.get(provider, 0), beds.get(provider, 0), policy),
                     {"qualified_carers": qualified.get(provider, 0), "occupied_beds": beds.get(provider, 0)})
        n, overall = follow_ups.get(provider, (0, 0))
        sat = formulas.satisfaction([])
        if n:
            sat = formulas.Observed(n, formulas.satisfaction_score(Decimal(overall) / n))
        scores = quarters.get(provider, [])
        exposure = months.get(provider, 0)
        raw_cost = mean([q.score for q in scores])
        result = integrity(violations.get(provider, ()), policy)
        found[provider] = {
            first[0]: first[1:],
            C.SATISFACTION: (sat, {"follow_ups": n, "overall_sum": overall}),
            C.COST: (formulas.Observed(exposure if scores else 0, None if raw_cost is None else round_score(raw_cost)),
                     {"quarters": "; ".join(f"{q.quarter:%Y}-Q{(q.quarter.month + 2) // 3} {q.score}" for q in scores),
                      "beneficiary_months": exposure}),
            C.INTEGRITY: (formulas.Observed(exposure, result.score if exposure else None),
                          {**{k.value: v for k, v in result.counts.items()}, "deducted": result.deducted,
                           "beneficiary_months": exposure}),
        }
    return found


def _scheme(observations: dict[int, dict]) -> dict[str, Decimal | None]:
    """component → the mean of the providers' raw values (providers with data only)."""
    means = {}
    for name in ComponentName:
        values = [o[name][0].raw for o in observations.values() if name in o and o[name][0].raw is not None]
        average = mean(values)
        means[name.value] = None if average is None else round_score(average)
    return means


def _run_row(session: Session, window: Window, scheme: dict, now: datetime) -> RatingRun:
    run = session.scalars(select(RatingRun).where(RatingRun.kind == window.kind.value,
                                                  RatingRun.period == window.period)).first()
    if run is None:
        run = RatingRun(kind=window.kind.value, period=window.period)
        session.add(run)
    run.activity_from, run.activity_to = window.activity_from, window.activity_to
    run.settled_from, run.settled_to = window.settled_from, window.settled_to
    run.scheme, run.computed_at = jsonable(scheme), now
    session.flush()
    return run


def store(session: Session, run: RatingRun, provider: int, components: dict, weights, now: datetime) -> None:
    rating = session.scalars(select(ProviderRating).where(ProviderRating.run_id == run.id,
                                                          ProviderRating.provider_id == provider)).first()
    if rating is None:
        rating = ProviderRating(run_id=run.id, provider_id=provider, computed_at=now)
        session.add(rating)
        session.flush()
    rows = {c.component: c for c in session.scalars(select(RatingComponent).where(
        RatingComponent.rating_id == rating.id))}
    for name, (observed, inputs) in components.items():
        row = rows.pop(name.value, None) or RatingComponent(rating_id=rating.id, component=name.value)
        weight = getattr(weights, "carers" if name == C.STAFFING else name.value)
        row.n, row.raw, row.weight, row.inputs = observed.n, observed.raw, weight, jsonable(inputs)
        session.add(row)
    stale.remove(session, rows.values(), "rating_component", stale.component_figures, now=now)


def prepare(session: Session, window: Window, policy: RatingsPolicy, *, now: datetime) -> tuple[RatingRun, list[int]]:
    """Compute and store everything set-based; returns the run and the providers to finish."""
    if window.kind == RunKind.MONTHLY:
        compute_carer_stars(session, window.period, policy, now=now)
    for quarter in window.quarters():
        compute_quarter(session, quarter, policy, now=now)
    found = observations(session, window, policy)
    run = _run_row(session, window, _scheme(found), now)
    for provider, components in found.items():
        store(session, run, provider, components, policy.provider_weights, now)
    stale.retire_ratings(session, run, set(found), now=now)
    session.flush()
    return run, sorted(found)


