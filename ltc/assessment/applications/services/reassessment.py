"""Reassessments opened by the system, and cancellation on death (SPEC §2, §3.1).

The daily job opens a ``reassessment`` application for a person whose conclusion at or above
the benefit threshold expires within ``reassessment_days_before_expiry`` days (REF 90), and for
one discharged after an ``inpatient`` stay longer than ``long_inpatient_stay_days`` days that
ended while such a conclusion was in force — only for persons with an active or future
entitlement (migrated beneficiaries and their migrated conclusions included; the entitlements
domain registers who they are with ``add_beneficiaries``). It is idempotent and catch-up safe:
one reassessment per expiring conclusion (found again by any later run until it expires) and per
stay, never while the person has another open application, never for a person not insured that
day. The insurer records the self-assessment and accepts it as usual.

On death every open application of the person is cancelled with the reason
(``cancel_open_for_death``, subscribed to ``PersonDied`` by ``ltc.assessment.wire``); when the
death is undone as recorded in error they are restored (``restore_cancelled_on_death``,
subscribed to ``DeathUndone``).
"""
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application, ApplicationEvent
from ltc.assessment.applications.services.beneficiaries import beneficiary_filter, is_beneficiary
from ltc.assessment.applications.services.closing import close
from ltc.assessment.applications.services.intake import new_application
from ltc.assessment.applications.services.lookups import current_conclusion, open_applications
from ltc.assessment.applications.services.objections import COPIED
from ltc.assessment.applications.policy import AssessmentPolicy
from ltc.assessment.applications.states import OPEN, Kind, ReassessmentReason, Status
from ltc.assessment.applications.services.transitions import assessment_policy, record_event
from ltc.core.audit import Actor
from ltc.core.clock import utcnow
from ltc.core.months import add_months
from ltc.people.hospital.models import HospitalStay
from ltc.people.hospital.services import long_inpatient_stays
from ltc.people.models import PersonStatus
from ltc.people.events import DeathUndone, PersonDied
from ltc.people.services import status_on

R = ReassessmentReason


def _may_open(session: Session, person_id: int, today: date) -> bool:
    return (status_on(session, person_id, today) == PersonStatus.ACTIVE and is_beneficiary(session, person_id, today)
            and not open_applications(session, person_id))


def _open(session: Session, previous: Application, *, reason: ReassessmentReason, today: date, actor: Actor,
          now: datetime, stay: HospitalStay | None = None) -> Application:
    app = new_application(session, person_id=previous.person_id, kind=Kind.REASSESSMENT, today=today, now=now,
                          reassessment_reason=reason.value, previous_id=previous.id,
                          trigger_stay_id=stay.id if stay else None, filed_by_user_id=actor.user_id,
                          filed_by_org_id=actor.org_id, **{name: getattr(previous, name) for name in COPIED})
    record_event(session, app, from_status=None, action="open_reassessment", actor=actor, now=now,
                 data={"reason": reason.value, "previous_id": previous.id, "stay_id": stay.id if stay else None,
                       "valid_to": previous.valid_to})
    session.flush()
    return app


def _already_opened(session: Session, **match) -> bool:
    conditions = [getattr(Application, name) == value for name, value in match.items()]
    return session.scalar(select(exists().where(*conditions))) is True


def _expiring(session: Session, today: date, policy: AssessmentPolicy) -> list[Application]:
    """Conclusions at or above the threshold whose validity ends within the window."""
    horizon = today + timedelta(days=policy.reassessment_days_before_expiry)
    return list(session.scalars(select(Application).where(
        Application.status == Status.CONCLUDED.value, Application.kind != Kind.REVIEW.value,
        Application.level >= policy.benefit_threshold, Application.valid_to > today,
        Application.valid_to <= horizon, beneficiary_filter(today)).order_by(Application.valid_to, Application.id)))


def _open_for_expiry(session: Session, today: date, policy: AssessmentPolicy, actor: Actor, now: datetime) -> int:
    opened = 0
    for conclusion in _expiring(session, today, policy):
        if current_conclusion(session, conclusion.person_id, today) is not conclusion:
            continue
        if _already_opened(session, previous_id=conclusion.id, reassessment_reason=R.EXPIRY.value):
            continue
        if _may_open(session, conclusion.person_id, today):
            _open(session, conclusion, reason=R.EXPIRY, today=today, actor=actor, now=now)
            opened += 1
    return opened


def _open_after_stays(session: Session, today: date, policy: AssessmentPolicy, actor: Actor, now: datetime) -> int:
    since = add_months(today, -policy.validity_months)
    opened = 0
    for person_id, stay in long_inpatient_stays(session, min_days=policy.long_inpatient_stay_days, on_or_before=today,
                                                discharged_since=since):
        if stay.discharged_on is None or stay.discharged_on > today:
            continue   # reassess after the discharge
        conclusion = current_conclusion(session, person_id, today)
        if conclusion is None or conclusion.level < policy.benefit_threshold:
            continue
        if conclusion.concluded_on >= stay.discharged_on or _already_opened(session, trigger_stay_id=stay.id):
            continue
        if _already_opened(session, person_id=person_id, kind=Kind.REASSESSMENT.value,
                           reassessment_reason=R.INPATIENT_STAY.value, previous_id=conclusion.id):
            continue   # one reassessment per conclusion for stays, however many stays
        if _may_open(session, person_id, today):
            _open(session, conclusion, reason=R.INPATIENT_STAY, today=today, actor=actor, now=now, stay=stay)
            opened += 1
    return opened


def open_reassessments(session: Session, *, today: date, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Daily job: open the reassessments due on ``today`` (see the module docstring).
    Returns the counts per reason."""
    now = now or utcnow()
    policy = assessment_policy(session, today)
    return {R.EXPIRY.value: _open_for_expiry(session, today, policy, actor, now),
            R.INPATIENT_STAY.value: _open_after_stays(session, today, policy, actor, now)}


def open_for_follow_up(session: Session, person_id: int, *, today: date, actor: Actor,
                       now: datetime) -> Application | None:
    """A follow-up found the person inconsistent with the level (SPEC §3.1, §8): open a reassessment of
    the current conclusion (reason ``follow_up``, no self-assessment gate). Returns the person's open
    application instead when one is already running, None when the person is no longer a beneficiary,
    not insured today or has no conclusion."""
    conclusion = current_conclusion(session, person_id, today)
    if conclusion is None:
        return None
    if running := open_applications(session, person_id):
        return running[0]
    if not _may_open(session, person_id, today):
        return None
    return _open(session, conclusion, reason=R.FOLLOW_UP, today=today, actor=actor, now=now)


def cancel_open_for_death(session: Session, person_id: int, *, death_date: date, actor: Actor,
                          now: datetime) -> list[Application]:
    """Cancel every open application of a person who died on ``death_date``, with the reason.
    A running 复评 is cancelled with its parent. Returns the applications cancelled."""
    reason = f"参保人于 {death_date.isoformat()} 死亡"
    # parents first: closing a parent cancels its 复评 without restoring the parent
    apps = sorted(open_applications(session, person_id), key=lambda a: (a.kind == Kind.REVIEW, a.id))
    for app in apps:
        if app.status in OPEN:
            close(session, app, Status.CANCELLED, actor=actor, now=now, reason=reason, action="cancel_on_death")
    return apps


def on_person_died(session: Session, event: PersonDied) -> None:
    cancel_open_for_death(session, event.person.id, death_date=event.person.death_date, actor=event.actor,
                          now=event.now)


def _last_event(session: Session, app: Application) -> ApplicationEvent | None:
    return session.scalar(select(ApplicationEvent).where(ApplicationEvent.application_id == app.id)
                          .order_by(ApplicationEvent.id.desc()).limit(1))


def restore_cancelled_on_death(session: Session, person_id: int, *, reason: str, actor: Actor,
                               now: datetime) -> list[Application]:
    """Undo ``cancel_open_for_death`` when the death is removed as recorded in error (SPEC §2):
    each application whose last step was its cancellation on death — and each 复评 cancelled
    with such a parent — returns to the status it had (and its objection pause), with an event
    ``restore_after_death_undone``. Not a lifecycle move: it takes back one that should not have
    happened. Returns the applications restored."""
    cancelled = session.scalars(select(Application).where(Application.person_id == person_id,
                                                          Application.status == Status.CANCELLED.value)
                                .order_by(Application.kind == Kind.REVIEW, Application.id)).all()
    restored: list[Application] = []
    for app in cancelled:
        last = _last_event(session, app)
        by_death = last is not None and last.action == "cancel_on_death"
        with_parent = (last is not None and last.action == "cancel_with_parent"
                       and any(p.id == app.parent_id for p in restored))
        if not (by_death or with_parent):
            continue
        app.status, app.close_reason = last.from_status, None
        paused = (last.data or {}).get("paused_since")
        app.paused_since = date.fromisoformat(paused) if paused else None
        session.flush()
        record_event(session, app, from_status=Status.CANCELLED.value, action="restore_after_death_undone",
                     actor=actor, now=now, reason=reason)
        restored.append(app)
    session.flush()
    return restored


def on_death_undone(session: Session, event: DeathUndone) -> None:
    restore_cancelled_on_death(session, event.person.id, reason=f"撤销死亡登记：{event.reason}", actor=event.actor,
                               now=event.now)


