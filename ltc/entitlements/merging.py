"""What a merge of a person registered twice (SPEC §2) does to entitlements: entitlements,
entitlement requests (and so their notices) move to the survivor. Refused when the two persons
hold entitlements whose periods overlap (one person has one entitlement on a day, SPEC §4.2) or
both have a request under review."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.words import nested
from ltc.entitlements.models import Entitlement, EntitlementRequest
from ltc.entitlements.states import RequestStatus
from ltc.entitlements.scope import SUBJECT
from ltc.notices.services import count_notices
from ltc.people.merge_hooks import MergeHook, rows_of


def _periods(session: Session, person_id: int) -> list[Entitlement]:
    return list(session.scalars(select(Entitlement).where(Entitlement.person_id == person_id,
                                                          Entitlement.live_filter())))


def _overlap(session: Session, survivor_id: int, duplicate_id: int) -> tuple[Entitlement, Entitlement] | None:
    for kept in _periods(session, survivor_id):
        for moved in _periods(session, duplicate_id):
            if kept.valid_from < moved.valid_to and moved.valid_from < kept.valid_to:
                return kept, moved
    return None


def _open_request(session: Session, person_id: int) -> int | None:
    return session.scalar(select(EntitlementRequest.id).where(
        EntitlementRequest.person_id == person_id, EntitlementRequest.status == RequestStatus.OPEN.value).limit(1))


def refusals(session: Session, survivor, duplicate) -> list[str | dict]:
    found: list[str | dict] = []
    if (pair := _overlap(session, survivor.id, duplicate.id)) is not None:
        kept, moved = pair
        found.append(nested("两人的待遇期间重叠（%(a)s 至 %(b)s、%(c)s 至 %(d)s），请先终止或作废其中一项",
                            a=str(kept.valid_from), b=str(kept.valid_to), c=str(moved.valid_from),
                            d=str(moved.valid_to)))
    if _open_request(session, survivor.id) and _open_request(session, duplicate.id):
        found.append("两人都有审核中的待遇申请，请先办结其中一份")
    return found


def notices(session: Session, person_id: int) -> int:
    return count_notices(session, SUBJECT, select(Entitlement.id).where(Entitlement.person_id == person_id))


HOOK = MergeHook(
    name="entitlements",
    moves=(Entitlement.person_id, EntitlementRequest.person_id),
    counts=(("待遇资格", rows_of(Entitlement.person_id)), ("待遇申请", rows_of(EntitlementRequest.person_id)),
            ("待遇通知书", notices)),
    refusals=refusals,
)
