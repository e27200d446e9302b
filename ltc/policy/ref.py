"""REF, the default parameter set (SPEC preamble): version 1 of the policy store.

Plain JSON-able data (decimals as strings) so a data migration can insert it as is.
A domain that registers a new section adds its REF values here.
"""
import copy
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import SYSTEM
from ltc.core.errors import ValidationFailed
from ltc.policy.models import PolicyAction, PolicyEvent, PolicyStatus, PolicyVersion
from ltc.policy.schema import validate_sections
from ltc.reviews.definitions import REF_REVIEWS
from ltc.scheduler.registry import JOBS

REF_NAME = "REF"
REF_EFFECTIVE_FROM = date(2020, 1, 1)

REF_SECTIONS: dict[str, dict] = {
    "assessment": {
        "benefit_threshold": 3,
        "min_level_by_care_type": {"special": 4, "institution": 3, "home": 3, "outreach": 3, "family": 3},
        "publicity_working_days": 5,
        "objection_working_days": 5,
        "validity_months": 24,
        "acceptance_sla_working_days": 5,
        "conclusion_sla_working_days": 30,
        "schedule_within_working_days": 10,
        "reassessment_days_before_expiry": 60,
        "long_inpatient_stay_days": 30,
        "min_months_between_assessments": 6,
    },
    "billing": {
        "special": {
            "quota_groups": [
                {"grades": ["hospital_2", "hospital_3"], "per_day": {"4": "190", "5": "210"}},
                {"grades": ["hospital_1", "nursing_hospital"], "per_day": {"4": "150", "5": "170"}},
            ],
            "tag_supplement_per_day": {"medical_assistance": "0", "severe_disability_cert": "0",
                                       "chronic_class_a": "10"},
            "fund_ratio": {"employee": "0.90", "resident": "0.80"},
        },
        "institution": {"cap_per_day": {"3": "50", "4": "55", "5": "60"},
                        "fund_ratio": {"employee": "0.75", "resident": "0.65"}},
        "home": {"hourly_rate_life": "65", "hourly_rate_medical": "80",
                 "hours_cap_per_month": {"3": 13, "4": 21, "5": 30},
                 "fund_ratio": {"employee": "0.90", "resident": "0.80"}},
        "outreach": {"price_per_visit": "120", "fund_cap_per_month": {"3": "600", "4": "800", "5": "1000"},
                     "fund_ratio": {"employee": "0.90", "resident": "0.80"}},
        "family": {"allowance_per_day": {"3": "10", "4": "15", "5": "20"}, "package_per_month": "300",
                   "min_package_visits_per_month": 4,
                   "fund_ratio": {"employee": "1.00", "resident": "1.00"}},
        "uplift_tags": ["medical_assistance", "severe_disability_cert"],
        "uplift": "0.05",
        "ratio_cap": "1.00",
        "quality_deposit_ratio": "0.10",
        "late_record_months": 3,
    },
    "reviews": REF_REVIEWS,
    # SPEC §9's times (local time): the registry defaults
    "jobs": {job.id: job.schedule.policy_value() for job in JOBS},
}


def ref_sections() -> dict[str, dict]:
    """A deep copy of REF, safe to modify."""
    return copy.deepcopy(REF_SECTIONS)


def seed_ref(session: Session, *, now: datetime) -> PolicyVersion | None:
    """Create version 1 "REF", published from 2020-01-01, open-ended.

    Does nothing (returns None) when any version exists. Raises ValidationFailed if REF
    does not satisfy the registered section schemas (a programming error).
    """
    if session.scalar(select(PolicyVersion.id).limit(1)) is not None:
        return None
    sections = ref_sections()
    if errors := validate_sections(sections):
        raise ValidationFailed("REF 政策参数无效", errors)
    version = PolicyVersion(number=1, name=REF_NAME, status=PolicyStatus.PUBLISHED.value,
                            effective_from=REF_EFFECTIVE_FROM, sections=sections, created_at=now,
                            published_at=now, note="默认参数集 REF")
    session.add(version)
    session.flush()
    for action in (PolicyAction.CREATED, PolicyAction.PUBLISHED):
        session.add(PolicyEvent(version_id=version.id, action=action.value, at=now, note="REF"))
    audit.record(session, SYSTEM, "publish", "policy_version", version.id, now=now,
                 after={"number": 1, "name": REF_NAME, "effective_from": REF_EFFECTIVE_FROM})
    session.flush()
    return version
