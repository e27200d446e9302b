"""Publicity and conclusion (SPEC §3.1).

A confirmed level at or above the benefit threshold is publicized from the working day
after confirmation for ``publicity_working_days`` working days; the daily job concludes it
the day after the publicity ended without objection. A level below the threshold is
concluded on the day of confirmation. The conclusion date is the day the case enters
``concluded``; the conclusion is valid ``[conclusion date, + validity_months)``.

A 复评's conclusion is final and replaces its parent's: the parent is concluded with the
child's level and dates, and its paused SLA clock resumes. ``ConclusionFinal`` tells the subscribers of
every final conclusion of a person (never of the 复评 child itself), e.g. to open the
entitlement review of SPEC §4.2.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.notifying import notify
from ltc.assessment.applications.states import Kind, Status
from ltc.assessment.applications.services.transitions import assessment_policy, move
from ltc.assessment.applications.events import ConclusionFinal
from ltc.core import events
from ltc.core.audit import Actor
from ltc.core.calendar import add_working_days, working_days_between
from ltc.core.clock import local_today, utcnow
from ltc.core.months import add_months
from ltc.core.pagination import Page, paginate
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id, mask_name
from ltc.people.models import InsuredPerson



def after_confirmation(session: Session, app: Application, *, actor: Actor, now: datetime) -> Application:
    """Publicize a confirmed application at or above the benefit threshold, else conclude it today."""
    today = local_today(now)
    policy = assessment_policy(session, today)
    if app.level < policy.benefit_threshold:
        return conclude(session, app, day=today, actor=actor, now=now, action="conclude", final=False)
    app.publicity_start = add_working_days(session, today, 1)
    app.publicity_end = add_working_days(session, today, policy.publicity_working_days)
    move(session, app, Status.PUBLICIZED, action="publicize", actor=actor, now=now,
         data={"publicity_start": app.publicity_start, "publicity_end": app.publicity_end})
    return app


def _set_conclusion(session: Session, app: Application, day: date) -> None:
    app.concluded_on, app.valid_from = day, day
    app.valid_to = add_months(day, assessment_policy(session, day).validity_months)


def conclude(session: Session, app: Application, *, day: date, actor: Actor, now: datetime, action: str,
             final: bool) -> Application:
    """``app`` concluded on ``day`` with its confirmed level and the conclusion notice.
    ``final``: no objection is possible any more (publicity over). A 复评 concludes its parent."""
    _set_conclusion(session, app, day)
    move(session, app, Status.CONCLUDED, action=action, actor=actor, now=now,
         data={"level": app.level, "valid_from": app.valid_from, "valid_to": app.valid_to})
    notify(session, app, "CON", actor=actor, now=now, final=final)
    if app.kind == Kind.REVIEW:
        conclude_parent(session, session.get(Application, app.parent_id), app, actor=actor, now=now)
    else:
        _tell_hooks(session, app, actor=actor, now=now)
    return app


def _tell_hooks(session: Session, app: Application, *, actor: Actor, now: datetime) -> None:
    events.publish(session, ConclusionFinal(application=app, actor=actor, now=now))


def resume_clock(session: Session, parent: Application, today: date) -> int:
    """Restart the parent's SLA clock stopped by its 复评: the paused working days are added
    to its conclusion due date. Returns the days added."""
    if parent.paused_since is None:
        return 0
    days = working_days_between(session, parent.paused_since, today)
    parent.paused_days += days
    if parent.conclusion_due_on is not None:
        parent.conclusion_due_on = add_working_days(session, parent.conclusion_due_on, days)
    parent.paused_since = None
    return days


def conclude_parent(session: Session, parent: Application, child: Application, *, actor: Actor,
                    now: datetime) -> Application:
    """The objected parent takes its 复评's level, conclusion date and validity, and is concluded."""
    paused = resume_clock(session, parent, child.concluded_on)
    previous = {"level": parent.level, "concluded_on": parent.concluded_on}
    parent.level, parent.concluded_on = child.level, child.concluded_on
    parent.valid_from, parent.valid_to = child.valid_from, child.valid_to
    move(session, parent, Status.CONCLUDED, action="conclude_by_review", actor=actor, now=now,
         data={"review_id": child.id, "level": child.level, "previous": previous, "paused_days": paused})
    _tell_hooks(session, parent, actor=actor, now=now)
    return parent


def restore_parent(session: Session, parent: Application, *, actor: Actor, now: datetime,
                   reason: str) -> Application:
    """The 复评 was withdrawn or cancelled: the parent stands on its own result. A parent that
    was still in publicity is concluded today; one concluded before keeps its conclusion."""
    today = local_today(now)
    paused = resume_clock(session, parent, today)
    concluded_now = parent.concluded_on is None
    if concluded_now:
        _set_conclusion(session, parent, today)
    move(session, parent, Status.CONCLUDED, action="objection_closed", actor=actor, now=now, reason=reason,
         data={"level": parent.level, "concluded_on": parent.concluded_on, "paused_days": paused})
    if concluded_now:
        notify(session, parent, "CON", actor=actor, now=now, final=True)
        _tell_hooks(session, parent, actor=actor, now=now)
    return parent


def conclude_ended_publicities(session: Session, *, today: date, actor: Actor,
                               now: datetime | None = None) -> int:
    """Daily job: conclude (on ``today``) every publicized application whose publicity ended
    before today without objection. Idempotent. Returns how many were concluded."""
    now = now or utcnow()
    ended = session.scalars(select(Application).where(Application.status == Status.PUBLICIZED.value,
                                                      Application.publicity_end < today)
                            .order_by(Application.id))
    count = 0
    for app in list(ended):
        conclude(session, app, day=today, actor=actor, now=now, action="conclude_after_publicity", final=True)
        count += 1
    return count


@dataclass(frozen=True)
class PublishedRow:
    application_id: int
    name: str
    id_number: str
    level: int
    agency: str
    publicity_start: date
    publicity_end: date


def published_list(session: Session, today: date, *, page: int = 1, per_page: int = 25) -> Page:
    """The public list (公示名单) of ``today``: masked name and ID, level and agency of every
    application in publicity. Items are ``PublishedRow``."""
    stmt = (select(Application.id, InsuredPerson.name, InsuredPerson.id_number, Application.level,
                   Organisation.name.label("agency"), Application.publicity_start, Application.publicity_end)
            .join(InsuredPerson, InsuredPerson.id == Application.person_id)
            .join(Organisation, Organisation.id == Application.agency_id)
            .where(Application.status == Status.PUBLICIZED.value, Application.publicity_start <= today,
                   Application.publicity_end >= today)
            .order_by(Application.publicity_start, Application.id))
    result = paginate(session, stmt, page=page, per_page=per_page, scalars=False)
    result.items = [PublishedRow(application_id=r.id, name=mask_name(r.name), id_number=mask_id(r.id_number),
                                 level=r.level, agency=r.agency, publicity_start=r.publicity_start,
                                 publicity_end=r.publicity_end) for r in result.items]
    return result
