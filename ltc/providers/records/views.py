"""Visit pages (SPEC §5.4, §6), tablet-sized and without script: week views per carer and per
beneficiary, today's visits, check-in and check-out, the findings shown after a save before a
final confirm, corrections, and a visit page with its findings and versions.

Readers: a provider's staff (their provider), a carer login (their own visits and those visits'
beneficiaries only), an insurer and the MIA (in scope); an agency sees nothing (404). Writers:
``LOG_VISITS`` (the provider's operator, a carer for their own visits).
"""
from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.validators import InputRequired
from sqlalchemy import select

from ltc.auth.models import User
from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.core import audit
from ltc.core.clock import local_today, to_local, utcnow
from ltc.core.errors import DomainError, NotFound
from ltc.extensions import db
from ltc.web.forms import submit
from ltc.people.models import InsuredPerson
from ltc.providers.care_plans.models import CarePlanVisitType
from ltc.providers.carers.models import Carer
from ltc.providers.catalogue.services import items_for_care_type
from ltc.providers.kinds import WEEKDAY_LABELS, RecordSource, VisitStatus
from ltc.providers.records import visits, week
from ltc.providers.records.checks import findings_of
from ltc.providers.records.forms import (AssignForm, CancelForm, CheckInForm, CheckOutForm, ConfirmForm, CorrectForm,
                                        MoveForm, aware)
from ltc.providers.records.models import Visit
from ltc.providers.records.visit_input import served_person_ids

bp = Blueprint("visits", __name__, url_prefix="/visits")


def require_reader() -> None:
    """Agencies get a 404 (never a leak); users of the other organisations without the right a 403."""
    if current_user.org_kind not in ("mia", "insurer", "provider"):
        abort(404)
    if not can(current_user, Action.VIEW_VISITS):
        abort(403)


@bp.context_processor
def _helpers() -> dict:
    """For the visit pages (both blueprints): local times, names by id, weekday words."""
    return {"local": to_local, "labels_weekday": WEEKDAY_LABELS, "user_name": _user_name, "actions": _actions}


def _actions(visit: Visit) -> week.VisitActions:
    return week.actions_for(current_user, visit, logs=can(current_user, Action.LOG_VISITS),
                            plans=can(current_user, Action.CARE_RECORDS))


def _user_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.full_name if user else _("系统")


def week_start() -> date:
    try:
        return week.monday_of(date.fromisoformat(request.args.get("week", "")))
    except ValueError:
        return week.monday_of(local_today())


@bp.get("/")
@login_required
def index():
    require_reader()
    if week.is_carer_only(current_user):
        return redirect(url_for(".today"))
    return redirect(url_for(".carer_week"))


@bp.get("/today")
@login_required
def today():
    require_reader()
    day = local_today()
    return render_template("visits/today.html", day=day, visits=week.visits_on(db.session, current_user, day),
                           names=_names(), can_log=can(current_user, Action.LOG_VISITS))


def _names() -> dict:
    """Names of persons and carers for the page (looked up lazily by id in the template)."""
    return {"person": lambda pid: db.session.get(InsuredPerson, pid).name if pid else "",
            "carer": lambda cid: db.session.get(Carer, cid).name if cid else _("未分配")}


@bp.get("/week")
@login_required
def carer_week():
    require_reader()
    carers = week.carers_in_scope(db.session, current_user)
    carer_id = request.args.get("carer", type=int) or (carers[0].id if carers else None)
    if week.is_carer_only(current_user):    # a carer login sees only their own week, whatever the link says
        carer_id = carers[0].id if carers else None
    if carer_id is None:
        return render_template("visits/week.html", carer=None, carers=carers, grid=None, names=_names(),
                               subject="carer")
    carer, grid = week.carer_week(db.session, current_user, carer_id, week_start())
    return render_template("visits/week.html", carer=carer, carers=carers, grid=grid, names=_names(),
                           subject="carer", today=local_today())


@bp.get("/week/person/<int:person_id>")
@login_required
def person_week(person_id: int):
    require_reader()
    person, grid = week.person_week(db.session, current_user, person_id, week_start())
    return render_template("visits/week.html", person=person, grid=grid, names=_names(), subject="person",
                           people=week.beneficiaries_in_scope(db.session, current_user), today=local_today())


@bp.get("/week/people")
@login_required
def people():
    require_reader()
    return render_template("visits/people.html", people=week.beneficiaries_in_scope(db.session, current_user))


def _local_text(value: str | None) -> str:
    """A kept version's instant (stored as UTC ISO text) in local time."""
    return to_local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M") if value else "—"


def _version_rows(kept: list) -> list[dict]:
    return [{"version": k.version, "changed_at": k.changed_at, "changed_by": k.changed_by, "reason": k.reason,
             "check_in": _local_text(k.data.get("check_in_at")), "check_out": _local_text(k.data.get("check_out_at"))}
            for k in kept]


def _visit(visit_id: int) -> Visit:
    return get_scoped(db.session, current_user, Visit, visit_id)


@bp.get("/<int:visit_id>")
@login_required
def view_visit(visit_id: int):
    require_reader()
    visit = _visit(visit_id)
    assign = AssignForm(formdata=None, carer_id=visit.carer_id)
    assign.carer_id.choices = [(c.id, c.name) for c in week.carers_in_scope(db.session, current_user)]
    move = MoveForm(formdata=None)
    if visit.scheduled_start:
        move.start.data = to_local(visit.scheduled_start).replace(tzinfo=None)
    return render_template("visits/detail.html", visit=visit, names=_names(),
                           findings=findings_of(db.session, [("visit", visit.id)]),
                           versions=_version_rows(visits.versions_of(db.session, visit)), move_form=move,
                           assign_form=assign, cancel_form=CancelForm(formdata=None))


def _writer() -> None:
    if not can(current_user, Action.LOG_VISITS):
        abort(403)


def _own_carer_id() -> int | None:
    carer = week.carer_of_user(db.session, current_user)
    return carer.id if carer else None


def _check_in_choices(form: CheckInForm, visit: Visit | None) -> None:
    people = week.beneficiaries_in_scope(db.session, current_user) if visit is None else []
    if visit is None and not week.is_carer_only(current_user):
        people = list(db.session.scalars(_plan_people()))
    form.person_id.choices = [(p.id, p.name) for p in people]
    if visit is None:   # an unscheduled visit names its person
        form.person_id.validators = [InputRequired()]
    form.carer_id.choices = [(c.id, c.name) for c in week.carers_in_scope(db.session, current_user)]


def _plan_people():
    """An operator's unscheduled visit: a person the provider serves by visits (a plan or an
    entitlement there, or a chosen carer), with or without a plan in force (SPEC §6: stored with
    its findings)."""
    return select(InsuredPerson).where(InsuredPerson.id.in_(served_person_ids(current_user.org_id))
                                       ).order_by(InsuredPerson.name)


def _after_save(outcome: visits.VisitOutcome):
    """After a committed save: the findings are shown before the final confirm."""
    return redirect(url_for(".review", visit_id=outcome.visit.id))


@bp.route("/check-in", methods=["GET", "POST"], defaults={"visit_id": None})
@bp.route("/<int:visit_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in(visit_id: int | None):
    _writer()
    visit = _visit(visit_id) if visit_id else None
    form = CheckInForm()
    _check_in_choices(form, visit)
    if request.method == "GET":
        form.at.data = to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
        form.carer_id.data = (visit.carer_id if visit else None) or _own_carer_id()
    status = 200
    if form.validate_on_submit():
        carer_id = _own_carer_id() if week.is_carer_only(current_user) else form.carer_id.data
        person_id = visit.person_id if visit else form.person_id.data
        if visit is None and person_id not in dict(form.person_id.choices):
            raise NotFound("参保人不存在或无权访问")     # a person outside the list the user was shown
        try:
            outcome = visits.check_in(
                db.session, actor=actor_of(current_user), carer_id=carer_id, person_id=person_id,
                at=aware(form.at.data), visit_id=visit_id, lat=form.lat.data, lon=form.lon.data,
                device_id=form.device_id.data, photo_hash=form.photo_hash.data, source=RecordSource.WEB.value,
                uploaded_at=utcnow(), now=utcnow())
        except DomainError as exc:
            db.session.rollback()
            form.attach(exc)
            status = exc.status
        else:
            db.session.commit()
            return _after_save(outcome)
    elif form.is_submitted():
        status = 400
    return render_template("visits/check_in.html", form=form, visit=visit, names=_names()), status


def _item_choices(visit: Visit) -> list[tuple[int, str]]:
    lines = items_for_care_type(db.session, visit.care_type, visit.service_date)
    return [(line.item.id, f"{line.item.code} {line.item.name_zh}") for line in lines]


def _planned_item_ids(visit: Visit) -> list[int]:
    if visit.items:
        return [i.service_item_id for i in visit.items]
    visit_type = db.session.get(CarePlanVisitType, visit.visit_type_id) if visit.visit_type_id else None
    return [i.service_item_id for i in visit_type.items] if visit_type else []


@bp.route("/<int:visit_id>/check-out", methods=["GET", "POST"])
@login_required
def check_out(visit_id: int):
    _writer()
    visit = _visit(visit_id)
    form = CheckOutForm()
    form.items.choices = _item_choices(visit)
    if request.method == "GET":
        form.at.data = to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
        form.items.data = _planned_item_ids(visit)     # the plan's items preselected
    done, outcome, status = submit(form, lambda: visits.check_out(
        db.session, visit.id, actor=actor_of(current_user), at=aware(form.at.data), item_ids=form.items.data,
        actual_minutes=form.actual_minutes.data, lat=form.lat.data, lon=form.lon.data,
        photo_hash=form.photo_hash.data, notes=form.notes.data, now=utcnow()))
    if done:
        return _after_save(outcome)
    return render_template("visits/check_out.html", form=form, visit=visit, names=_names(), local=to_local), status


@bp.route("/<int:visit_id>/review", methods=["GET", "POST"])
@login_required
def review(visit_id: int):
    """After a save: the record is stored with its findings; the user confirms it or corrects it."""
    _writer()
    visit = _visit(visit_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        found = findings_of(db.session, [("visit", visit.id)])
        audit.record(db.session, actor_of(current_user), "confirm_findings", "visit", visit.id, now=utcnow(),
                     after={"findings": [getattr(f, "rule", "") for f in found]})
        db.session.commit()
        flash(_("服务记录已确认"), "success")
        return redirect(url_for(".view_visit", visit_id=visit.id))
    return render_template("visits/review.html", visit=visit, form=form, names=_names(), local=to_local,
                           findings=findings_of(db.session, [("visit", visit.id)]))


def _correction(form: CorrectForm, visit: Visit) -> dict:
    changes = {"check_in_at": aware(form.check_in_at.data), "check_out_at": aware(form.check_out_at.data),
               "actual_minutes": form.actual_minutes.data, "notes": form.notes.data or None}
    if visit.status == VisitStatus.DONE or form.items.data:
        changes["item_ids"] = form.items.data
    return changes


@bp.route("/<int:visit_id>/correct", methods=["GET", "POST"])
@login_required
def correct(visit_id: int):
    _writer()
    visit = _visit(visit_id)
    if visit.settled_at is not None:
        flash(_(visits.SETTLED), "warning")
        return redirect(url_for(".view_visit", visit_id=visit.id))
    form = CorrectForm()
    form.items.choices = _item_choices(visit)
    if request.method == "GET":
        local = {"check_in_at": visit.check_in_at, "check_out_at": visit.check_out_at}
        for name, value in local.items():
            getattr(form, name).data = to_local(value).replace(tzinfo=None) if value else None
        form.items.data, form.actual_minutes.data = _planned_item_ids(visit), visit.actual_minutes
        form.notes.data = visit.notes
    done, outcome, status = submit(form, lambda: visits.correct_visit(
        db.session, visit.id, actor=actor_of(current_user), reason=form.reason.data,
        changes=_correction(form, visit), now=utcnow()))
    if done:
        return _after_save(outcome)
    return render_template("visits/correct.html", form=form, visit=visit, names=_names()), status
