"""ID-number collisions (SPEC §2 "ID validation"): the stored numbers that could not take their
normalised spelling, and how the MIA admin resolves them.

A number is stored in its one ASCII spelling. Where an older row could not be rewritten — its
normalised spelling is another person's number (``duplicate``), or normalising it does not give
an ASCII number (``invalid``) — it is left as it is and listed. The admin corrects one of the two
numbers (an audited edit), or merges the two when they are one person registered twice
(``merging``); the listed number then takes its normalised spelling when it no longer collides,
and the collision is marked resolved (kept, never deleted). Once none is open, every number of a
person not merged away is normalised, so ``uq_insured_persons_live_id_number`` (unique among the
persons not merged) is the unique index on the normalised number. Functions flush, never commit.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.services import actor_of
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, NotFound, ValidationFailed
from ltc.people import services
from ltc.people.events import IdNumberChanged
from ltc.people.ids import ID_SHAPE, is_normalised, normalise_id_number
from ltc.people.kinds import CollisionKind, CollisionResolution
from ltc.people.models import IdNumberCollision, InsuredPerson

ENTITY = "id_number_collision"
CHUNK = 500


@dataclass
class ScanResult:
    """What a scan did: persons whose number it normalised, collisions it listed, and how many
    collisions are open after it."""

    normalised: list[int] = field(default_factory=list)
    listed: list[IdNumberCollision] = field(default_factory=list)
    open: int = 0


def open_collisions(session: Session) -> list[IdNumberCollision]:
    """The unresolved collisions, oldest first."""
    return list(session.scalars(select(IdNumberCollision).where(IdNumberCollision.resolved_at.is_(None))
                                .order_by(IdNumberCollision.found_at, IdNumberCollision.id)))


def in_open_collision(session: Session, person_id: int) -> bool:
    """Whether the person is one of the two of an unresolved collision."""
    return session.scalar(select(IdNumberCollision.id).where(
        IdNumberCollision.resolved_at.is_(None),
        (IdNumberCollision.person_id == person_id) | (IdNumberCollision.other_person_id == person_id)
    ).limit(1)) is not None


def show_collisions(session: Session, user: User, *, now: datetime) -> list[IdNumberCollision]:
    """The open collisions with both persons' full numbers, for the MIA admin: each person shown
    is a full view of personal data, recorded in the audit log (SPEC §2)."""
    rows = open_collisions(session)
    shown = sorted({p.id for c in rows for p in (c.person, c.other_person) if p is not None})
    for person_id in shown:
        audit.record(session, actor_of(user), "view", services.ENTITY, person_id, now=now,
                     detail="ID-number collisions")
    session.flush()
    return rows


def live_holder(session: Session, number: str, *, other_than: int) -> int | None:
    """The person (not merged away) other than ``other_than`` who holds ``number``."""
    return session.scalar(select(InsuredPerson.id).where(InsuredPerson.id_number == number,
                                                         InsuredPerson.id != other_than, InsuredPerson.live_filter()))


def resolve(session: Session, collision: IdNumberCollision, resolution: CollisionResolution, *, actor: Actor,
            now: datetime) -> None:
    """Mark the collision resolved (kept as history), audited."""
    collision.resolved_at, collision.resolved_by = now, actor.user_id
    collision.resolution = resolution
    audit.record(session, actor, "resolve", ENTITY, collision.id, now=now,
                 before={"id_number": collision.stored},
                 after={"id_number": collision.person.id_number, "resolution": collision.resolution})


def normalise(session: Session, person: InsuredPerson, *, actor: Actor, now: datetime) -> None:
    before, person.id_number = person.id_number, normalise_id_number(person.id_number)
    person.updated_at = now
    session.flush()
    audit.record(session, actor, "normalise_id_number", services.ENTITY, person.id, now=now,
                 before={"id_number": before}, after={"id_number": person.id_number})


def settle_collisions(session: Session, *, actor: Actor, now: datetime) -> list[IdNumberCollision]:
    """Resolve every open collision that no longer collides: its person's number already is
    normalised (corrected), or its normalised spelling is now free — nobody holds it and no other
    listed number spells it — and is a well-formed number, which is then stored. Returns those
    resolved."""
    still_open = open_collisions(session)
    resolved = []
    for collision in still_open:
        person = collision.person
        if not is_normalised(person.id_number):
            target = normalise_id_number(person.id_number)
            rivals = [c for c in still_open if c not in resolved and c.person_id != person.id
                      and normalise_id_number(c.person.id_number) == target]
            if not ID_SHAPE.fullmatch(target) or rivals or live_holder(session, target, other_than=person.id):
                continue
            normalise(session, person, actor=actor, now=now)
        resolve(session, collision, CollisionResolution.CORRECTED, actor=actor, now=now)
        resolved.append(collision)
    session.flush()
    return resolved


def on_id_number_changed(session: Session, event: IdNumberChanged) -> None:
    """A number changed anywhere (the person's edit page, the API): collisions it ends are resolved."""
    settle_collisions(session, actor=event.actor, now=event.now)


def correct_id_number(session: Session, collision_id: int, *, person_id: int, id_number: str,
                      actor: Actor, now: datetime) -> IdNumberCollision:
    """Give one of the two persons of a collision its correct number (an audited edit of that
    person), then resolve what no longer collides.

    Raises NotFound (no such collision), Conflict (already resolved; the number is another
    person's), ValidationFailed (a person outside the collision; a bad number)."""
    collision = session.get(IdNumberCollision, collision_id)
    if collision is None:
        raise NotFound("没有该身份证号冲突记录")
    if collision.resolved_at is not None:
        raise Conflict("该冲突已处理", {"collision": "resolved"})
    if person_id not in (collision.person_id, collision.other_person_id):
        raise ValidationFailed("只能更正冲突双方之一的身份证号", {"person_id": "not in this collision"})
    person = session.get_one(InsuredPerson, person_id)
    if normalise_id_number(id_number) == person.id_number:
        raise ValidationFailed("身份证号没有变化", {"id_number": "unchanged"})
    services.update_person(session, person, {"id_number": id_number}, actor=actor, now=now)
    settle_collisions(session, actor=actor, now=now)
    return collision


# --- scanning the roster (``flask --app ltc people id-numbers``) ------------------------------

def _not_normalised(session: Session, skip: set[int]) -> dict[str, list[InsuredPerson]]:
    """Persons (not merged away) whose stored number is not its normalised ASCII spelling, by that spelling."""
    stmt = (select(InsuredPerson.id, InsuredPerson.id_number).where(InsuredPerson.live_filter())
            .execution_options(yield_per=5000))
    ids = [person_id for person_id, stored in session.execute(stmt)
           if person_id not in skip and not is_normalised(stored)]
    found: dict[str, list[InsuredPerson]] = {}
    for person in session.scalars(select(InsuredPerson).where(InsuredPerson.id.in_(ids)).order_by(InsuredPerson.id)):
        found.setdefault(normalise_id_number(person.id_number), []).append(person)
    return found


def _held(session: Session, numbers: Iterable[str]) -> dict[str, int]:
    numbers, held = sorted(numbers), {}
    for start in range(0, len(numbers), CHUNK):
        held.update(session.execute(select(InsuredPerson.id_number, InsuredPerson.id)
                                    .where(InsuredPerson.id_number.in_(numbers[start:start + CHUNK]),
                                           InsuredPerson.live_filter())).tuples().all())
    return held


def scan_id_numbers(session: Session, *, actor: Actor, now: datetime) -> ScanResult:
    """What migration 0013 did, again (numbers written since by other means): each stored number
    not in its normalised spelling takes it when nobody else holds or spells it, and is listed
    as a collision otherwise. Persons already listed are left to the MIA admin."""
    result = ScanResult()
    listed = {c.person_id for c in open_collisions(session)}
    groups = _not_normalised(session, listed)
    held = _held(session, (n for n in groups if n.isascii()))
    for number, persons in groups.items():
        kind = (CollisionKind.INVALID if not number.isascii() or len(number) > 18
                else CollisionKind.DUPLICATE if number in held or len(persons) > 1 else None)
        if kind is None:
            normalise(session, persons[0], actor=actor, now=now)
            result.normalised.append(persons[0].id)
            continue
        for person in persons:
            other = held.get(number) or next((p.id for p in persons if p.id != person.id), None)
            collision = IdNumberCollision(person_id=person.id, stored=person.id_number, normalised=number[:40],
                                          other_person_id=other,
                                          kind=kind, found_at=now)
            session.add(collision)
            result.listed.append(collision)
    session.flush()
    for collision in result.listed:
        audit.record(session, actor, "list", ENTITY, collision.id, now=now,
                     after={"person_id": collision.person_id, "kind": collision.kind})
    result.open = len(listed) + len(result.listed)
    return result
