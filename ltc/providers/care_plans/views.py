"""Care plan pages (SPEC §5.3): list, a plan with its versions and checks, draft and edit.

A provider operator (``CARE_RECORDS``) drafts and edits the plans of its own organisation;
reviewers read the plans in their scope. Every save is a new version.
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped, scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import DomainError, NotFound
from ltc.core.pagination import paginate
from ltc.entitlements import plan_revision, plans, subject
from ltc.entitlements.models import Entitlement
from ltc.extensions import db
from ltc.web.related import related
from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType
from ltc.orgs.models import Organisation
from ltc.people.ids import normalise_id_number
from ltc.people.models import InsuredPerson
from ltc.providers.care_plans import services
from ltc.providers.catalogue.services import items_for_care_type
from ltc.providers.services import care_types_on
from ltc.providers.care_plans.checks import CHECK_LABELS
from ltc.providers.care_plans.forms import NEW_PLAN_ROWS, CareTypeChoiceForm, InForceForm, PlanForm
from ltc.providers.care_plans.models import STATUS_LABELS, UNIT_LABELS, CarePlan, PlanStatus
from ltc.providers.kinds import DEFAULT_START_TIME, WEEKDAY_LABELS
from ltc.web.transactions import records_view

bp = Blueprint("care_plans", __name__, url_prefix="/care-plans")


def _require_reader() -> None:
    if not (can(current_user, Action.CARE_RECORDS) or can(current_user, Action.DECIDE_REVIEW)):
        abort(403)


def _labels() -> dict:
    return {"care_type": CARE_TYPE_LABELS, "status": STATUS_LABELS, "unit": UNIT_LABELS, "check": CHECK_LABELS,
            "weekday": {str(n): label for n, label in WEEKDAY_LABELS.items()}}


@bp.get("/")
@login_required
def list_plans():
    _require_reader()
    q = request.args.get("q", "")[:40]
    page = paginate(db.session, services.latest_plans(current_user, q), page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"])
    people = _names(InsuredPerson, {p.person_id for p in page.items})
    providers = _names(Organisation, {p.provider_id for p in page.items})
    return render_template("care_plans/list.html", page=page, people=people, providers=providers,
                           labels=_labels(), choice=_care_type_choice(), q=q,
                           can_edit=can(current_user, Action.CARE_RECORDS))


def _care_type_choice() -> CareTypeChoiceForm:
    """The care types a first plan may be drafted for: those the provider offers today (all for
    a reader, who drafts nothing), in the catalogue's order."""
    form = CareTypeChoiceForm()
    if current_user.org_kind == "provider":
        offered = care_types_on(db.session, current_user.org_id, local_today())
        form.care_type.choices = [c for c in form.care_type.choices if c.value in offered] or form.care_type.choices
    return form


def _names(model, ids: set[int]) -> dict[int, str]:
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).tuples().all()) if ids else {}


@bp.get("/<int:plan_id>")
@records_view
@login_required
def view_plan(plan_id: int):
    _require_reader()
    plan = get_scoped(db.session, current_user, CarePlan, plan_id)
    services.record_view(db.session, plan, actor=actor_of(current_user), now=utcnow())
    db.session.commit()  # the audited view
    form = InForceForm(request.args)
    day = form.on.data if form.validate() and form.on.data else local_today()
    entitlement, in_force = plans.in_force_on(db.session, plan, day)
    owner = db.session.get(Entitlement, plan.entitlement_id) if plan.entitlement_id else None
    start = max(plan.effective_from or local_today(), local_today())
    return render_template("care_plans/detail.html", plan=plan, person=db.session.get(InsuredPerson, plan.person_id),
                           provider=db.session.get(Organisation, plan.provider_id), labels=_labels(),
                           versions=services.versions_of(db.session, plan), today=local_today(), start=start,
                           checks=services.plan_checks(db.session, plan, start, end=owner.valid_to if owner else None),
                           on_form=form, day=day, entitlement=entitlement, in_force=in_force,
                           revision_case=plan_revision.open_case_of(db.session, owner.id) if owner else None,
                           related=related(db.session, current_user, "care_plan", plan.id),
                           can_edit=can(current_user, Action.CARE_RECORDS),
                           default_start=DEFAULT_START_TIME.strftime("%H:%M"))


def _person_in_scope() -> InsuredPerson:
    """The person named by ``person_id`` or ``id_number`` in the query, within the user's scope."""
    if person_id := request.args.get("person_id", type=int):
        return get_scoped(db.session, current_user, InsuredPerson, person_id)
    id_number = normalise_id_number(request.args.get("id_number"))
    person = db.session.scalars(scoped(select(InsuredPerson).where(InsuredPerson.id_number == id_number),
                                       InsuredPerson, current_user)).first() if id_number else None
    if person is None:
        raise NotFound(_("参保人不存在或无权访问"))
    return person


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Action.CARE_RECORDS)
def new_plan():
    person = _person_in_scope()
    care_type = request.args.get("care_type")
    if care_type not in set(CareType):
        abort(404)
    current = services.current_plan(db.session, person_id=person.id, provider_id=current_user.org_id,
                                    care_type=care_type)
    if current is not None:
        return redirect(url_for(".edit_plan", plan_id=current.id))
    form = PlanForm(data={"level": request.args.get("level", 3, type=int)})
    while len(form.visit_types) < NEW_PLAN_ROWS:
        form.visit_types.append_entry()
    return _edit(form, person, care_type, plan=None)


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@permission_required(Action.CARE_RECORDS)
def edit_plan(plan_id: int):
    plan = get_scoped(db.session, current_user, CarePlan, plan_id)
    form = PlanForm(data=None if request.method == "POST" else _plan_data(plan))
    if request.method != "POST":
        form.visit_types.append_entry()
    return _edit(form, db.session.get(InsuredPerson, plan.person_id), plan.care_type, plan=plan)


def _plan_data(plan: CarePlan) -> dict:
    return {"level": plan.level, "note": plan.note, "visit_types": [
        {"name": v.name, "frequency": v.frequency, "frequency_unit": v.frequency_unit,
         "planned_minutes": v.planned_minutes, "items": [i.item.code for i in v.items],
         "weekdays": [int(d) for d in v.weekdays or ""], "start_time": v.start_time} for v in plan.visit_types]}


def _item_choices(care_type: str, plan: CarePlan | None) -> list[SelectChoice]:
    """The items of the care type today, plus any the plan holds that no longer qualify (so the
    service can say why they are refused)."""
    lines = items_for_care_type(db.session, care_type, local_today())
    choices = [SelectChoice(line.item.code, f"{line.item.code} {line.item.name_zh}（{line.minutes} 分钟）")
               for line in lines]
    known = {c.value for c in choices}
    for visit in plan.visit_types if plan else ():
        choices += [SelectChoice(i.item.code, f"{i.item.code} {i.item.name_zh}（{_('不可用')}）")
                    for i in visit.items if i.item.code not in known]
        known |= {i.item.code for i in visit.items}
    return choices


def _edit(form: PlanForm, person: InsuredPerson, care_type: str, plan: CarePlan | None):
    form.set_item_choices(_item_choices(care_type, plan))
    status = 200
    if form.is_submitted() and form.add_row.data:
        form.visit_types.append_entry()
        form.set_item_choices(_item_choices(care_type, plan))
    elif form.validate_on_submit():
        inputs, rows = form.visit_inputs()
        try:
            saved = services.save_plan(db.session, person_id=person.id, provider_id=current_user.org_id,
                                       care_type=care_type, level=form.level.data, visit_types=inputs,
                                       actor=actor_of(current_user), now=utcnow(), note=form.note.data,
                                       requested_from=form.requested_from.data)
        except DomainError as exc:
            db.session.rollback()
            form.attach(exc, rows)
            status = exc.status
        else:
            db.session.commit()
            flash(_("护理计划已保存为第 %(n)s 版", n=saved.version), "success")
            if saved.status == PlanStatus.PENDING:
                flash(_("待遇已核定，本版为护理计划变更：请在审核案件中提交商保公司审核"), "info")
            return redirect(url_for(".view_plan", plan_id=saved.id))
    elif form.is_submitted():
        status = 400
    revising = plan_revision.granted_entitlement(db.session, person_id=person.id, provider_id=current_user.org_id,
                                                 care_type=care_type, today=local_today())
    level = form.level.data if isinstance(form.level.data, int) else None
    caps = subject.level_caps(db.session, person_id=person.id, care_type=care_type, provider_id=current_user.org_id,
                              level=level, day=local_today()) if level is not None else []
    return render_template("care_plans/form.html", form=form, person=person, plan=plan, care_type=care_type,
                           labels=_labels(), revising=revising, caps=caps, level=level), status
