"""The ``carers`` section of the policy store (SPEC §0.3, §4.2 step 1 capacity): how many home
beneficiaries one qualified carer may serve. Read it with
``policy_on(session, day).section(CarersPolicy)``; never hard-code the ratio."""
from dataclasses import dataclass
from typing import ClassVar

from ltc.policy.schema import FieldError, param

SECTION = "carers"


@dataclass(frozen=True)
class CarersPolicy:
    LABEL: ClassVar[str] = "护理人员"

    home_beneficiaries_per_carer: int = param("每名护理人员服务的居家待遇人员上限", "人")

    def __post_init__(self) -> None:
        if not 1 <= self.home_beneficiaries_per_carer <= 1000:
            raise FieldError({"home_beneficiaries_per_carer": "must be between 1 and 1000"})


REF = {"home_beneficiaries_per_carer": 8}
