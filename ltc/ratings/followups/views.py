"""Follow-up pages (SPEC §8): the worklist with each staff member's workload, a follow-up with its
history, the visit record form (insurer operator / reviewer) and the reassignment (insurer admin).
Thin handlers: load the form, call one service, commit; a DomainError is shown on the form."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ltc.auth.permissions import Action, can
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.extensions import db
from ltc.people.ids import mask_id
from ltc.people.models import InsuredPerson
from ltc.ratings.followups import queries, recording
from ltc.ratings.followups.feeding import staff_of
from ltc.ratings.followups.forms import FollowUpForm, ReassignForm
from ltc.ratings.followups.kinds import Status
from ltc.web.forms import submit

bp = Blueprint("follow_ups", __name__, url_prefix="/ratings/follow-ups")


@bp.get("/")
@permission_required(Action.VIEW_FOLLOW_UPS)
def index():
    today = local_today()
    filters = queries.Filters(status=request.args.get("status", Status.OPEN.value) or None,
                              origin=request.args.get("origin") or None,
                              assignee=request.args.get("assignee", type=int))
    page = queries.worklist(db.session, current_user, filters, today=today, page=request.args.get("page", 1, int))
    load = queries.workload(db.session, current_user.org_id, today) if current_user.org_kind == "insurer" else []
    staff = queries.names(db.session, [f.assigned_to for f, _p in page.items])
    return render_template("ratings/follow_ups.html", page=page, filters=filters, workload=load, staff=staff,
                           today=today, mask_id=mask_id)


def _staff_choices(follow_up) -> list[SelectChoice]:
    return [SelectChoice(u.id, u.full_name) for u in staff_of(db.session, follow_up.insurer_id)]


def _forms(follow_up):
    is_open, own = follow_up.status == Status.OPEN, follow_up.insurer_id == current_user.org_id
    record = (FollowUpForm(prefix="record") if is_open and own and can(current_user, Action.INSURER_OPERATIONS)
              else None)
    reassign = None
    if is_open and own and can(current_user, Action.REASSIGN_FOLLOW_UPS):
        reassign = ReassignForm(prefix="reassign")
        reassign.to_user_id.choices = _staff_choices(follow_up)
    return record, reassign


def _render(follow_up, record=None, reassign=None, status: int = 200):
    defaults = _forms(follow_up)
    record, reassign = record or defaults[0], reassign or defaults[1]
    if record is not None and record.visited_on.data is None and not record.is_submitted():
        record.visited_on.data = local_today()
    events = queries.history(db.session, follow_up)
    names = queries.names(db.session, [follow_up.assigned_to, follow_up.recorded_by]
                          + [u for e in events for u in (e.actor_id, e.from_user_id, e.to_user_id)])
    person = db.session.get(InsuredPerson, follow_up.person_id)
    return render_template("ratings/follow_up.html", f=follow_up, person=person, events=events, names=names,
                           record=record, reassign=reassign, today=local_today(),
                           mask_id=mask_id), status


@bp.get("/<int:follow_up_id>")
@permission_required(Action.VIEW_FOLLOW_UPS)
def detail(follow_up_id: int):
    return _render(recording.load(db.session, follow_up_id, current_user))


@bp.post("/<int:follow_up_id>/record")
@permission_required(Action.INSURER_OPERATIONS)
def record(follow_up_id: int):
    follow_up = recording.load(db.session, follow_up_id, current_user)
    form = FollowUpForm(prefix="record")
    done, _row, status = submit(form, lambda: recording.record_follow_up(
        db.session, follow_up.id, form.record(), actor=actor_of(current_user), now=utcnow()))
    if done:
        flash(_("回访结果已登记"), "success")
        return redirect(url_for(".detail", follow_up_id=follow_up_id))
    return _render(recording.load(db.session, follow_up_id, current_user), record=form, status=status)


@bp.post("/<int:follow_up_id>/reassign")
@permission_required(Action.REASSIGN_FOLLOW_UPS)
def reassign(follow_up_id: int):
    follow_up = recording.load(db.session, follow_up_id, current_user)
    form = ReassignForm(prefix="reassign")
    form.to_user_id.choices = _staff_choices(follow_up)
    done, _row, status = submit(form, lambda: recording.reassign(
        db.session, follow_up.id, to_user_id=form.to_user_id.data, reason=form.reason.data,
        actor=actor_of(current_user), now=utcnow()))
    if done:
        flash(_("回访任务已改派"), "success")
        return redirect(url_for(".detail", follow_up_id=follow_up_id))
    return _render(recording.load(db.session, follow_up_id, current_user), reassign=form, status=status)
