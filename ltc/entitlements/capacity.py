"""The capacity check of the entitlement review's step 1 (SPEC §4.2): can the provider take one
more beneficiary of this care type on the start date?

- bed-based care (``special``, ``institution``): the provider's beds on the day against the beds
  occupied — its active entitlements of that care type (the one a change case replaces excluded);
- visit care (``home``, ``outreach``, ``family``): its carers able to deliver the care on the day —
  employed, of a staff type allowed for the plan's items (or the care type's catalogue items when no
  plan is drafted yet), holding a qualification for it and not suspended — each serving at most
  the policy's ``home_beneficiaries_per_carer`` (REF 8) of its active visit-care beneficiaries,
  the new one included.

The check's words are msgids with parameters, translated where shown.
"""
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.core.periods import covering_filter, period_on
from ltc.entitlements.models import Entitlement, EntitlementRequest
from ltc.orgs.kinds import CareType
from ltc.policy.services import NoPolicyInForce, policy_on
from ltc.providers.care_plans import services as care_plans
from ltc.providers.carers.policy import CarersPolicy
from ltc.providers.carers.services.readers import able_carers_count
from ltc.providers.catalogue.services import items_for_care_type
from ltc.providers.models import ProviderBedsPeriod
from ltc.reviews.registry import Check

BED_CARE_TYPES = (CareType.INSTITUTION.value, CareType.SPECIAL.value)
VISIT_CARE_TYPES = (CareType.HOME.value, CareType.OUTREACH.value, CareType.FAMILY.value)


def _entitled(session: Session, request: EntitlementRequest, care_types: tuple[str, ...], day: date) -> int:
    """The provider's active entitlements of ``care_types`` on ``day`` (the replaced one excluded)."""
    return session.scalar(select(func.count()).select_from(Entitlement).where(
        Entitlement.provider_id == request.provider_id, Entitlement.care_type.in_(care_types),
        covering_filter(Entitlement, day), Entitlement.id != (request.replaces_id or 0))) or 0


def beds_check(session: Session, request: EntitlementRequest, day: date) -> Check:
    beds = period_on(session, ProviderBedsPeriod, day, org_id=request.provider_id)
    if beds is None:
        return Check("capacity", "床位", False, "%(day)s 无核定床位数", params={"day": day.isoformat()})
    used = _entitled(session, request, (request.care_type,), day)
    return Check("capacity", "床位", used < beds.beds, "核定床位 %(beds)s 张，%(day)s 已占用 %(used)s 张",
                 params={"beds": beds.beds, "day": day.isoformat(), "used": used})


def staff_types_for(session: Session, request: EntitlementRequest, day: date) -> set[str]:
    """The staff types allowed to deliver the items of the drafted plan, else of the care type."""
    plan = care_plans.current_plan(session, person_id=request.person_id, provider_id=request.provider_id,
                                   care_type=request.care_type)
    items = ([link.item for visit in plan.visit_types for link in visit.items] if plan is not None else
             [line.item for line in items_for_care_type(session, request.care_type, day)])
    return {staff_type for item in items for staff_type in item.staff_types}


def carers_check(session: Session, request: EntitlementRequest, day: date) -> Check:
    try:
        ratio = policy_on(session, day).section(CarersPolicy).home_beneficiaries_per_carer
    except NoPolicyInForce:
        return Check("capacity", "护理人员", False, "%(day)s 没有生效的政策参数", params={"day": day.isoformat()})
    carers = able_carers_count(session, request.provider_id, staff_types_for(session, request, day), day)
    served = _entitled(session, request, VISIT_CARE_TYPES, day) + 1
    return Check("capacity", "护理人员", served <= carers * ratio,
                 "%(day)s 合格护理人员 %(carers)s 名，按每名护理人员 %(ratio)s 人计可服务 %(capacity)s 人；"
                 "居家待遇人员（含本次）%(served)s 人",
                 params={"day": day.isoformat(), "carers": carers, "ratio": ratio, "capacity": carers * ratio,
                         "served": served})


def capacity_check(session: Session, request: EntitlementRequest, day: date) -> Check:
    if request.care_type in BED_CARE_TYPES:
        return beds_check(session, request, day)
    return carers_check(session, request, day)
