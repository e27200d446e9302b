"""The schedule page of a provider's operator (排班, SPEC §5.3): generate a month from the care
plans, choose each beneficiary's carer, and move, reassign or cancel single visits."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import DomainError, NotFound
from ltc.core.months import first_of_month, month_bounds
from ltc.extensions import db
from ltc.people.models import InsuredPerson
from ltc.providers.records import schedule, visits, week
from ltc.providers.records.forms import AssignForm, CancelForm, DefaultCarerForm, MoveForm, ScheduleForm, aware
from ltc.providers.records.models import BeneficiaryCarer, ScheduleRequest, Visit
from ltc.scheduler.models import JobRun
from ltc.web.messages import error_words

bp = Blueprint("visit_schedule", __name__, url_prefix="/visits/schedule")


def _month() -> date:
    try:
        return first_of_month(date.fromisoformat(request.args.get("month", "") + "-01"))
    except ValueError:
        return first_of_month(local_today())


def _rows(month: date) -> list[dict]:
    """Each beneficiary of the month with their carer and number of visits."""
    provider_id = current_user.org_id
    ids = schedule.beneficiaries(db.session, provider_id, month)
    first, following = month_bounds(month)
    counts = dict(db.session.execute(select(Visit.person_id, func.count()).where(
        Visit.provider_id == provider_id, Visit.service_date >= first, Visit.service_date < following,
        Visit.person_id.in_(ids)).group_by(Visit.person_id)).tuples().all())
    carers = dict(db.session.execute(select(BeneficiaryCarer.person_id, BeneficiaryCarer.carer_id).where(
        BeneficiaryCarer.provider_id == provider_id, BeneficiaryCarer.person_id.in_(ids))).tuples().all())
    people = db.session.scalars(select(InsuredPerson).where(InsuredPerson.id.in_(ids)).order_by(InsuredPerson.name))
    return [{"person": p, "visits": counts.get(p.id, 0), "carer_id": carers.get(p.id)} for p in people]


def _last_run() -> JobRun | None:
    return db.session.scalar(select(JobRun).join(ScheduleRequest, ScheduleRequest.run_id == JobRun.id).where(
        ScheduleRequest.provider_id == current_user.org_id).order_by(JobRun.id.desc()).limit(1))


@bp.get("/")
@permission_required(Action.CARE_RECORDS)
def index():
    month = _month()
    rows = _rows(month)
    form = ScheduleForm(formdata=None, month=month)
    form.person_id.choices = [(0, _("全部服务对象"))] + [(r["person"].id, r["person"].name) for r in rows]
    carers = [(c.id, c.name) for c in week.carers_in_scope(db.session, current_user)]
    return render_template("visits/schedule.html", month=month, rows=rows, form=form, carers=carers,
                           carer_form=DefaultCarerForm(formdata=None), run=_last_run())


@bp.post("/")
@permission_required(Action.CARE_RECORDS)
def generate():
    form = ScheduleForm()
    form.person_id.choices = []
    if not form.validate_on_submit():
        flash(_("请选择月份"), "danger")
        return redirect(url_for(".index"))
    month = first_of_month(form.month.data)
    try:
        outcome = schedule.schedule_month(db.session, provider_id=current_user.org_id, month=month,
                                          person_id=form.person_id.data or None, actor=actor_of(current_user),
                                          now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        flash(error_words(exc), "danger")
        return redirect(url_for(".index", month=f"{month:%Y-%m}"))
    db.session.commit()
    if outcome.run_id:
        flash(_("共 %(n)s 位服务对象，排班已排队由后台生成，请稍后刷新查看进度", n=outcome.beneficiaries), "info")
    else:
        flash(_("排班已生成：新增 %(created)s 次，保留 %(kept)s 次，删除 %(removed)s 次", **outcome.counts.as_dict()),
              "success")
    return redirect(url_for(".index", month=f"{month:%Y-%m}"))


@bp.post("/carer")
@permission_required(Action.CARE_RECORDS)
def set_carer():
    form = DefaultCarerForm()
    form.carer_id.choices = [(0, "")] + [(c.id, c.name) for c in week.carers_in_scope(db.session, current_user)]
    month = request.form.get("month", "")
    if form.validate_on_submit():
        try:
            schedule.set_default_carer(db.session, provider_id=current_user.org_id, person_id=form.person_id.data,
                                       carer_id=form.carer_id.data or None, actor=actor_of(current_user),
                                       now=utcnow())
        except DomainError as exc:
            db.session.rollback()
            flash(error_words(exc), "danger")
        else:
            db.session.commit()
            flash(_("责任护理人员已保存，重新生成排班后新排班将分配给该护理人员"), "success")
    else:
        flash(_("请选择护理人员"), "danger")
    return redirect(url_for(".index", month=month))


def _edit(visit_id: int, form, change):
    visit = get_scoped(db.session, current_user, Visit, visit_id)
    if visit.provider_id != current_user.org_id:
        raise NotFound("服务记录不存在或无权访问")
    if form.validate_on_submit():
        try:
            change(visit)
        except DomainError as exc:
            db.session.rollback()
            flash(error_words(exc), "danger")
        else:
            db.session.commit()
            flash(_("排班已调整"), "success")
    else:
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("visits.view_visit", visit_id=visit_id))


@bp.post("/<int:visit_id>/move")
@permission_required(Action.CARE_RECORDS)
def move(visit_id: int):
    form = MoveForm()
    return _edit(visit_id, form, lambda v: visits.move_visit(
        db.session, v.id, actor=actor_of(current_user), start=aware(form.start.data), reason=form.reason.data,
        now=utcnow()))


@bp.post("/<int:visit_id>/assign")
@permission_required(Action.CARE_RECORDS)
def assign(visit_id: int):
    form = AssignForm()
    form.carer_id.choices = [(c.id, c.name) for c in week.carers_in_scope(db.session, current_user)]
    return _edit(visit_id, form, lambda v: visits.assign_visit(
        db.session, v.id, actor=actor_of(current_user), carer_id=form.carer_id.data, now=utcnow()))


@bp.post("/<int:visit_id>/cancel")
@permission_required(Action.CARE_RECORDS)
def cancel(visit_id: int):
    form = CancelForm()
    return _edit(visit_id, form, lambda v: visits.cancel_visit(
        db.session, v.id, actor=actor_of(current_user), reason=form.reason.data, now=utcnow()))
