"""Review pages under ``/reviews`` (SPEC §4.1): the organisation's inbox (overdue first, with
exports), every case in scope, the case page with its checks, trail and decision form, and the
insurer's pages to open an entitlement review for another choice and to see the requests that
were not opened."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.pages import active_providers
from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped, scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import Conflict, ValidationFailed
from ltc.web.exports import Column, export_response, requested_format
from ltc.web.forms import attach_errors
from ltc.core.pagination import paginate
from ltc.entitlements.requests import EntitlementRequest
from ltc.entitlements.review import request_entitlement
from ltc.entitlements.states import RequestStatus
from ltc.extensions import db
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.people.models import InsuredPerson
from ltc.reviews import engine
from ltc.reviews.definitions import DECISION_LABELS
from ltc.reviews.engine import DecisionInput
from ltc.reviews.forms import CasesFilterForm, DecisionForm, InboxFilterForm, RequestEntitlementForm, choices
from ltc.reviews.models import ReviewCase
from ltc.reviews.queries import inbox, inbox_counts, inbox_query
from ltc.reviews.worklists import (ACTION_LABELS, OWNER_KIND_LABELS, CasePage, case_page, case_rows,
                                   case_type_labels, event_who, inbox_row, inbox_rows, org_names,
                                   reason_label)

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
EXPORT_BATCH = 500
CARE_PLAN_EDITOR = "care_plans.new_plan"


def _type_choices(form, today) -> dict[str, str]:
    labels = case_type_labels(db.session, today)
    form.case_type.choices = choices([("", _("全部类型"))] + [(code, _(label)) for code, label in labels.items()])
    return labels


# --- the inbox -----------------------------------------------------------------------------

def inbox_columns() -> list[Column]:
    names = (("id", "案件编号"), ("title", "审核案件"), ("case_type", "案件类型"), ("step", "当前步骤"),
             ("round", "轮次"), ("entered_on", "到达日期"), ("due_on", "办理期限"))
    return [Column(_(header), key) for key, header in names] + [
        Column(_("是否超期"), lambda row: _("已超期") if row["overdue"] else "")]


def _inbox_export_rows(org_id: int, today, case_type: str | None):
    stmt = inbox_query(org_id, today, case_type).execution_options(yield_per=EXPORT_BATCH)
    names = org_names(db.session, [org_id])  # every row waits for this organisation
    for visit, case in db.session.execute(stmt):
        yield inbox_row(visit, case, names, today)


@bp.get("/", endpoint="inbox")
@permission_required(Action.DECIDE_REVIEW)
def inbox_page():
    today = local_today()
    form = InboxFilterForm(request.args)
    _type_choices(form, today)
    case_type = form.case_type.data if form.validate() else None
    if fmt := requested_format(request.args.get("format")):
        return export_response(inbox_columns(), _inbox_export_rows(current_user.org_id, today, case_type or None),
                               fmt=fmt, filename=f"{_('待审核案件')}-{today.isoformat()}")
    page = inbox(db.session, current_user.org_id, today, page=request.args.get("page", 1, type=int),
                 per_page=current_app.config["PER_PAGE"], case_type=case_type or None)
    return render_template("reviews/inbox.html", form=form, page=page, today=today,
                           rows=inbox_rows(db.session, page.items, today),
                           counts=inbox_counts(db.session, current_user.org_id, today),
                           args=request.args.to_dict())


@bp.get("/all")
@permission_required(Action.ROSTER_VIEW)
def all_cases():
    today = local_today()
    form = CasesFilterForm(request.args)
    _type_choices(form, today)
    stmt = scoped(select(ReviewCase), ReviewCase, current_user)
    if form.validate():
        if form.case_type.data:
            stmt = stmt.where(ReviewCase.case_type == form.case_type.data)
        if form.status.data:
            stmt = stmt.where(ReviewCase.status == form.status.data)
    page = paginate(db.session, stmt.order_by(ReviewCase.id.desc()), page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"])
    return render_template("reviews/cases.html", form=form, page=page, rows=case_rows(db.session, page.items, today),
                           can_request=can(current_user, Action.HANDLE_APPLICATION))


# --- the case page -------------------------------------------------------------------------

def _subject_links(page: CasePage) -> list[tuple[str, str]]:
    """(label, url) of the subject: the person, and the provider's care plan editor while it is
    the provider's turn on an entitlement request."""
    case, links = page.case, []
    if case.person_id:
        links.append((_("参保人信息"), url_for("people.view_person", person_id=case.person_id)))
    if case.subject_type == "entitlement_request" and page.step and page.step.owner_kind == "provider" \
            and page.can_decide and CARE_PLAN_EDITOR in current_app.view_functions:
        req = db.session.get(EntitlementRequest, case.subject_id)
        links.append((_("护理计划"), url_for(CARE_PLAN_EDITOR, person_id=req.person_id, care_type=req.care_type,
                                            level=req.level)))
    return links


def _decision_form(page: CasePage, form: DecisionForm | None = None) -> DecisionForm | None:
    if not page.can_decide:
        return None
    form = form or DecisionForm(data={"expected_version": page.case.version})
    form.set_choices([(d, _(DECISION_LABELS[d])) for d in page.step.decisions], page.reasons)
    return form


def _render(case: ReviewCase, form: DecisionForm | None = None, status: int = 200):
    page = case_page(db.session, case, current_user, local_today())
    return render_template("reviews/case.html", p=page, form=_decision_form(page, form),
                           links=_subject_links(page), action_labels=ACTION_LABELS, owner_kinds=OWNER_KIND_LABELS,
                           who=lambda e: event_who(page, e), reason_label=lambda c: reason_label(page.ctype, c),
                           decision_labels=DECISION_LABELS,
                           step_labels={s.code: s.label for s in page.ctype.steps}), status


@bp.get("/<int:case_id>")
@permission_required(Action.ROSTER_VIEW)
def case_detail(case_id: int):
    return _render(get_scoped(db.session, current_user, ReviewCase, case_id))


@bp.post("/<int:case_id>/decision")
@permission_required(Action.DECIDE_REVIEW)
def decide(case_id: int):
    """Record the decision of the organisation owning the current step. Not its step: 403;
    a stale version or a closed case: the page again with the engine's message (409)."""
    case = get_scoped(db.session, current_user, ReviewCase, case_id)
    page = case_page(db.session, case, current_user, local_today())
    form = _decision_form(page, DecisionForm())
    if form is None:  # not this organisation's turn, or the case is closed: the engine says which
        return _attempt(case_id, case, DecisionInput(request.form.get("decision", ""),
                                                     expected_version=case.version), DecisionForm())
    if not form.validate_on_submit():
        return _render(case, form, 400)
    return _attempt(case_id, case, DecisionInput(form.decision.data, form.reason_code.data or None,
                                                 form.reason_text.data or None, _version(form)), form)


def _attempt(case_id: int, case: ReviewCase, data: DecisionInput, form: DecisionForm):
    try:
        engine.decide(db.session, case, data, actor=actor_of(current_user), now=utcnow())
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
        case = get_scoped(db.session, current_user, ReviewCase, case_id)
        fresh = DecisionForm(formdata=None, data={"expected_version": case.version})
        fresh.form_errors.append(exc.message)
        return _render(case, fresh, 409)
    except ValidationFailed as exc:
        db.session.rollback()
        attach_errors(form, exc)
        return _render(get_scoped(db.session, current_user, ReviewCase, case_id), form, 400)
    db.session.commit()
    flash(_("已记录：%(decision)s", decision=_(DECISION_LABELS[data.decision])), "success")
    return redirect(url_for(".case_detail", case_id=case_id))


def _version(form: DecisionForm) -> int:
    try:
        return int(form.expected_version.data)
    except (TypeError, ValueError):
        return -1  # a forged value: never the case's version, so a Conflict


# --- entitlement requests (insurers) ---------------------------------------------------------

def _provider_choices(form: RequestEntitlementForm) -> None:
    form.provider_id.choices = choices((pid, f"{name}（{'、'.join(_(CARE_TYPE_LABELS[c]) for c in care_types)}）")
                                       for pid, name, care_types in active_providers(db.session, local_today()))


@bp.route("/entitlement/new", methods=["GET", "POST"])
@permission_required(Action.HANDLE_APPLICATION)
def request_entitlement_page():
    form = RequestEntitlementForm()
    _provider_choices(form)
    if form.validate_on_submit():
        try:
            app = get_scoped(db.session, current_user, Application, form.application_id.data)
            req = request_entitlement(db.session, app, care_type=form.care_type.data,
                                      provider_id=form.provider_id.data, actor=actor_of(current_user), now=utcnow())
        except (ValidationFailed, Conflict) as exc:
            db.session.rollback()
            attach_errors(form, exc)
        else:
            db.session.commit()
            if req.case_id:
                flash(_("已发起待遇审核"), "success")
                return redirect(url_for(".case_detail", case_id=req.case_id))
            flash(_("未发起审核：%(reason)s", reason=req.reason), "warning")
            return redirect(url_for(".not_opened"))
    return render_template("reviews/request_entitlement.html", form=form), 400 if form.errors else 200


@bp.get("/entitlement/not-opened")
@permission_required(Action.HANDLE_APPLICATION)
def not_opened():
    """Requests kept as not opened, with the reason, for the persons in the insurer's scope."""
    stmt = (select(EntitlementRequest, InsuredPerson)
            .join(InsuredPerson, InsuredPerson.id == EntitlementRequest.person_id)
            .where(EntitlementRequest.status == RequestStatus.NOT_OPENED).order_by(EntitlementRequest.id.desc()))
    page = paginate(db.session, scoped(stmt, InsuredPerson, current_user), page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    return render_template("reviews/not_opened.html", page=page, care_types=CARE_TYPE_LABELS)

