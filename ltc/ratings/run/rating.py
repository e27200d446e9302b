"""Finishing one provider of a prepared ratings run (SPEC §8): every component shrunk toward the
scheme mean with the policy's k, the composite and its star, the fraud cap; then the star is written
as billing's dated provider attribute (the monthly star of M in force from the 1st of M+1, or the
annual star of Y) through billing's star service with the source ``computed``: it supersedes a star the
MIA entered for that period, even of the same value (SPEC §1: entered stars count until computed). A
rerun that finds the same computed star writes nothing new."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.stars import services as stars
from ltc.billing.stars.kinds import StarKind, StarSource
from ltc.billing.stars.models import ProviderAnnualStar, ProviderMonthlyStar
from ltc.core.audit import SYSTEM
from ltc.core.months import add_months
from ltc.ratings.run import provider_readers as read
from ltc.ratings.run.kinds import ComponentName, RunKind
from ltc.ratings.run.models import ProviderRating, RatingComponent, RatingRun
from ltc.ratings.scoring.policy import RatingsPolicy
from ltc.ratings.scoring.provider import Observed, ProviderInputs, SchemeMeans, provider_score

C = ComponentName
REASON = "系统评定：%(kind)s %(period)s，综合得分 %(score)s"


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def as_of(run: RatingRun) -> date:
    """The star's first day: the 1st of M+1, or 1 January Y+1 for the annual star."""
    return add_months(run.period, 1 if run.kind == RunKind.MONTHLY else 12)


def _inputs(components: dict[str, RatingComponent], last_fraud_on: date | None) -> ProviderInputs:
    def observed(name):
        row = components.get(name)
        return Observed(0, None) if row is None else Observed(row.n, row.raw)

    staffing = C.STAFFING.value in components
    return ProviderInputs(observed(C.STAFFING.value if staffing else C.CARERS.value), observed(C.SATISFACTION.value),
                          observed(C.COST.value), observed(C.INTEGRITY.value), last_fraud_on, staffing)


def finish(session: Session, run: RatingRun, provider_id: int, policy: RatingsPolicy, *, now: datetime,
           reason: str | None = None) -> ProviderRating:
    """Score the provider's stored components and write its star; returns its rating row."""
    rating = session.scalars(select(ProviderRating).where(ProviderRating.run_id == run.id,
                                                          ProviderRating.provider_id == provider_id)).one()
    components = {c.component: c for c in session.scalars(select(RatingComponent).where(
        RatingComponent.rating_id == rating.id))}
    day = as_of(run)
    last_fraud_on = read.last_fraud(session, day).get(provider_id)
    inputs = _inputs(components, last_fraud_on)
    scheme = run.scheme
    means = SchemeMeans(_decimal(scheme.get(C.STAFFING.value if inputs.uses_staffing else C.CARERS.value)),
                        _decimal(scheme.get(C.SATISFACTION.value)), _decimal(scheme.get(C.COST.value)),
                        _decimal(scheme.get(C.INTEGRITY.value)))
    result = provider_score(inputs, means, policy, as_of=day)
    for name, component in result.components.items():
        row = components[name]
        row.scheme_mean, row.adjusted = component.scheme_mean, component.adjusted
    rating.score, rating.star, rating.fraud_capped = result.score, result.star, result.fraud_capped
    rating.uses_staffing, rating.last_fraud_on, rating.computed_at = inputs.uses_staffing, last_fraud_on, now
    if reason is not None:
        rating.reason = reason
    session.flush()
    if rating.star is not None:
        _write_star(session, run, rating, now=now)
    return rating


def _write_star(session: Session, run: RatingRun, rating: ProviderRating, *, now: datetime) -> None:
    monthly = run.kind == RunKind.MONTHLY
    model = ProviderMonthlyStar if monthly else ProviderAnnualStar
    key = model.month == run.period if monthly else model.year == run.period.year
    current = session.scalars(select(model).where(model.org_id == rating.provider_id, key)).first()
    if current is not None and current.stars == rating.star and current.source == StarSource.COMPUTED:
        return
    text = REASON % {"kind": run.kind, "period": run.period.isoformat(), "score": rating.score}
    stars.set_star(session, stars.StarChange(StarKind.MONTHLY if monthly else StarKind.ANNUAL, rating.provider_id,
                                             run.period, rating.star, text, StarSource.COMPUTED.value),
                   actor=SYSTEM, now=now, today=as_of(run))
