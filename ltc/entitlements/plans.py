"""The care plan in force for an entitlement on a date (SPEC §4.2, §5.3).

A plan belongs to the entitlement as dated versions of the plan of its (person, provider, care
type): the version granted with it is in force from the entitlement's start, and each revision
approved later from its own ``effective_from``. The version in force on day D is the newest final
version whose ``effective_from`` is on or before D: a newer approved version supersedes every
older one from its own date, even one approved earlier for a later date. A bridging entitlement
(the old care type and provider at a new level) reads the plan of the old provider it continues.
"""
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.periods import covering_filter
from ltc.entitlements.models import Entitlement
from ltc.providers.care_plans.models import CarePlan, PlanStatus


def _same_plan():
    return ((CarePlan.person_id == Entitlement.person_id) & (CarePlan.provider_id == Entitlement.provider_id)
            & (CarePlan.care_type == Entitlement.care_type))


def plans_in_force(session: Session, entitlement_ids: Iterable[int], day: date) -> dict[int, CarePlan]:
    """Set-based: for each of the entitlements covering ``day``, the care plan version in force
    that day (one query; an entitlement without one is left out)."""
    ids = sorted(set(entitlement_ids))
    if not ids:
        return {}
    return plans_in_force_where(session, day, Entitlement.id.in_(ids))


def plans_in_force_where(session: Session, day: date, *conditions) -> dict[int, CarePlan]:
    """``plans_in_force`` of the entitlements meeting ``conditions`` (on ``Entitlement``) in one
    query, by entitlement id."""
    stmt = (select(Entitlement.id, CarePlan).join(CarePlan, _same_plan())
            .where(*conditions, Entitlement.live_filter(), covering_filter(Entitlement, day),
                   CarePlan.status == PlanStatus.FINAL.value, CarePlan.effective_from <= day)
            .order_by(Entitlement.id, CarePlan.version))
    found: dict[int, CarePlan] = {}
    for entitlement_id, plan in session.execute(stmt).tuples():
        found[entitlement_id] = plan  # ordered: the last one seen is in force
    return found


def plan_in_force(session: Session, entitlement_id: int, day: date) -> CarePlan | None:
    """The care plan version in force for the entitlement on ``day`` (None outside its period)."""
    return plans_in_force(session, [entitlement_id], day).get(entitlement_id)


def entitlement_of_plan_on(session: Session, plan: CarePlan, day: date) -> Entitlement | None:
    """The live entitlement covering ``day`` that the plan's (person, provider, care type) serves."""
    return session.scalars(select(Entitlement).where(
        Entitlement.person_id == plan.person_id, Entitlement.provider_id == plan.provider_id,
        Entitlement.care_type == plan.care_type, Entitlement.live_filter(), covering_filter(Entitlement, day))).first()


def in_force_on(session: Session, plan: CarePlan, day: date) -> tuple[Entitlement | None, CarePlan | None]:
    """For the plan page: the entitlement the plan's chain serves on ``day`` and the version in force."""
    entitlement = entitlement_of_plan_on(session, plan, day)
    return entitlement, plan_in_force(session, entitlement.id, day) if entitlement else None
