"""The ``assessment`` section of the policy store (SPEC §3): thresholds, days and months.

Read it with ``policy_on(session, day).section("assessment")`` (or ``.section(AssessmentPolicy)``
for a typed result); never hard-code these numbers.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType
from ltc.policy.schema import FieldError, check_ranges, param

SECTION = "assessment"
LEVELS = (0, 5)
MIN_MONTH_DAYS = 28   # the shortest month: a lead time below validity_months × 28 days is always shorter


@dataclass(frozen=True)
class AssessmentPolicy:
    LABEL: ClassVar[str] = "申请与失能评估"

    benefit_threshold: int = param("享受待遇的最低失能等级", "级")
    min_level_by_care_type: Mapping[CareType, int] = param(
        "各服务形式的最低失能等级", "级", key_labels=CARE_TYPE_LABELS)
    publicity_working_days: int = param("公示期", "个工作日")
    objection_working_days: int = param("异议期（结论通知后）", "个工作日")
    validity_months: int = param("评估结论有效期", "个月")
    acceptance_sla_working_days: int = param("受理时限", "个工作日")
    conclusion_sla_working_days: int = param("受理至评估结论时限", "个工作日")
    schedule_within_working_days: int = param("派单后安排上门评估时限", "个工作日")
    review_visit_working_days: int = param("复评受理至上门评估时限", "个工作日")
    reassessment_days_before_expiry: int = param("结论到期前发起重新评估", "天")
    long_inpatient_stay_days: int = param("住院超过该天数须重新评估", "天")
    min_months_between_assessments: int = param("两次评估最短间隔", "个月")

    def __post_init__(self) -> None:
        check_ranges(self, {
            "benefit_threshold": (1, LEVELS[1]),
            "min_level_by_care_type": LEVELS,
            "publicity_working_days": (1, 30),
            "objection_working_days": (1, 60),
            "validity_months": (1, 120),
            "acceptance_sla_working_days": (1, 60),
            "conclusion_sla_working_days": (1, 250),
            "schedule_within_working_days": (1, 60),
            "review_visit_working_days": (1, 60),
            "reassessment_days_before_expiry": (0, 365),
            "long_inpatient_stay_days": (1, 365),
            "min_months_between_assessments": (0, 60),
        })
        below = {f"min_level_by_care_type.{care}": f"must be at least benefit_threshold ({self.benefit_threshold})"
                 for care, level in self.min_level_by_care_type.items() if level < self.benefit_threshold}
        if below:
            raise FieldError(below)
        if self.reassessment_days_before_expiry >= self.validity_months * MIN_MONTH_DAYS:
            raise FieldError({"reassessment_days_before_expiry": f"must be shorter than the validity "
                                                                 f"({self.validity_months} months)"})

    def min_level(self, care_type: str) -> int:
        """The lowest level that may receive ``care_type`` (never below the benefit threshold)."""
        return self.min_level_by_care_type[CareType(care_type)]

    def level_allowed(self, level: int, care_type: str) -> bool:
        return level >= self.min_level(care_type)


#: REF values of the section (SPEC preamble), plain JSON
REF = {
    "benefit_threshold": 3,
    "min_level_by_care_type": {"special": 4, "institution": 3, "home": 3, "outreach": 3, "family": 3},
    "publicity_working_days": 5,
    "objection_working_days": 5,
    "validity_months": 24,
    "acceptance_sla_working_days": 5,
    "conclusion_sla_working_days": 30,
    "schedule_within_working_days": 10,
    "review_visit_working_days": 10,
    "reassessment_days_before_expiry": 90,
    "long_inpatient_stay_days": 30,
    "min_months_between_assessments": 6,
}
