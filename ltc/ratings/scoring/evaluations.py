"""Cost-performance (绩效评价, quarterly) and integrity (诚信评价, rolling 12 months) of a provider
(SPEC §8), pure.

Cost-performance = w_fund × 100 × clamp(2 − fund per beneficiary-month ÷ scheme average, 0, 1)
+ w_refusals × 100 × (1 − refused fund ÷ claimed fund)
+ w_complaints × 100 × max(0, 1 − upheld complaints per 100 beneficiary-months ÷ 5) (REF 50/30/20 %).
The scheme average is that of the same care type and level: the provider's fund is compared with
what its beneficiary-months would cost at the scheme's averages, cell by cell.

Integrity = max(0, 100 − deductions): one deduction per violation, a violation being one (rule,
carer or provider, beneficiary, month) with at least one confirmed finding; minor 2 (rules worth 1
point), serious 10 (worth 3 or 6 points, and confirmed provider-level refusals E07, E08, P01), fraud 30.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ltc.ratings.scoring.policy import RatingsPolicy
from ltc.ratings.scoring.scores import HUNDRED, ZERO, round_score

ONE = Decimal(1)
TWO = Decimal(2)
#: the pseudo-rule of the insurer's fraud finding (SPEC §6: fraud → 12 points)
FRAUD = "FRAUD"
#: provider-level refusals that count as serious violations whatever their points
SERIOUS_PROVIDER_RULES = frozenset({"E07", "E08", "P01"})
SERIOUS_POINTS = 3


@dataclass(frozen=True)
class FundCell:
    """A provider's fund and beneficiary-months of one care type and level in the quarter, and the
    scheme's average fund per beneficiary-month of that care type and level."""

    beneficiary_months: int
    fund: Decimal
    scheme_fund_per_month: Decimal


@dataclass(frozen=True)
class CostInputs:
    cells: tuple[FundCell, ...]
    claimed_fund: Decimal = ZERO
    refused_fund: Decimal = ZERO
    upheld_complaints: int = 0

    @property
    def beneficiary_months(self) -> int:
        return sum(c.beneficiary_months for c in self.cells)


@dataclass(frozen=True)
class CostScore:
    fund_ratio: Decimal | None
    fund_term: Decimal
    refusal_term: Decimal
    complaint_rate: Decimal
    complaint_term: Decimal
    score: Decimal


def _fund_term(cells: Iterable[FundCell]) -> tuple[Decimal | None, Decimal]:
    expected = sum((c.beneficiary_months * c.scheme_fund_per_month for c in cells), ZERO)
    if expected <= 0:
        return None, HUNDRED
    ratio = sum((c.fund for c in cells), ZERO) / expected
    return round_score(ratio), HUNDRED * min(ONE, max(ZERO, TWO - ratio))


def cost_performance(inputs: CostInputs, policy: RatingsPolicy) -> CostScore | None:
    """The quarter's score (None: no beneficiary-month, nothing to rate)."""
    months = inputs.beneficiary_months
    if months <= 0:
        return None
    ratio, fund_term = _fund_term(inputs.cells)
    refused = inputs.refused_fund / inputs.claimed_fund if inputs.claimed_fund > 0 else ZERO
    refusal_term = HUNDRED * (ONE - min(ONE, refused))
    rate = Decimal(inputs.upheld_complaints) * HUNDRED / months
    complaint_term = HUNDRED * max(ZERO, ONE - rate / policy.complaints_per_100_limit)
    w = policy.cost_weights
    score = round_score(w.fund * fund_term + w.refusals * refusal_term + w.complaints * complaint_term)
    return CostScore(ratio, round_score(fund_term), round_score(refusal_term), round_score(rate),
                     round_score(complaint_term), score)


class ViolationClass(StrEnum):
    MINOR = "minor"
    SERIOUS = "serious"
    FRAUD = "fraud"


def violation_class(rule: str, points: int) -> ViolationClass | None:
    """How a confirmed finding of ``rule`` (worth ``points``, SPEC §6) counts: fraud, serious (3 points
    or more, or a provider-level refusal E07 / E08 / P01), minor (1 or 2 points), or not at all."""
    if rule == FRAUD:
        return ViolationClass.FRAUD
    if points >= SERIOUS_POINTS or rule in SERIOUS_PROVIDER_RULES:
        return ViolationClass.SERIOUS
    return ViolationClass.MINOR if points > 0 else None


@dataclass(frozen=True)
class Violation:
    """A confirmed finding as integrity counts it; ``subject`` is the carer or the provider
    (e.g. ``"carer:12"``, ``"provider:3"``), ``month`` the first of its service month."""

    rule: str
    subject: str
    beneficiary_id: int
    month: date
    kind: ViolationClass

    @property
    def key(self) -> tuple[str, str, int, date]:
        return self.rule, self.subject, self.beneficiary_id, self.month


@dataclass(frozen=True)
class IntegrityScore:
    counts: dict[ViolationClass, int]
    deducted: int
    score: Decimal


SEVERITY_ORDER = (ViolationClass.MINOR, ViolationClass.SERIOUS, ViolationClass.FRAUD)


def integrity(violations: Iterable[Violation], policy: RatingsPolicy) -> IntegrityScore:
    """max(0, 100 − Σ deductions), one deduction per (rule, subject, beneficiary, month), the most
    serious class when findings of the same key were classed differently."""
    kinds: dict[tuple, ViolationClass] = {}
    for v in violations:
        known = kinds.get(v.key)
        if known is None or SEVERITY_ORDER.index(v.kind) > SEVERITY_ORDER.index(known):
            kinds[v.key] = v.kind
    counts = {kind: sum(1 for k in kinds.values() if k == kind) for kind in ViolationClass}
    d = policy.deductions
    deducted = counts[ViolationClass.MINOR] * d.minor + counts[ViolationClass.SERIOUS] * d.serious + counts[
        ViolationClass.FRAUD] * d.fraud
    return IntegrityScore(counts, deducted, round_score(max(ZERO, HUNDRED - deducted)))
