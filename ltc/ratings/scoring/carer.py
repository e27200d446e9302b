"""The carer star (护理人员星级评价, SPEC §8), monthly, pure: five components weighted by the
``ratings`` policy (REF visit compliance 35 %, follow-up score 25 %, review pass rate 20 %,
punctuality 10 %, training 10 %). A carer with no visit in the month gets no star; a component
without data that month (no follow-up, no sampled record, no scheduled start) is left out and its
weight spread over the others.
"""
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ltc.ratings.scoring.policy import RatingsPolicy
from ltc.ratings.scoring.scores import HUNDRED, ZERO, Component, round_score, share_score, star_of, weighted

ONE = Decimal(1)
SATISFACTION_SCALE = Decimal(25)


def satisfaction_score(mean_overall: Decimal) -> Decimal:
    """25 × (mean "overall" − 1): a mean of 1–5 on 0–100. Raises ValueError outside 1–5."""
    if not ONE <= mean_overall <= 5:
        raise ValueError("a satisfaction mean is between 1 and 5")
    return round_score(SATISFACTION_SCALE * (mean_overall - 1))


@dataclass(frozen=True)
class FollowUp:
    """A follow-up of a person the carer visited: its "overall" (1–5) and the carer's share of that
    person's visits in the month (0–1), its weight."""

    overall: int
    share: Decimal

    def __post_init__(self) -> None:
        if not 1 <= self.overall <= 5 or not ZERO <= self.share <= ONE:
            raise ValueError("overall is 1–5 and share 0–1")


@dataclass(frozen=True)
class CarerInputs:
    visits: int
    #: visits with at least one confirmed finding
    visits_with_findings: int = 0
    follow_ups: Sequence[FollowUp] = ()
    sampled_records: int = 0
    sampled_refused: int = 0
    #: visits with a scheduled start, and how many of them checked in within the punctuality minutes
    scheduled_check_ins: int = 0
    punctual_check_ins: int = 0
    training_hours: Decimal = ZERO
    #: the qualification is valid (training counts only then)
    qualified: bool = True

    def __post_init__(self) -> None:
        if not (0 <= self.visits_with_findings <= self.visits and 0 <= self.sampled_refused <= self.sampled_records
                and 0 <= self.punctual_check_ins <= self.scheduled_check_ins and self.training_hours >= 0):
            raise ValueError("inconsistent carer inputs")


@dataclass(frozen=True)
class CarerScore:
    components: dict[str, Component] = field(default_factory=dict)
    #: None: no visit in the month, no star
    score: Decimal | None = None
    star: int | None = None


def follow_up_component(follow_ups: Sequence[FollowUp], weight: Decimal) -> Component:
    """The mean "overall" weighted by the carer's shares, mapped by ``satisfaction_score``."""
    counted = [f for f in follow_ups if f.share > 0]
    total = sum((f.share for f in counted), ZERO)
    if not counted:
        return Component.plain(0, None, weight)
    return Component.plain(len(counted), satisfaction_score(sum((f.share * f.overall for f in counted), ZERO) / total),
                           weight)


def training_score(hours: Decimal, qualified: bool, policy: RatingsPolicy) -> Decimal:
    """min(100, 100 × hours in the last 12 months ÷ 40) while qualified, else 0."""
    if not qualified:
        return ZERO
    return round_score(min(HUNDRED, HUNDRED * hours / policy.training_hours))


def carer_score(inputs: CarerInputs, policy: RatingsPolicy) -> CarerScore:
    """The carer's monthly score and star, with every component as the provider is shown it."""
    w = policy.carer_weights
    components = {
        "visit_compliance": Component.plain(inputs.visits, share_score(
            inputs.visits - inputs.visits_with_findings, inputs.visits), w.visit_compliance),
        "follow_up": follow_up_component(inputs.follow_ups, w.follow_up),
        "review_pass": Component.plain(inputs.sampled_records, share_score(
            inputs.sampled_records - inputs.sampled_refused, inputs.sampled_records), w.review_pass),
        "punctuality": Component.plain(inputs.scheduled_check_ins, share_score(
            inputs.punctual_check_ins, inputs.scheduled_check_ins), w.punctuality),
        "training": Component.plain(1, training_score(inputs.training_hours, inputs.qualified, policy), w.training),
    }
    if inputs.visits == 0:
        return CarerScore(components)
    score = weighted(components)
    return CarerScore(components, score, star_of(score, policy))
