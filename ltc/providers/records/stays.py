"""Stays and leaves (SPEC §5.4): admit, discharge and correct a stay; open, close and correct a leave.

Shape, refused with ``ValidationFailed``: real dates, none in the future, discharge not before
admission, a leave inside its stay and not overlapping another, no two stays of one person at one
provider sharing a bed-day, and a person who exists and is within the provider's scope. Anything
about eligibility (an entitlement for this care type at this provider, insurance, death, the
provider's agreement) is a rule's finding (SPEC §6 E01 …): the record is stored and
``check_record`` returns its findings, which the caller shows.

A correction of an unsettled record bumps ``version`` and keeps the previous values in a
``RecordVersion`` (who, when, why — the reason is required); a settled record refuses it
(``Conflict``): it is corrected by an adjustment in a later settlement. Every write is audited.
"""
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.permissions import STAFF
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, NotFound, ValidationFailed
from ltc.people.merge_hooks import MergeHook, rows_of
from ltc.people.models import InsuredPerson
from ltc.people.scope import PERSON_LINKS
from ltc.people.scope import persons_in_scope
from ltc.providers.kinds import BedCareType, RecordKind, RecordSource
from ltc.providers.records.beddays import stay_end
from ltc.providers.records.beddays import StayFacts
from ltc.providers.records.checks import check_record
from ltc.providers.records.models import NOTE_MAX, Leave, RecordVersion, Stay

STAY, LEAVE = RecordKind.STAY.value, RecordKind.LEAVE.value
REASON_MAX = 500
#: msgids of the fields a kept version shows
FIELD_LABELS = {"care_type": "服务形式", "admitted_on": "入院日期", "discharged_on": "出院日期", "note": "备注",
                "out_on": "离开日期", "back_on": "返回日期", "reason": "请假事由"}
LEAVE_REASON_MAX = 200


@dataclass(frozen=True)
class Saved:
    """A stored record and the findings the entry-time checks returned for it."""

    record: Any
    findings: Sequence[Any] = field(default_factory=tuple)


# --- scope -------------------------------------------------------------------------------

def stays_in_scope(user: User) -> ColumnElement[bool] | None:
    """The MIA sees every stay, a provider's staff its own, an insurer those of the persons it
    sees (its districts); an agency and a carer none."""
    if user.org_kind == "mia":
        return None
    if user.org_kind == "provider":
        return Stay.provider_id == user.org_id if user.roles & STAFF else false()
    if user.org_kind == "insurer":
        return Stay.person_id.in_(select(InsuredPerson.id).where(persons_in_scope(user)))
    return false()


def leaves_in_scope(user: User) -> ColumnElement[bool] | None:
    clause = stays_in_scope(user)
    return None if clause is None else Leave.stay_id.in_(select(Stay.id).where(clause))


def person_for_provider(session: Session, provider_id: int, person_id: int) -> InsuredPerson:
    """The person, when the provider sees them (its beneficiaries, the persons it filed for).
    Raises ValidationFailed."""
    links = [InsuredPerson.id.in_(link(provider_id)) for link in PERSON_LINKS]
    person = session.scalar(select(InsuredPerson).where(InsuredPerson.id == person_id, InsuredPerson.live_filter(),
                                                        or_(*links) if links else false()))
    if person is None:
        raise ValidationFailed("参保人不存在或不是本机构的服务对象", {"id_number": "not in scope"})
    return person


# --- shape checks ------------------------------------------------------------------------

def _not_future(day: date | None, name: str, today: date) -> None:
    if day is not None and day > today:
        raise ValidationFailed("%(day)s 晚于今天", {name: "future"}, params={"day": day.isoformat()})


def _check_stay_dates(admitted_on: date, discharged_on: date | None, today: date) -> None:
    _not_future(admitted_on, "admitted_on", today)
    _not_future(discharged_on, "discharged_on", today)
    if discharged_on is not None and discharged_on < admitted_on:
        raise ValidationFailed("出院日期早于入院日期", {"discharged_on": "before admitted_on"})


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def _check_no_overlap(session: Session, provider_id: int, person_id: int, admitted_on: date,
                      discharged_on: date | None, *, stay_id: int | None = None) -> None:
    """No two stays of one person at one provider share a bed-day."""
    end = stay_end(StayFacts(0, admitted_on, discharged_on))
    others = session.scalars(select(Stay).where(Stay.provider_id == provider_id, Stay.person_id == person_id,
                                                Stay.id != (stay_id or 0)))
    for other in others:
        if _overlaps(admitted_on, end, other.admitted_on, stay_end(StayFacts(0, other.admitted_on,
                                                                             other.discharged_on))):
            raise ValidationFailed("该参保人在本机构已有与之重叠的在院记录（%(admitted)s 入院）",
                                   {"admitted_on": "overlap"}, params={"admitted": other.admitted_on.isoformat()})


def _check_leaves_inside(stay: Stay, admitted_on: date, discharged_on: date | None) -> None:
    for leave in stay.leaves:
        _check_leave_in_stay(admitted_on, discharged_on, leave.out_on, leave.back_on)


def _check_leave_in_stay(admitted_on: date, discharged_on: date | None, out_on: date, back_on: date | None) -> None:
    if out_on < admitted_on or (discharged_on is not None and (
            out_on >= discharged_on or (back_on is not None and back_on > discharged_on))):
        raise ValidationFailed("请假须在在院期间内（%(admitted)s 至 %(discharged)s）", {"out_on": "outside stay"},
                               params={"admitted": admitted_on.isoformat(),
                                       "discharged": discharged_on.isoformat() if discharged_on else "—"})


def _check_leave(stay: Stay, out_on: date, back_on: date | None, today: date, *, leave_id: int | None = None) -> None:
    _not_future(out_on, "out_on", today)
    _not_future(back_on, "back_on", today)
    if back_on is not None and back_on <= out_on:
        raise ValidationFailed("返回日期须晚于离开日期", {"back_on": "not after out_on"})
    _check_leave_in_stay(stay.admitted_on, stay.discharged_on, out_on, back_on)
    for other in stay.leaves:
        if other.id != leave_id and _overlaps(out_on, back_on, other.out_on, other.back_on):
            raise ValidationFailed("与 %(out)s 起的请假重叠", {"out_on": "overlap"},
                                   params={"out": other.out_on.isoformat()})


def _clean_text(value: str | None, limit: int) -> str | None:
    text = " ".join((value or "").split())
    return text[:limit] or None


# --- versions ----------------------------------------------------------------------------

def stay_snapshot(stay: Stay) -> dict:
    return {"care_type": stay.care_type, "admitted_on": stay.admitted_on, "discharged_on": stay.discharged_on,
            "note": stay.note}


def leave_snapshot(leave: Leave) -> dict:
    return {"out_on": leave.out_on, "back_on": leave.back_on, "reason": leave.reason}


def _correctable(record: Stay | Leave, reason: str) -> str:
    """The cleaned reason of a correction. Raises Conflict (a settled record is append-only) or
    ValidationFailed (no reason)."""
    if record.settled_at is not None:
        raise Conflict("该记录已结算，不能更正；请在以后的结算中申请调整", {"reason": "settled"})
    why = _clean_text(reason, REASON_MAX)
    if not why:
        raise ValidationFailed("请填写更正原因", {"reason": "required"})
    return why


def _keep_version(session: Session, kind: str, record: Stay | Leave, before: dict, *, reason: str,
                  actor: Actor, now: datetime) -> None:
    """Keep the previous values (who, when, why) and bump the version."""
    session.add(RecordVersion(record_kind=kind, record_id=record.id, version=record.version,
                              data=audit.jsonable(before), changed_by=actor.user_id, changed_at=now, reason=reason))
    record.version += 1
    record.updated_at = now


def versions_of(session: Session, kind: str, record_id: int) -> list[RecordVersion]:
    """The kept versions of a record, newest first."""
    return list(session.scalars(select(RecordVersion).where(RecordVersion.record_kind == kind,
                                                            RecordVersion.record_id == record_id)
                                .order_by(RecordVersion.version.desc())))


def _saved(session: Session, kind: str, record: Stay | Leave, now: datetime) -> Saved:
    session.flush()
    return Saved(record, tuple(check_record(session, kind, record, now=now)))


# --- stays -------------------------------------------------------------------------------

def admit(session: Session, *, provider_id: int, person_id: int, care_type: str, admitted_on: date,
          discharged_on: date | None = None, note: str | None = None, actor: Actor, now: datetime,
          source: str = RecordSource.WEB.value) -> Saved:
    """Record an admission (and the discharge when already known). Raises ValidationFailed."""
    if care_type not in set(BedCareType):
        raise ValidationFailed("服务形式须为医疗专护或机构护理", {"care_type": "not bed-based"})
    person_for_provider(session, provider_id, person_id)
    _check_stay_dates(admitted_on, discharged_on, local_today(now))
    _check_no_overlap(session, provider_id, person_id, admitted_on, discharged_on)
    stay = Stay(provider_id=provider_id, person_id=person_id, care_type=care_type, admitted_on=admitted_on,
                discharged_on=discharged_on, note=_clean_text(note, NOTE_MAX), source=source,
                created_by=actor.user_id, created_at=now, updated_at=now)
    session.add(stay)
    session.flush()
    audit.record(session, actor, "admit", STAY, stay.id, now=now, after={**stay_snapshot(stay), "person_id": person_id},
                 detail=source)
    return _saved(session, STAY, stay, now)


def discharge(session: Session, stay: Stay, *, discharged_on: date, actor: Actor, now: datetime) -> Saved:
    """Enter the discharge day of an open stay (not a bed-day unless it is the admission day).
    Raises Conflict (already discharged) or ValidationFailed."""
    if stay.discharged_on is not None:
        raise Conflict("该在院记录已出院；如需修改出院日期请更正记录", {"discharged_on": "already"})
    _check_stay_dates(stay.admitted_on, discharged_on, local_today(now))
    _check_leaves_inside(stay, stay.admitted_on, discharged_on)
    _check_no_overlap(session, stay.provider_id, stay.person_id, stay.admitted_on, discharged_on, stay_id=stay.id)
    stay.discharged_on, stay.updated_at = discharged_on, now
    audit.record(session, actor, "discharge", STAY, stay.id, now=now, after={"discharged_on": discharged_on})
    return _saved(session, STAY, stay, now)


def correct_stay(session: Session, stay: Stay, *, care_type: str, admitted_on: date, discharged_on: date | None,
                 note: str | None, reason: str, actor: Actor, now: datetime) -> Saved:
    """Correct an unsettled stay, keeping its previous version. Raises Conflict (settled, or
    nothing changed) or ValidationFailed."""
    reason = _correctable(stay, reason)
    if care_type not in set(BedCareType):
        raise ValidationFailed("服务形式须为医疗专护或机构护理", {"care_type": "not bed-based"})
    after = {"care_type": care_type, "admitted_on": admitted_on, "discharged_on": discharged_on,
             "note": _clean_text(note, NOTE_MAX)}
    before = stay_snapshot(stay)
    if before == after:
        raise Conflict("没有修改任何内容", {"reason": "unchanged"})
    _check_stay_dates(admitted_on, discharged_on, local_today(now))
    _check_leaves_inside(stay, admitted_on, discharged_on)
    _check_no_overlap(session, stay.provider_id, stay.person_id, admitted_on, discharged_on, stay_id=stay.id)
    _keep_version(session, STAY, stay, before, reason=reason, actor=actor, now=now)
    for name, value in after.items():
        setattr(stay, name, value)
    old, new = audit.changes(before, after)
    audit.record(session, actor, "correct", STAY, stay.id, now=now, before=old, after=new, detail=reason)
    return _saved(session, STAY, stay, now)


# --- leaves ------------------------------------------------------------------------------

def open_leave(session: Session, stay: Stay, *, out_on: date, back_on: date | None = None,
               reason: str | None = None, actor: Actor, now: datetime,
               source: str = RecordSource.WEB.value) -> Saved:
    """Record a leave ``[out, back)`` of a stay (``back`` empty while away). Raises ValidationFailed."""
    _check_leave(stay, out_on, back_on, local_today(now))
    leave = Leave(stay=stay, provider_id=stay.provider_id, person_id=stay.person_id, out_on=out_on, back_on=back_on,
                  reason=_clean_text(reason, LEAVE_REASON_MAX), source=source, created_by=actor.user_id,
                  created_at=now, updated_at=now)
    session.add(leave)
    session.flush()
    audit.record(session, actor, "open_leave", LEAVE, leave.id, now=now,
                 after={**leave_snapshot(leave), "stay_id": stay.id}, detail=source)
    return _saved(session, LEAVE, leave, now)


def close_leave(session: Session, leave: Leave, *, back_on: date, actor: Actor, now: datetime) -> Saved:
    """Enter the return day of an open leave. Raises Conflict (already back) or ValidationFailed."""
    if leave.back_on is not None:
        raise Conflict("该请假已销假；如需修改返回日期请更正记录", {"back_on": "already"})
    _check_leave(leave.stay, leave.out_on, back_on, local_today(now), leave_id=leave.id)
    leave.back_on, leave.updated_at = back_on, now
    audit.record(session, actor, "close_leave", LEAVE, leave.id, now=now, after={"back_on": back_on})
    return _saved(session, LEAVE, leave, now)


def correct_leave(session: Session, leave: Leave, *, out_on: date, back_on: date | None, leave_reason: str | None,
                  reason: str, actor: Actor, now: datetime) -> Saved:
    """Correct an unsettled leave, keeping its previous version. Raises Conflict or ValidationFailed."""
    reason = _correctable(leave, reason)
    after = {"out_on": out_on, "back_on": back_on, "reason": _clean_text(leave_reason, LEAVE_REASON_MAX)}
    before = leave_snapshot(leave)
    if before == after:
        raise Conflict("没有修改任何内容", {"reason": "unchanged"})
    _check_leave(leave.stay, out_on, back_on, local_today(now), leave_id=leave.id)
    _keep_version(session, LEAVE, leave, before, reason=reason, actor=actor, now=now)
    for name, value in after.items():
        setattr(leave, name, value)
    old, new = audit.changes(before, after)
    audit.record(session, actor, "correct", LEAVE, leave.id, now=now, before=old, after=new, detail=reason)
    return _saved(session, LEAVE, leave, now)


def get_leave(session: Session, stay: Stay, leave_id: int) -> Leave:
    """A leave of ``stay``. Raises NotFound."""
    leave = session.get(Leave, leave_id)
    if leave is None or leave.stay_id != stay.id:
        raise NotFound("记录不存在或无权访问")
    return leave


# --- a person registered twice (SPEC §2) ------------------------------------------------------

def merge_refusals(session: Session, survivor: InsuredPerson, duplicate: InsuredPerson) -> list[str]:
    """A merge moves the duplicate's stays and leaves to the survivor; refused when a stay of each at
    one provider would share a bed-day (the provider corrects one of them first)."""
    stays = list(session.scalars(select(Stay).where(Stay.person_id.in_((survivor.id, duplicate.id)))))
    for mine in (s for s in stays if s.person_id == survivor.id):
        for theirs in (s for s in stays if s.person_id == duplicate.id and s.provider_id == mine.provider_id):
            if _overlaps(*_bed_span(mine), *_bed_span(theirs)):
                return ["两人在同一机构有重叠的在院记录"]
    return []


def _bed_span(stay: Stay) -> tuple[date, date | None]:
    return stay.admitted_on, stay_end(StayFacts(0, stay.admitted_on, stay.discharged_on))


MERGE_HOOK = MergeHook(name="stays", moves=(Stay.person_id, Leave.person_id),
                       counts=(("在院记录", rows_of(Stay.person_id)), ("请假", rows_of(Leave.person_id))),
                       refusals=merge_refusals)
