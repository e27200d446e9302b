"""Merging a person registered twice (SPEC §2 "ID validation", issue 8 point 6).

On the collisions page the MIA admin picks, of the two persons of a ``duplicate`` collision, the
one that survives; the other is the duplicate. The preview shows what each holds (every
registered domain's rows) and the rules the merge would break. A merge moves every record of the
duplicate to the survivor through the hooks the domains registered (``merge_hooks``), keeps the
duplicate row (``merged_into_id`` → the survivor; it leaves lists, searches and lookups), records a
``PersonMerge`` row and an audit entry with the reason, and resolves the collision as ``merged``.
The survivor's number then takes its normalised spelling if it did not have it. Flushes, never
commits.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, NotFound, ValidationFailed
from ltc.people import id_numbers, services
from ltc.people.hospital.models import HospitalStay
from ltc.people.ids import ID_SHAPE, is_normalised, normalise_id_number
from ltc.people.kinds import CollisionResolution
from ltc.people.merge_hooks import MERGE_HOOKS, MergeHook, move_rows, rows_of
from ltc.people.models import (IdNumberCollision, InsuredPerson, PersonCategoryPeriod, PersonDeath, PersonMerge,
                               PersonStatusPeriod, PersonTagPeriod)


@dataclass
class MergePreview:
    """The two persons, per registered row kind (label, survivor's count, duplicate's count), and
    the rules the merge would break (empty: it may go ahead)."""

    collision: IdNumberCollision
    survivor: InsuredPerson
    duplicate: InsuredPerson
    rows: list[tuple[str, int, int]]
    refusals: list[str]


def _pair(session: Session, collision_id: int, survivor_id: int) -> tuple[IdNumberCollision, InsuredPerson,
                                                                          InsuredPerson]:
    collision = session.get(IdNumberCollision, collision_id)
    if collision is None:
        raise NotFound("没有该身份证号冲突记录")
    if collision.resolved_at is not None:
        raise Conflict("该冲突已处理", {"collision": "resolved"})
    pair = (collision.person, collision.other_person)
    if collision.other_person is None:
        raise ValidationFailed("该冲突没有另一人，不能合并，请更正号码", {"collision": "no other person"})
    if survivor_id not in (p.id for p in pair):
        raise ValidationFailed("保留的参保人须是冲突双方之一", {"survivor_id": "not in this collision"})
    survivor, duplicate = pair if pair[0].id == survivor_id else pair[::-1]
    if survivor.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise Conflict("其中一人已被合并", {"collision": "already merged"})
    return collision, survivor, duplicate


def preview_merge(session: Session, collision_id: int, *, survivor_id: int) -> MergePreview:
    """What merging the collision's other person into ``survivor_id`` would move, and why it
    would be refused. Raises NotFound, Conflict, ValidationFailed (see ``merge_persons``)."""
    collision, survivor, duplicate = _pair(session, collision_id, survivor_id)
    rows = [(label, count(session, survivor.id), count(session, duplicate.id))
            for hook in MERGE_HOOKS.values() for label, count in hook.counts]
    refusals = [message for hook in MERGE_HOOKS.values() if hook.refusals is not None
                for message in hook.refusals(session, survivor, duplicate)]
    return MergePreview(collision, survivor, duplicate, rows, refusals)


def merge_persons(session: Session, collision_id: int, *, survivor_id: int, reason: str, actor: Actor,
                  now: datetime) -> PersonMerge:
    """Merge the other person of a ``duplicate`` collision into ``survivor_id``.

    Raises NotFound (no such collision), Conflict (resolved already; a person merged already; the
    merge would break a rule — the message lists each), ValidationFailed (no reason; a person
    outside the collision; an ``invalid`` collision, which has no other person)."""
    if not (reason or "").strip():
        raise ValidationFailed("请填写合并原因", {"reason": "required"})
    # two admins merging the same collision at once: the second waits, then finds it resolved
    session.execute(select(IdNumberCollision).where(IdNumberCollision.id == collision_id).with_for_update()
                    .execution_options(populate_existing=True))
    preview = preview_merge(session, collision_id, survivor_id=survivor_id)
    if preview.refusals:
        raise Conflict("不能合并：%(why)s", {"merge": "refused"}, params={"why": list(preview.refusals)})
    survivor, duplicate = preview.survivor, preview.duplicate
    moved = {hook.name: move_rows(session, hook, survivor_id=survivor.id, duplicate_id=duplicate.id)
             for hook in MERGE_HOOKS.values()}
    duplicate.merged_into_id, duplicate.merged_at = survivor.id, now
    merge = PersonMerge(survivor_id=survivor.id, duplicate_id=duplicate.id, collision_id=collision_id,
                        reason=reason.strip(), moved=moved, merged_at=now, merged_by_id=actor.user_id)
    session.add(merge)
    session.flush()
    audit.record(session, actor, "merge", services.ENTITY, duplicate.id, now=now, detail=reason.strip(),
                 before={"merged_into_id": None}, after={"merged_into_id": survivor.id, "moved": moved})
    _settle_pair(session, survivor, duplicate, actor=actor, now=now)
    return merge


def _settle_pair(session: Session, survivor: InsuredPerson, duplicate: InsuredPerson, *, actor: Actor,
                 now: datetime) -> None:
    """Resolve the open collisions of the duplicate as merged (a third person's collision with
    the duplicate now names the survivor), and give the survivor its normalised number when it is free."""
    target = normalise_id_number(survivor.id_number)
    if not is_normalised(survivor.id_number) and ID_SHAPE.fullmatch(target) \
            and id_numbers.live_holder(session, target, other_than=survivor.id) is None:
        id_numbers.normalise(session, survivor, actor=actor, now=now)
    for collision in id_numbers.open_collisions(session):
        pair = {collision.person_id, collision.other_person_id}
        if collision.person_id == duplicate.id or (pair == {survivor.id, duplicate.id}
                                                   and is_normalised(survivor.id_number)):
            id_numbers.resolve(session, collision, CollisionResolution.MERGED, actor=actor, now=now)
        elif collision.other_person_id == duplicate.id:
            collision.other_person_id = survivor.id
    session.flush()


def merged_from(session: Session, person_id: int) -> list[PersonMerge]:
    """The merges into this person, oldest first (shown on its page)."""
    return list(session.scalars(select(PersonMerge).where(PersonMerge.survivor_id == person_id)
                                .order_by(PersonMerge.merged_at, PersonMerge.id)))


# --- the people domain's own hook ---------------------------------------------------------------

def _people_refusals(session: Session, survivor: InsuredPerson, duplicate: InsuredPerson) -> list[str]:
    refusals = []
    if survivor.death_date != duplicate.death_date:
        refusals.append("两人登记的死亡日期不同，请先在保留的参保人上登记或撤销死亡")
    stays = select(HospitalStay.hospital, HospitalStay.admitted_on)
    if set(session.execute(stays.where(HospitalStay.person_id == survivor.id))) & set(
            session.execute(stays.where(HospitalStay.person_id == duplicate.id))):
        refusals.append("两人有同一医院同一入院日期的住院记录")
    return refusals


PEOPLE_HOOK = MergeHook(
    name="people",
    moves=(HospitalStay.person_id,),
    # the roster's dated periods are the survivor's (they come from the insurance system with
    # its row); the duplicate's stay with it, as do its recorded deaths, collisions and merges
    keeps=(PersonStatusPeriod.person_id, PersonCategoryPeriod.person_id, PersonTagPeriod.person_id,
           PersonDeath.person_id, IdNumberCollision.person_id, IdNumberCollision.other_person_id,
           PersonMerge.survivor_id, PersonMerge.duplicate_id, InsuredPerson.merged_into_id),
    counts=(("住院记录", rows_of(HospitalStay.person_id)),),
    refusals=_people_refusals,
)
