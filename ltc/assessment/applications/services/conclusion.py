"""The conclusion, publicity and finality (SPEC §3.1).

The conclusion is made when the second expert confirms: that day is the **conclusion date**
(``concluded_on``), the validity is ``[conclusion date, + validity_months)``, and the conclusion
notice is issued that day for every level, stating the objection deadline (``objection_until``).
At or above the benefit threshold the application is publicized from the next working day for
``publicity_working_days`` working days; below it, it is ``concluded`` at once and may be objected
to for ``objection_working_days`` working days. A 复评 is not publicized: it is final on
confirmation and replaces its parent's level and validity (the parent keeps its conclusion date,
from which entitlement starts count).

A conclusion becomes final on its **final date** (``final_on``), computed, never the day a job
runs: the day after the last day of publicity or of the objection window (the later of the date
printed on the notice and the one computed now), the 复评's confirmation date, or the withdrawal
date when an objection is withdrawn after the window. The daily job (``record_finality``) records
it; ``ConclusionFinal`` tells the subscribers of every final conclusion of a person (never of the
复评 child itself), on both sides of the threshold.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.notifying import notify
from ltc.assessment.applications.states import Kind, Status
from ltc.assessment.applications.services.transitions import assessment_policy, move, record_event
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

ONE_DAY = timedelta(days=1)


def after_confirmation(session: Session, app: Application, *, actor: Actor, now: datetime) -> Application:
    """The second expert confirmed ``app`` today: the conclusion is made. A 复评 is final at
    once; otherwise the application is publicized (at or above the threshold) or concluded
    (below it), with the conclusion notice stating the objection deadline."""
    today = local_today(now)
    policy = assessment_policy(session, today)
    _set_conclusion(session, app, today)
    if app.kind == Kind.REVIEW:
        app.final_on = today
        move(session, app, Status.CONCLUDED, action="conclude_review", actor=actor, now=now, data=_dates(app))
        notify(session, app, "CON", actor=actor, now=now)
        return conclude_parent(session, session.get(Application, app.parent_id), app, actor=actor, now=now)
    if app.level >= policy.benefit_threshold:
        app.publicity_start = add_working_days(session, today, 1)
        app.publicity_end = app.objection_until = add_working_days(session, today, policy.publicity_working_days)
        move(session, app, Status.PUBLICIZED, action="publicize", actor=actor, now=now,
             data={**_dates(app), "publicity_start": app.publicity_start, "publicity_end": app.publicity_end})
    else:
        app.objection_until = add_working_days(session, today, policy.objection_working_days)
        move(session, app, Status.CONCLUDED, action="conclude", actor=actor, now=now,
             data={**_dates(app), "objection_until": app.objection_until})
    notify(session, app, "CON", actor=actor, now=now)
    return app


def _dates(app: Application) -> dict:
    return {"level": app.level, "concluded_on": app.concluded_on, "valid_from": app.valid_from,
            "valid_to": app.valid_to}


def _set_conclusion(session: Session, app: Application, day: date) -> None:
    app.concluded_on, app.valid_from = day, day
    app.valid_to = add_months(day, assessment_policy(session, day).validity_months)


def last_objection_day(session: Session, app: Application) -> date:
    """The last day of publicity (at or above the threshold) or of the objection window (below
    it): the later of the date printed on the conclusion notice and the one computed now."""
    policy = assessment_policy(session, app.concluded_on)
    days = policy.publicity_working_days if app.publicity_start is not None else policy.objection_working_days
    computed = add_working_days(session, app.concluded_on, days)
    printed = app.objection_until or app.publicity_end
    return computed if printed is None else max(printed, computed)


def _tell_hooks(session: Session, app: Application, *, actor: Actor, now: datetime) -> None:
    events.publish(session, ConclusionFinal(application=app, actor=actor, now=now))


def make_final(session: Session, app: Application, final_on: date, *, actor: Actor, now: datetime,
               action: str, reason: str | None = None, data: dict | None = None) -> Application:
    """Record that ``app``'s conclusion is final on ``final_on`` (a publicized or objected
    application is ``concluded`` with it) and publish ``ConclusionFinal``."""
    app.final_on = final_on
    data = {"final_on": final_on, "level": app.level, **(data or {})}
    if app.status == Status.CONCLUDED:
        record_event(session, app, from_status=app.status, action=action, actor=actor, now=now, reason=reason,
                     data=data)
        session.flush()
    else:
        move(session, app, Status.CONCLUDED, action=action, actor=actor, now=now, reason=reason, data=data)
    _tell_hooks(session, app, actor=actor, now=now)
    return app


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
    """The objected parent takes its 复评's level and validity and is final on the 复评's
    confirmation date. It keeps its own conclusion date: entitlement starts count from it."""
    paused = resume_clock(session, parent, child.concluded_on)
    previous = {"level": parent.level, "valid_from": parent.valid_from, "valid_to": parent.valid_to}
    parent.level = child.level
    parent.valid_from, parent.valid_to = child.valid_from, child.valid_to
    return make_final(session, parent, child.final_on, actor=actor, now=now, action="conclude_by_review",
                      data={"review_id": child.id, "previous": previous, "paused_days": paused,
                            "valid_from": parent.valid_from, "valid_to": parent.valid_to})


def restore_parent(session: Session, parent: Application, *, actor: Actor, now: datetime,
                   reason: str) -> Application:
    """The 复评 was withdrawn or cancelled: the parent stands on its own result and keeps its
    conclusion date. Before the end of its publicity or objection window it goes back to
    ``publicized`` or ``concluded`` until then; after it, it is final on the withdrawal date."""
    today = local_today(now)
    paused = resume_clock(session, parent, today)
    if today > last_objection_day(session, parent):
        return make_final(session, parent, today, actor=actor, now=now, action="objection_closed", reason=reason,
                          data={"paused_days": paused})
    target = Status.PUBLICIZED if parent.publicity_start is not None else Status.CONCLUDED
    move(session, parent, target, action="objection_closed", actor=actor, now=now, reason=reason,
         data={"level": parent.level, "concluded_on": parent.concluded_on, "paused_days": paused})
    return parent


def record_finality(session: Session, *, today: date, actor: Actor, now: datetime | None = None) -> int:
    """Daily job: record as final every conclusion whose publicity or objection window ended
    before ``today`` without objection, on its computed final date (the day after the window's
    last day), so a late run changes no date. Idempotent. Returns how many became final."""
    now = now or utcnow()
    waiting = session.scalars(select(Application).where(
        or_(Application.status == Status.PUBLICIZED.value,
            (Application.status == Status.CONCLUDED.value) & Application.final_on.is_(None)
            & (Application.kind != Kind.REVIEW.value)),
        or_(Application.objection_until.is_(None), Application.objection_until < today))
        .order_by(Application.id))
    count = 0
    for app in list(waiting):
        last = last_objection_day(session, app)
        if last < today:
            make_final(session, app, last + ONE_DAY, actor=actor, now=now,
                       action="conclude_after_publicity" if app.status == Status.PUBLICIZED else "final")
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
