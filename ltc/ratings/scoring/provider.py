"""The provider star (星级评定, SPEC §8), pure: composite = w_carers × carer average (mean carer stars
× 20) + w_satisfaction × follow-up satisfaction + w_cost × cost-performance + w_integrity × integrity
(REF 30/25/25/20 %). A provider without visits (bed-based care) replaces the carer average by staffing:
100 × min(1, qualified carers per occupied bed × beds per qualified carer). Every component is shrunk
toward the scheme mean, ``(n·mean + k·scheme_mean) / (n + k)``; a fraud finding caps the star at ★1
for ``fraud_cap_months`` (REF 12) from the day it was confirmed.
"""
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ltc.core.months import add_months
from ltc.ratings.scoring.carer import satisfaction_score
from ltc.ratings.scoring.policy import RatingsPolicy
from ltc.ratings.scoring.scores import HUNDRED, Component, mean, round_score, shrunk, star_of, weighted

ONE = Decimal(1)


@dataclass(frozen=True)
class Observed:
    """A component's own figures before shrinkage: n observations and their raw mean (None: none)."""

    n: int
    raw: Decimal | None

    def __post_init__(self) -> None:
        if self.n < 0 or (self.n > 0 and self.raw is None):
            raise ValueError("n observations need a mean")


def carer_average(stars: Sequence[int], policy: RatingsPolicy) -> Observed:
    """Mean carer stars × 20 (n: the carers with a star)."""
    average = mean(stars)
    return Observed(len(stars), None if average is None else round_score(average * policy.carer_star_points))


def staffing(qualified_carers: int, occupied_beds: int, policy: RatingsPolicy) -> Observed:
    """100 × min(1, qualified carers ÷ occupied beds × beds per qualified carer) (n: occupied beds)."""
    if occupied_beds <= 0:
        return Observed(0, None)
    ratio = Decimal(qualified_carers) / occupied_beds * policy.beds_per_qualified_carer
    return Observed(occupied_beds, round_score(HUNDRED * min(ONE, ratio)))


def satisfaction(overalls: Sequence[int]) -> Observed:
    """25 × (mean "overall" − 1) of the follow-ups (n: the follow-ups)."""
    average = mean(overalls)
    return Observed(len(overalls), None if average is None else satisfaction_score(average))


@dataclass(frozen=True)
class SchemeMeans:
    """The scheme's mean of each component, the value a small sample is shrunk toward."""

    carers: Decimal | None
    satisfaction: Decimal | None
    cost: Decimal | None
    integrity: Decimal | None


@dataclass(frozen=True)
class ProviderInputs:
    #: ``carer_average`` for a provider with visits, ``staffing`` for one without
    carers: Observed
    satisfaction: Observed
    cost: Observed
    integrity: Observed
    #: the day of the provider's last confirmed fraud finding (None: none)
    last_fraud_on: date | None = None
    uses_staffing: bool = False


@dataclass(frozen=True)
class ProviderScore:
    components: dict[str, Component] = field(default_factory=dict)
    score: Decimal | None = None
    star: int | None = None
    #: the star was capped at ★1 by a fraud finding
    fraud_capped: bool = False


def fraud_cap_applies(last_fraud_on: date | None, as_of: date, policy: RatingsPolicy) -> bool:
    """A fraud finding confirmed on D caps the star on ``[D, D + fraud_cap_months)``."""
    return last_fraud_on is not None and last_fraud_on <= as_of < add_months(last_fraud_on,
                                                                           policy.fraud_cap_months)


def provider_score(inputs: ProviderInputs, scheme: SchemeMeans, policy: RatingsPolicy, *,
                   as_of: date) -> ProviderScore:
    """The composite score and star as of ``as_of`` (the star's first day), every component shrunk."""
    w, k = policy.provider_weights, policy.shrinkage_k
    components = {
        ("staffing" if inputs.uses_staffing else "carers"): shrunk(inputs.carers.n, inputs.carers.raw, scheme.carers,
                                                                   k, w.carers),
        "satisfaction": shrunk(inputs.satisfaction.n, inputs.satisfaction.raw, scheme.satisfaction, k,
                               w.satisfaction),
        "cost": shrunk(inputs.cost.n, inputs.cost.raw, scheme.cost, k, w.cost),
        "integrity": shrunk(inputs.integrity.n, inputs.integrity.raw, scheme.integrity, k, w.integrity),
    }
    score = weighted(components)
    if score is None:
        return ProviderScore(components)
    capped = fraud_cap_applies(inputs.last_fraud_on, as_of, policy)
    star = star_of(score, policy)
    return ProviderScore(components, score, 1 if capped else star, capped and star > 1)

