"""The common arithmetic of every score (SPEC §8), pure: a score is a ``Decimal`` on 0–100 rounded
half-up to 0.01 before its stars are read; a component carries what the provider is shown of it
(n, raw mean, scheme mean, adjusted value); small samples are shrunk toward the scheme mean,
``adjusted = (n·mean + k·scheme_mean) / (n + k)``; a weighted sum leaves out the components without
data and spreads their weight over the others.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ltc.ratings.scoring.policy import RatingsPolicy

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def round_score(value: Decimal | int) -> Decimal:
    """``value`` rounded half-up to 0.01 (floats are refused: a score is exact)."""
    if isinstance(value, float):
        raise TypeError("a score must not be a float; use Decimal")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def share_score(part: int, whole: int) -> Decimal | None:
    """100 × part ÷ whole (None when there is nothing to count)."""
    return None if whole <= 0 else round_score(HUNDRED * part / whole)


def star_of(score: Decimal, policy: RatingsPolicy) -> int:
    """★5 … ★1 of ``score`` after rounding it (REF: ≥ 90 ★5, ≥ 80 ★4, ≥ 70 ★3, ≥ 60 ★2, else ★1)."""
    rounded = round_score(score)
    return next((star for star in (5, 4, 3, 2) if rounded >= policy.threshold(star)), 1)


@dataclass(frozen=True)
class Component:
    """One component of a score as shown: how many observations (``n``), their raw mean (None: none),
    the scheme mean it is shrunk toward (None: not shrunk), the value used (``adjusted``, None: no
    data) and its weight in the score."""

    n: int
    raw: Decimal | None
    scheme_mean: Decimal | None
    adjusted: Decimal | None
    weight: Decimal

    @classmethod
    def plain(cls, n: int, raw: Decimal | None, weight: Decimal) -> "Component":
        """A component used as it is (no shrinkage)."""
        return cls(n, None if raw is None else round_score(raw), None, None if raw is None else round_score(raw),
                   weight)


def shrink(n: int, mean: Decimal | None, scheme_mean: Decimal | None, k: int) -> Decimal | None:
    """``(n·mean + k·scheme_mean) / (n + k)`` rounded to 0.01: the scheme mean with no observation,
    the raw mean without a scheme mean (None when neither exists)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if scheme_mean is None or (n + k) == 0:
        return None if mean is None or n == 0 else round_score(mean)
    if n == 0 or mean is None:
        return round_score(scheme_mean)
    return round_score((n * mean + k * scheme_mean) / (n + k))


def shrunk(n: int, mean: Decimal | None, scheme_mean: Decimal | None, k: int, weight: Decimal) -> Component:
    return Component(n, None if mean is None or n == 0 else round_score(mean),
                     None if scheme_mean is None else round_score(scheme_mean), shrink(n, mean, scheme_mean, k),
                     weight)


def weighted(components: Mapping[str, Component] | Sequence[Component]) -> Decimal | None:
    """Σ weight × adjusted ÷ Σ weight over the components with a value, rounded (None: none has one)."""
    values = components.values() if isinstance(components, Mapping) else components
    present = [c for c in values if c.adjusted is not None and c.weight > 0]
    total_weight = sum((c.weight for c in present), ZERO)
    if not present or total_weight == 0:
        return None
    return round_score(sum((c.weight * c.adjusted for c in present), ZERO) / total_weight)


def mean(values: Sequence[Decimal | int]) -> Decimal | None:
    return None if not values else sum((Decimal(v) for v in values), ZERO) / len(values)
