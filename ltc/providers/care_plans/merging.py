"""What a merge of a person registered twice (SPEC §2) does to care plans: they move to the
survivor. Refused when both persons have plans with the same provider for the same care type
(their version chains would clash; one of the two is to be settled by the provider first)."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.people.merge_hooks import MergeHook, rows_of
from ltc.providers.care_plans.models import CarePlan


def _chains(session: Session, person_id: int) -> set[tuple[int, str]]:
    return set(session.execute(select(CarePlan.provider_id, CarePlan.care_type)
                               .where(CarePlan.person_id == person_id)).tuples())


def refusals(session: Session, survivor, duplicate) -> list[str]:
    if _chains(session, survivor.id) & _chains(session, duplicate.id):
        return ["两人在同一护理机构有同一服务形式的护理计划"]
    return []


HOOK = MergeHook(name="care_plans", moves=(CarePlan.person_id,),
                 counts=(("护理计划", rows_of(CarePlan.person_id)),), refusals=refusals)
