"""What a merge of a person registered twice (SPEC §2) does to applications: they move to the
survivor, with their conclusions and notices; refused while both persons have an open application
(one person has at most one in process, SPEC §3.1)."""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.core.words import nested
from ltc.assessment.applications.models import Application
from ltc.assessment.applications.states import OPEN
from ltc.notices.services import count_notices
from ltc.people.merge_hooks import MergeHook, rows_of

OPEN_VALUES = tuple(status.value for status in OPEN)


def _open_ids(session: Session, person_id: int) -> list[int]:
    return list(session.scalars(select(Application.id).where(Application.person_id == person_id,
                                                             Application.status.in_(OPEN_VALUES))))


def refusals(session: Session, survivor, duplicate) -> list[dict]:
    kept, moved = _open_ids(session, survivor.id), _open_ids(session, duplicate.id)
    if kept and moved:
        return [nested("两人都有未办结的评估申请（%(kept)s 号、%(moved)s 号），请先办结或撤回其中一份",
                       kept=kept[0], moved=moved[0])]
    return []


def conclusions(session: Session, person_id: int) -> int:
    return session.scalar(select(func.count(Application.id)).where(
        Application.person_id == person_id, Application.level.is_not(None))) or 0


def notices(session: Session, person_id: int) -> int:
    return count_notices(session, "application", select(Application.id).where(Application.person_id == person_id))


HOOK = MergeHook(
    name="applications",
    moves=(Application.person_id,),
    counts=(("评估申请", rows_of(Application.person_id)), ("评估结论", conclusions), ("评估相关通知书", notices)),
    refusals=refusals,
)
