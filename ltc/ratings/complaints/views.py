"""Complaint pages (SPEC §8): the register (and the entry form for insurer and MIA operators), a
complaint with its due date, history and the insurer's outcome form. Thin handlers: load the form,
call one service, commit; a DomainError is shown on the form."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.extensions import db
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id
from ltc.people.models import InsuredPerson
from ltc.ratings.complaints import queries, services
from ltc.ratings.complaints.forms import ComplaintForm, DecisionForm
from ltc.ratings.complaints.kinds import Status
from ltc.ratings.complaints.models import Complaint
from ltc.web.forms import submit

bp = Blueprint("complaints", __name__, url_prefix="/ratings/complaints")


def _form() -> ComplaintForm:
    form = ComplaintForm()
    providers = db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.PROVIDER.value)
                                   .order_by(Organisation.name))
    form.provider_id.choices = [SelectChoice(p.id, p.name) for p in providers]
    return form


def _render(form: ComplaintForm | None, status: int = 200):
    page = queries.register_page(db.session, current_user, status=request.args.get("status") or None,
                                 page=request.args.get("page", 1, int))
    due = {c.id: services.due_on(db.session, c) for c, _p in page.items}
    providers = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_({c.provider_id for c, _p in page.items}))).all())
    return render_template("ratings/complaints.html", page=page, form=form, due=due, providers=providers,
                           today=local_today(), mask_id=mask_id), status


@bp.get("/")
@permission_required(Action.VIEW_COMPLAINTS)
def index():
    return _render(_form() if can(current_user, Action.REGISTER_COMPLAINTS) else None)


@bp.post("/")
@permission_required(Action.REGISTER_COMPLAINTS)
def register():
    form = _form()
    done, complaint, status = submit(form, lambda: services.register_complaint(
        db.session, form.complaint(), actor=actor_of(current_user), now=utcnow()))
    if done:
        flash(_("投诉已登记，并已列入回访任务"), "success")
        return redirect(url_for(".detail", complaint_id=complaint.id))
    return _render(form, status)


def _detail(complaint: Complaint, form: DecisionForm | None = None, status: int = 200):
    if form is None and complaint.status == Status.OPEN and complaint.insurer_id == current_user.org_id \
            and can(current_user, Action.INSURER_OPERATIONS):
        form = DecisionForm()
    return render_template("ratings/complaint.html", c=complaint, form=form,
                           person=db.session.get(InsuredPerson, complaint.person_id),
                           provider=db.session.get(Organisation, complaint.provider_id),
                           due_on=services.due_on(db.session, complaint), events=queries.history(db.session, complaint),
                           today=local_today(), mask_id=mask_id), status


@bp.get("/<int:complaint_id>")
@permission_required(Action.VIEW_COMPLAINTS)
def detail(complaint_id: int):
    return _detail(get_scoped(db.session, current_user, Complaint, complaint_id))


@bp.post("/<int:complaint_id>/decide")
@permission_required(Action.INSURER_OPERATIONS)
def decide(complaint_id: int):
    complaint = get_scoped(db.session, current_user, Complaint, complaint_id)
    form = DecisionForm()
    done, _row, status = submit(form, lambda: services.decide_complaint(
        db.session, complaint.id, outcome=form.outcome.data, reply=form.reply.data, actor=actor_of(current_user),
        now=utcnow()))
    if done:
        flash(_("投诉已办结"), "success")
        return redirect(url_for(".detail", complaint_id=complaint_id))
    return _detail(get_scoped(db.session, current_user, Complaint, complaint_id), form, status)
