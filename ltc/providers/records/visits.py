"""Visit services (上门服务, SPEC §5.4, §6): check in, check out, a whole visit at once, corrections.

Every save runs the entry-time checks (``check_record``) and returns the findings with the visit:
a visit that passes shape validation is always stored, whatever its findings. An exact duplicate of
a stored visit (every entered field equal) is refused with ``DuplicateVisit`` (409, carrying the
stored visit's id); the same beneficiary, carer and check-in with other differences is stored and
``duplicate_of`` names the earlier visit (V10 finds it). A visit's service date is the Asia/Shanghai
date of its check-in: a visit crossing midnight belongs to the check-in date.

Corrections of an unsettled visit keep the previous values in ``record_versions``; a settled
visit is never changed again.
"""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from ltc.providers.kinds import RecordKind, VisitStatus
from ltc.providers.records import visit_input as rules
from ltc.providers.records.checks import check_record
from ltc.providers.records.models import NOTE_MAX, RecordVersion, Visit
from ltc.providers.records.visit_input import DuplicateVisit, service_date_of
from ltc.providers.records.visit_insert import insert_with_audit

__all__ = ["DuplicateVisit", "VisitOutcome", "check_in", "check_out", "correct_visit", "record_visit",
           "service_date_of"]

SETTLED = "已结算的服务记录不可修改，请在以后的结算中调整"
CORRECTABLE = ("carer_id", "visit_type_id", "check_in_at", "check_out_at", "item_ids", "actual_minutes",
               "check_in_lat", "check_in_lon", "check_out_lat", "check_out_lon", "device_id", "photo_hash",
               "notes", "scheduled_start")


@dataclass
class VisitOutcome:
    """A saved visit, its entry-time findings, and the earlier visit with the same beneficiary,
    carer and check-in when there is one (V10)."""

    visit: Visit
    findings: list[Any] = field(default_factory=list)
    duplicate_of: int | None = None


def _checked(session: Session, visit: Visit, *, now: datetime, day_visits: list[Visit] | None = None) -> VisitOutcome:
    """The visit with its entry-time findings; ``day_visits``: the person's visits of the day read
    before a check-in (the earlier visit with the same start is among them)."""
    session.flush()
    findings = check_record(session, RecordKind.VISIT.value, visit, now=now)
    same = rules.same_start_as(session, visit) if day_visits is None else rules.same_start_among(day_visits, visit)
    return VisitOutcome(visit, list(findings), same)


def check_in(session: Session, *, actor: Actor, carer_id: int, person_id: int, at: datetime,
             visit_id: int | None = None, visit_type_id: int | None = None, lat: Decimal | None = None,
             lon: Decimal | None = None, device_id: str | None = None, photo_hash: str | None = None,
             source: str, uploaded_at: datetime | None, now: datetime, care_type: str | None = None,
             planned_minutes: int | None = None) -> VisitOutcome:
    """Check the carer in at the beneficiary's: into the scheduled visit ``visit_id`` (or the
    person's untouched scheduled visit of that day for this carer, when there is one), otherwise a
    new unscheduled visit of the plan's visit type — or, without a plan, of ``care_type`` with
    ``planned_minutes`` (``visit_input.new_visit``): stored with its findings."""
    carer = rules.carer_of(session, actor, carer_id)
    rules.check_moment(at, "at")
    entered = rules.clean_check_in(lat=lat, lon=lon, device_id=device_id, photo_hash=photo_hash, source=source)
    day_visits = rules.visits_of_day(session, carer, person_id, at)
    rules.refuse_duplicate(day_visits, carer_id=carer.id, check_in_at=at, values=entered, visit_type_id=visit_type_id)
    visit = rules.scheduled_visit(session, carer, day_visits, person_id=person_id, at=at, visit_id=visit_id,
                                  visit_type_id=visit_type_id)
    if visit is None:   # a new visit: stored with its audit row at once
        visit = rules.new_visit(session, carer, person_id=person_id, at=at, visit_type_id=visit_type_id,
                                actor=actor, now=now, care_type=care_type, planned_minutes=planned_minutes)
        _enter_check_in(visit, carer.id, at, uploaded_at, entered)
        insert_with_audit(session, visit, actor=actor, action="check_in", now=now)
    else:
        before = rules.snapshot(visit)
        _enter_check_in(visit, carer.id, at, uploaded_at, entered)
        session.flush()
        audit.record(session, actor, "check_in", "visit", visit.id, before=before, after=rules.snapshot(visit),
                     now=now)
    return _checked(session, visit, now=now, day_visits=day_visits)


def _enter_check_in(visit: Visit, carer_id: int, at: datetime, uploaded_at: datetime | None,
                    entered: dict[str, Any]) -> None:
    visit.carer_id = carer_id
    visit.status = VisitStatus.IN_PROGRESS.value
    visit.check_in_at = at
    visit.service_date = service_date_of(at)
    visit.uploaded_at = uploaded_at
    for name, value in entered.items():
        setattr(visit, name, value)


def _finish(session: Session, visit: Visit, *, at: datetime, item_ids, actual_minutes: int | None,
            lat, lon, photo_hash: str | None, notes: str | None) -> None:
    """Fill in the check-out fields (validated first: nothing changes before every field passes)."""
    rules.check_moment(at, "at")
    if visit.check_in_at is not None and at < visit.check_in_at:
        raise ValidationFailed("签退时间不能早于签到时间", {"at": "签退时间不能早于签到时间"})
    items = rules.items_of(session, item_ids)
    if visit.plan_id is None and not visit.planned_minutes:   # no plan, none entered: the items' standard
        visit.planned_minutes = rules.standard_minutes(session, [item.id for item in items], visit.service_date)
    minutes = rules.minutes_between(visit.check_in_at, at) if actual_minutes is None else actual_minutes
    rules.check_minutes(minutes)
    out = rules.clean_point(lat, lon, "check_out")
    if photo_hash is not None:
        out["photo_hash"] = rules.clean_text(photo_hash, 128, "photo_hash")
    out["notes"] = rules.clean_text(notes, NOTE_MAX, "notes")
    visit.check_out_at = at
    visit.actual_minutes = minutes
    visit.status = VisitStatus.DONE.value
    for name, value in out.items():
        setattr(visit, name, value)
    rules.set_items(visit, [item.id for item in items])


def check_out(session: Session, visit_id: int, *, actor: Actor, at: datetime, item_ids,
              actual_minutes: int | None = None, lat: Decimal | None = None, lon: Decimal | None = None,
              photo_hash: str | None = None, notes: str | None = None, now: datetime) -> VisitOutcome:
    """Check out of a visit in progress with the items delivered; the actual minutes default to the
    time between check-in and check-out."""
    visit = rules.visit_of(session, actor, visit_id)
    if visit.status == VisitStatus.DONE and rules.same_check_out(visit, at=at, item_ids=item_ids, notes=notes):
        raise DuplicateVisit(visit_id=visit.id)
    if visit.status != VisitStatus.IN_PROGRESS:
        raise InvalidTransition("该服务尚未签到或已签退，不能签退；如需修改请更正记录")
    before = rules.snapshot(visit)
    _finish(session, visit, at=at, item_ids=item_ids, actual_minutes=actual_minutes, lat=lat, lon=lon,
            photo_hash=photo_hash, notes=notes)
    session.flush()
    audit.record(session, actor, "check_out", "visit", visit.id, before=before, after=rules.snapshot(visit), now=now)
    return _checked(session, visit, now=now)


def record_visit(session: Session, *, actor: Actor, carer_id: int, person_id: int, check_in_at: datetime,
                 check_out_at: datetime, item_ids, visit_type_id: int | None = None,
                 check_in_lat: Decimal | None = None, check_in_lon: Decimal | None = None,
                 check_out_lat: Decimal | None = None, check_out_lon: Decimal | None = None,
                 device_id: str | None = None, photo_hash: str | None = None, notes: str | None = None,
                 actual_minutes: int | None = None, visit_id: int | None = None, source: str,
                 uploaded_at: datetime | None, now: datetime, care_type: str | None = None,
                 planned_minutes: int | None = None) -> VisitOutcome:
    """A complete visit at once (an offline batch, a late entry): checked as if entered at its
    check-in. Into the scheduled visit ``visit_id`` (or the day's untouched one) when there is one."""
    carer = rules.carer_of(session, actor, carer_id)
    rules.check_moment(check_in_at, "check_in_at")
    entered = rules.clean_check_in(lat=check_in_lat, lon=check_in_lon, device_id=device_id, photo_hash=photo_hash,
                                   source=source)
    rules.check_moment(check_out_at, "check_out_at")
    if check_out_at < check_in_at:
        raise ValidationFailed("签退时间不能早于签到时间", {"check_out_at": "签退时间不能早于签到时间"})
    rules.items_of(session, item_ids)
    day_visits = rules.visits_of_day(session, carer, person_id, check_in_at)
    rules.refuse_duplicate(day_visits, carer_id=carer.id, check_in_at=check_in_at, values=entered,
                           visit_type_id=visit_type_id,
                           check_out=(check_out_at, item_ids, (notes or "").strip() or None))
    visit = rules.scheduled_visit(session, carer, day_visits, person_id=person_id, at=check_in_at, visit_id=visit_id,
                                  visit_type_id=visit_type_id)
    if visit is None:
        visit = rules.new_visit(session, carer, person_id=person_id, at=check_in_at, visit_type_id=visit_type_id,
                                actor=actor, now=now, care_type=care_type, planned_minutes=planned_minutes,
                                item_ids=item_ids)
    before = rules.snapshot(visit) if visit.id else None
    visit.carer_id, visit.check_in_at, visit.uploaded_at = carer.id, check_in_at, uploaded_at
    visit.service_date = service_date_of(check_in_at)
    for name, value in entered.items():
        setattr(visit, name, value)
    _finish(session, visit, at=check_out_at, item_ids=item_ids, actual_minutes=actual_minutes, lat=check_out_lat,
            lon=check_out_lon, photo_hash=None, notes=notes)
    session.add(visit)
    session.flush()
    audit.record(session, actor, "record", "visit", visit.id, before=before, after=rules.snapshot(visit), now=now)
    return _checked(session, visit, now=check_in_at)


def _keep_version(session: Session, visit: Visit, *, actor: Actor, reason: str, now: datetime) -> dict:
    data = rules.snapshot(visit)
    session.add(RecordVersion(record_kind=RecordKind.VISIT.value, record_id=visit.id, version=visit.version,
                              data=audit.jsonable(data), changed_by=actor.user_id, changed_at=now, reason=reason))
    visit.version += 1
    return data


def correct_visit(session: Session, visit_id: int, *, actor: Actor, changes: dict, reason: str,
                  now: datetime) -> VisitOutcome:
    """Correct an unsettled visit: the previous values are kept as a version (who, when, why).

    ``changes`` maps fields of ``CORRECTABLE`` to their new values. Raises Conflict on a settled
    visit, ValidationFailed without a reason or with a bad value."""
    visit = rules.visit_of(session, actor, visit_id)
    if visit.settled_at is not None:
        raise Conflict(SETTLED)
    reason = rules.clean_reason(reason)
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise ValidationFailed("不可更正的字段：%(fields)s", {k: "不可更正" for k in unknown},
                               params={"fields": "、".join(unknown)})
    values = rules.clean_changes(session, actor, visit, changes)
    if not rules.differs(visit, values):
        raise ValidationFailed("没有需要更正的内容", {"reason": "没有需要更正的内容"})
    before = _keep_version(session, visit, actor=actor, reason=reason, now=now)
    rules.apply_changes(visit, values)
    session.flush()
    audit.record(session, actor, "correct", "visit", visit.id, before=before, after=rules.snapshot(visit),
                 detail=reason[:500], now=now)
    return _checked(session, visit, now=now)


def _scheduled(session: Session, actor: Actor, visit_id: int) -> Visit:
    visit = rules.visit_of(session, actor, visit_id)
    if visit.status != VisitStatus.SCHEDULED:
        raise InvalidTransition("只有尚未签到的排班可以调整")
    return visit


def _edit_scheduled(session: Session, visit: Visit, action: str, *, actor: Actor, reason: str, now: datetime,
                    **values: Any) -> Visit:
    """Change a scheduled visit keeping its previous values as a version (who, when, why)."""
    before = _keep_version(session, visit, actor=actor, reason=reason, now=now)
    for name, value in values.items():
        setattr(visit, name, value)
    session.flush()
    audit.record(session, actor, action, "visit", visit.id, before=before, after=rules.snapshot(visit),
                 detail=reason[:500], now=now)
    return visit


def move_visit(session: Session, visit_id: int, *, actor: Actor, start: datetime, reason: str | None = None,
               now: datetime) -> Visit:
    """Move a scheduled visit to another start (its slot stays: regenerating does not add it back)."""
    visit = _scheduled(session, actor, visit_id)
    rules.check_moment(start, "start")
    if start == visit.scheduled_start:
        raise ValidationFailed("新的时间与原排班相同", {"start": "新的时间与原排班相同"})
    return _edit_scheduled(session, visit, "move", actor=actor, reason=(reason or "").strip() or "调整排班时间",
                           now=now, scheduled_start=start, service_date=service_date_of(start))


def assign_visit(session: Session, visit_id: int, *, actor: Actor, carer_id: int | None, reason: str | None = None,
                 now: datetime) -> Visit:
    """Give a scheduled visit to another carer (or to nobody yet)."""
    visit = _scheduled(session, actor, visit_id)
    if carer_id is not None and rules.carer_of(session, actor, carer_id).provider_id != visit.provider_id:
        raise NotFound("护理人员不存在或无权访问")
    if carer_id == visit.carer_id:
        raise ValidationFailed("该排班已分配给这位护理人员", {"carer_id": "该排班已分配给这位护理人员"})
    return _edit_scheduled(session, visit, "assign", actor=actor, reason=(reason or "").strip() or "改派护理人员",
                           now=now, carer_id=carer_id)


def cancel_visit(session: Session, visit_id: int, *, actor: Actor, reason: str, now: datetime) -> Visit:
    """Cancel a scheduled visit (kept as cancelled: regenerating does not add it back)."""
    visit = _scheduled(session, actor, visit_id)
    return _edit_scheduled(session, visit, "cancel", actor=actor, reason=rules.clean_reason(reason), now=now,
                           status=VisitStatus.CANCELLED.value)


def versions_of(session: Session, visit: Visit) -> list[RecordVersion]:
    """The kept versions of a visit, newest first."""
    return list(session.scalars(select(RecordVersion).where(
        RecordVersion.record_kind == RecordKind.VISIT.value, RecordVersion.record_id == visit.id)
        .order_by(RecordVersion.version.desc())))


def get_visit(session: Session, actor: Actor, visit_id: int) -> Visit:
    """The visit of the actor's provider (NotFound otherwise)."""
    return rules.visit_of(session, actor, visit_id)

