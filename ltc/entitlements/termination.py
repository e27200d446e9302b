"""Ending entitlements on death or transfer out, and restoring them when a death recorded in
error is undone (SPEC §2, §4.2). Functions flush, never commit.

From the day after the death (or the transfer date) the person has no entitlement: one running
then ends that day (``shorten``); one that had not started yet is **voided** — kept with status
``void`` and the reason, its grant notice on file, never deleted (it is approved and numbered).
Either way the provider gets a termination notice (``TRM-YYYY-NNNNNN``). Undoing a death
restores every entitlement the death ended or voided, each with a ``restore`` event.
``ltc.entitlements.wire`` subscribes the handlers to ``PersonDied``, ``PersonTransferred`` and
``DeathUndone``.
"""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict
from ltc.entitlements import dates
from ltc.entitlements.models import Entitlement, EntitlementEvent
from ltc.entitlements.notice import entitlement_ref, issue_termination_notice
from ltc.entitlements.services import ENTITY, entitlements_of, overlapping, shorten
from ltc.entitlements.states import EndReason, EntitlementStatus, EventAction, VoidReason
from ltc.people.events import DeathUndone, PersonDied, PersonTransferred

NOTES = {EndReason.DEATH: "参保人于 {day} 死亡", EndReason.TRANSFER: "参保人于 {day} 转出"}


def void(session: Session, entitlement: Entitlement, *, reason: str, actor: Actor, now: datetime,
         note: str | None = None) -> EntitlementEvent:
    """Void an entitlement that never took effect: kept with status ``void`` and ``reason``,
    invisible to every reader from now on; an event row and an audit entry."""
    e = entitlement
    e.status, e.void_reason = EntitlementStatus.VOID.value, VoidReason(reason).value
    event = EntitlementEvent(entitlement_id=e.id, action=EventAction.VOID.value, reason=reason,
                             valid_to_before=e.valid_to, valid_to_after=e.valid_to, end_reason_before=e.end_reason,
                             note=note, actor_user_id=actor.user_id, actor_org_id=actor.org_id, at=now)
    session.add(event)
    session.flush()
    audit.record(session, actor, f"void_{reason}", ENTITY, e.id, now=now, detail=note,
                 before={"status": EntitlementStatus.ACTIVE.value}, after={"status": e.status, "void_reason": reason})
    return event


def terminate(session: Session, person_id: int, *, event_date: date, reason: str, actor: Actor,
              now: datetime) -> list[Entitlement]:
    """End the person's entitlements from the day after ``event_date`` (the day of death or the
    transfer date is still covered): a running one is shortened, one starting later is voided;
    each gets a termination notice to its provider. Returns the entitlements changed."""
    end = dates.end_after_death(event_date)
    note = NOTES[EndReason(reason)].format(day=event_date.isoformat())
    changed = []
    for e in entitlements_of(session, person_id):
        granted_to = e.valid_to
        if e.valid_from >= end:
            void(session, e, reason=reason, actor=actor, now=now, note=note)
        elif e.valid_to > end:
            shorten(session, e, to=end, reason=reason, actor=actor, now=now, note=note)
        else:
            continue
        issue_termination_notice(session, e, granted_to=granted_to, ends_on=end, event_date=event_date,
                                 reason=reason, void=e.status == EntitlementStatus.VOID, actor=actor, now=now)
        changed.append(e)
    return changed


def on_person_died(session: Session, event: PersonDied) -> None:
    terminate(session, event.person.id, event_date=event.person.death_date, reason=EndReason.DEATH.value,
              actor=event.actor, now=event.now)


def on_person_transferred(session: Session, event: PersonTransferred) -> None:
    terminate(session, event.person.id, event_date=event.transfer_date, reason=EndReason.TRANSFER.value,
              actor=event.actor, now=event.now)


# --- undoing a death recorded in error -------------------------------------------------------

def _last_event(session: Session, entitlement: Entitlement) -> EntitlementEvent | None:
    return session.scalar(select(EntitlementEvent).where(EntitlementEvent.entitlement_id == entitlement.id)
                          .order_by(EntitlementEvent.id.desc()).limit(1))


def _restore_event(session: Session, e: Entitlement, *, valid_to_before: date, end_reason_before: str | None,
                   actor: Actor, now: datetime, note: str) -> None:
    session.add(EntitlementEvent(entitlement_id=e.id, action=EventAction.RESTORE.value, reason=EndReason.DEATH.value,
                                 valid_to_before=valid_to_before, valid_to_after=e.valid_to,
                                 end_reason_before=end_reason_before, note=note, actor_user_id=actor.user_id,
                                 actor_org_id=actor.org_id, at=now))
    session.flush()


def restore_after_death(session: Session, person_id: int, *, note: str, actor: Actor,
                        now: datetime) -> list[Entitlement]:
    """Undo what a death did to the person's entitlements: each one the death ended gets back
    the end (and end reason) it had, each one it voided is active again; a ``restore`` event and
    an audit entry each. Raises Conflict when a restored entitlement would overlap another."""
    rows = session.scalars(select(Entitlement).where(Entitlement.person_id == person_id)
                           .order_by(Entitlement.valid_from, Entitlement.id)).all()
    restored = []
    for e in rows:
        last = _last_event(session, e)
        if last is None or last.reason != EndReason.DEATH or last.action == EventAction.RESTORE:
            continue
        before = {"valid_to": e.valid_to, "end_reason": e.end_reason, "status": e.status}
        was_void = last.action == EventAction.VOID
        valid_to = e.valid_to if was_void else last.valid_to_before
        others = [o for o in overlapping(session, person_id, e.valid_from, valid_to) if o.id != e.id]
        if others:
            raise Conflict("恢复的待遇（%(ref)s）与待遇（%(other)s）日期重叠，请先处理", {"entitlement": "overlap"},
                           params={"ref": entitlement_ref(session, e), "other": entitlement_ref(session, others[0])})
        if was_void:
            e.status, e.void_reason = EntitlementStatus.ACTIVE.value, None
        else:
            e.valid_to, e.end_reason = valid_to, last.end_reason_before
        session.flush()
        _restore_event(session, e, valid_to_before=before["valid_to"], end_reason_before=before["end_reason"],
                       actor=actor, now=now, note=note)
        audit.record(session, actor, "restore_after_death_undone", ENTITY, e.id, now=now, detail=note,
                     before=before, after={"valid_to": e.valid_to, "end_reason": e.end_reason, "status": e.status})
        restored.append(e)
    return restored


def on_death_undone(session: Session, event: DeathUndone) -> None:
    restore_after_death(session, event.person.id, note=f"撤销死亡登记：{event.reason}", actor=event.actor,
                        now=event.now)
