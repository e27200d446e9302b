"""The ``settlement_review`` section of the policy store (SPEC §7.3): the audit's sample rate by the
provider's monthly star (REF 1–2★ 15 %, 3★ 5 %, 4–5★ 3 %, no star yet 5 %), the smallest sample, and
the appeal window in working days. Pure: no Flask, no database.

Read it with ``policy_on(session, day).section(SettlementReviewPolicy)``.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from ltc.policy.schema import FieldError, param, range_errors

SECTION = "settlement_review"
STARS = ("1", "2", "3", "4", "5")
STAR_LABELS = {star: f"{star} 星" for star in STARS}


@dataclass(frozen=True)
class SettlementReviewPolicy:
    LABEL: ClassVar[str] = "结算审核"

    sample_rate_by_star: Mapping[str, Decimal] = param("抽查比例（按机构月度星级）", None, key_labels=STAR_LABELS)
    sample_rate_no_star: Decimal = param("抽查比例（尚无星级）")
    sample_minimum: int = param("最少抽查人数", "人")
    appeal_working_days: int = param("申诉期限（审核完成后）", "个工作日")

    def __post_init__(self) -> None:
        errors = {f"sample_rate_by_star.{key}": "unknown star (expected 1..5)"
                  for key in self.sample_rate_by_star if key not in STARS}
        errors |= {f"sample_rate_by_star.{key}": "missing" for key in STARS if key not in self.sample_rate_by_star}
        errors |= {f"sample_rate_by_star.{key}": "must be between 0 and 1"
                   for key, rate in self.sample_rate_by_star.items() if not Decimal(0) < rate <= Decimal(1)}
        errors |= range_errors(self, {"sample_rate_no_star": (Decimal("0.01"), Decimal(1)),
                                      "sample_minimum": (0, 100), "appeal_working_days": (1, 60)})
        if errors:
            raise FieldError(errors)

    def sample_rate(self, star: int | None) -> Decimal:
        """The share of a provider's beneficiaries sampled, by its monthly star (None: no star yet)."""
        return self.sample_rate_no_star if star is None else self.sample_rate_by_star[str(star)]


REF = {
    "sample_rate_by_star": {"1": "0.15", "2": "0.15", "3": "0.05", "4": "0.03", "5": "0.03"},
    "sample_rate_no_star": "0.05",
    "sample_minimum": 3,
    "appeal_working_days": 5,
}
