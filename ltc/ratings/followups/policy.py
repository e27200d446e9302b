"""The ``followups`` section of the policy store (SPEC §8): the monthly sample share of active
beneficiaries (REF ≥ 10 %), the share of persons with FLAG findings sampled, how many days after the
grant a new beneficiary's follow-up is due (REF 30), the working days the insurer has to close a complaint
(REF 10). Pure: no Flask, no database.

Read it with ``policy_on(session, day).section(FollowUpPolicy)``.
"""
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from ltc.policy.schema import FieldError, param, range_errors

SECTION = "followups"


@dataclass(frozen=True)
class FollowUpPolicy:
    LABEL: ClassVar[str] = "回访评价与投诉"

    sample_share: Decimal = param("每月抽样回访比例（在享受待遇人员中）")
    flag_sample_share: Decimal = param("疑点记录人员抽样回访比例")
    new_grant_days: int = param("新享受待遇人员回访期限（待遇核定后）", "日")
    complaint_working_days: int = param("投诉办结期限（登记后）", "个工作日")

    def __post_init__(self) -> None:
        errors = range_errors(self, {"sample_share": (Decimal("0.10"), Decimal(1)),
                                     "flag_sample_share": (Decimal("0.01"), Decimal(1)),
                                     "new_grant_days": (1, 90), "complaint_working_days": (1, 60)})
        if errors:
            raise FieldError(errors)


REF = {"sample_share": "0.10", "flag_sample_share": "0.20", "new_grant_days": 30, "complaint_working_days": 10}
