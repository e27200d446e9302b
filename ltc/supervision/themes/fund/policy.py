"""The ``fund_budget`` section of the policy store (issue 13: fund spending against the year's budget,
budget alerts). Pure: no Flask, no database.

* ``annual_budget``: the fund budget of a calendar year per care type, in yuan (two places, like every
  amount of the store; at most 9 999 999 999.99, the ``Numeric(12,2)`` range).
* ``alert_margin``: a care type's **budget alert** is raised when its year-to-date fund (settled and
  claimed) runs ahead of its pro-rata budget by more than this share: spent > budget × m / 12 ×
  (1 + margin), m the number of the month (REF 0.05: 5 % ahead).

REF: no budget is stated in the reference material; REF's amounts are derived for the SPEC §10 city of
50 000 beneficiaries at REF's rates (about 2 000 special-care, 15 000 institution, 18 000 home-care,
10 000 outreach and 5 000 family-care beneficiaries at a typical fund per beneficiary-month).
Read it with ``policy_on(session, day).section(FundBudgetPolicy)``.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType
from ltc.policy.schema import FieldError, param

SECTION = "fund_budget"
MAX_BUDGET = Decimal("9999999999.99")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class FundBudgetPolicy:
    LABEL: ClassVar[str] = "基金预算"

    annual_budget: Mapping[CareType, Decimal] = param("年度基金预算（按服务形式）", "元", key_labels=CARE_TYPE_LABELS)
    alert_margin: Decimal = param("预算预警阈值（累计支出超出按月进度预算的比例）")

    def __post_init__(self) -> None:
        errors = {f"annual_budget.{key}": f"must be between 0 and {MAX_BUDGET}, in yuan and fen"
                  for key, value in self.annual_budget.items()
                  if not Decimal(0) <= value <= MAX_BUDGET or value != value.quantize(CENT)}
        if not Decimal(0) <= self.alert_margin <= Decimal(1):
            errors["alert_margin"] = "must be between 0 and 1"
        if errors:
            raise FieldError(errors)

    def budget(self, care_type: str | None = None) -> Decimal:
        """The annual budget of one care type, or of all when None."""
        if care_type is not None:
            return self.annual_budget[CareType(care_type)]
        return sum(self.annual_budget.values(), Decimal("0.00"))


REF = {"annual_budget": {"special": "120000000.00", "institution": "210000000.00", "home": "250000000.00",
                         "outreach": "96000000.00", "family": "45000000.00"},
       "alert_margin": "0.05"}
