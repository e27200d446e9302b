"""Review pages under ``/reviews`` (SPEC §4.1): the organisation's inbox (overdue first, with
exports), every case in scope, the case page with its checks, trail, the subject's links and
the decision form. They know no subject type: each subject registers its title, links and
checks (``ltc.reviews.registry``)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped, scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import Conflict, Forbidden, ValidationFailed
from ltc.web.exports import Column, export_response, requested_format
from ltc.web.forms import attach_errors
from ltc.web.odd_input import strict_int
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.web.related import related
from ltc.reviews import engine
from ltc.reviews.definitions import DECISION_LABELS
from ltc.reviews.engine import DecisionInput
from ltc.reviews.forms import CasesFilterForm, DecisionForm, InboxFilterForm, choices
from ltc.reviews.models import ReviewCase
from ltc.reviews.queries import case_matches, inbox, inbox_counts, inbox_query
from ltc.reviews.registry import LIST_LINKS, LinkContext, subject_links
from ltc.reviews.worklists import (ACTION_LABELS, OWNER_KIND_LABELS, CasePage, case_page, case_rows,
                                   case_type_labels, decides_reviews, event_who, inbox_row, inbox_rows, marked_returned,
                                   org_names, reason_label)
from ltc.web.messages import error_words

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
EXPORT_BATCH = 500
PERSON_PAGE = "people.view_person"


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


def _inbox_export_rows(org_id: int, roles, today, case_type: str | None, q: str):
    stmt = inbox_query(org_id, today, case_type, roles=roles, q=q).execution_options(yield_per=EXPORT_BATCH)
    names = org_names(db.session, [org_id])  # every row waits for this organisation
    for stage, case in db.session.execute(stmt):
        yield inbox_row(stage, case, names, today)


@bp.get("/", endpoint="inbox")
@permission_required(Action.ROSTER_VIEW)
def inbox_page():
    """The cases waiting for the user's organisation: for users holding a role that some step
    of a case type in force names for their kind of organisation (REF: reviewers), else 403."""
    today = local_today()
    if not decides_reviews(db.session, current_user, today):
        abort(403)
    form = InboxFilterForm(request.args)
    _type_choices(form, today)
    valid = form.validate()
    case_type, q = (form.case_type.data, form.q.data or "") if valid else (None, "")
    if fmt := requested_format(request.args.get("format")):
        return export_response(inbox_columns(), _inbox_export_rows(current_user.org_id, current_user.roles, today,
                                                                 case_type or None, q),
                               fmt=fmt, filename=f"{_('待审核案件')}-{today.isoformat()}")
    page = inbox(db.session, current_user.org_id, today, page=request.args.get("page", 1, type=int),
                 per_page=current_app.config["PER_PAGE"], case_type=case_type or None, roles=current_user.roles, q=q)
    return render_template("reviews/inbox.html", form=form, page=page, today=today,
                           rows=marked_returned(db.session, page.items, inbox_rows(db.session, page.items, today)),
                           counts=inbox_counts(db.session, current_user.org_id, today, roles=current_user.roles),
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
        if (form.q.data or "").strip():
            stmt = stmt.where(case_matches(form.q.data))
    page = paginate(db.session, stmt.order_by(ReviewCase.id.desc()), page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"])
    return render_template("reviews/cases.html", form=form, page=page, rows=case_rows(db.session, page.items, today),
                           can_inbox=decides_reviews(db.session, current_user, today),
                           list_links=[link for link in LIST_LINKS if link.visible(current_user)])


# --- the case page -------------------------------------------------------------------------

def _links(page: CasePage) -> list[tuple[str, str]]:
    """(label, url) shown on the case page: the person, if the case has one, and the links the
    subject registers (those whose endpoint this application serves)."""
    case, links = page.case, []
    if case.person_id:
        links.append((_("参保人信息"), url_for(PERSON_PAGE, person_id=case.person_id)))
    context = LinkContext(step_code=page.step.code if page.step else None,
                          owner_kind=next((s.owner_kind for s in page.steps if s.state == "current"), None),
                          can_decide=page.can_decide)
    links += [(_(link.label), url_for(link.endpoint, **link.params))
              for link in subject_links(db.session, case, context) if link.endpoint in current_app.view_functions]
    return links


def _decision_form(page: CasePage, form: DecisionForm | None = None) -> DecisionForm | None:
    if not page.can_decide:
        return None
    form = form or DecisionForm(data={"expected_version": page.case.version, "return_to": page.return_default})
    reasons = [(code, f"{_(label)}（{'、'.join(_(d) for d in decisions)}）") for code, label, decisions in page.reasons]
    form.set_choices([(d, _(DECISION_LABELS[d])) for d in page.step.decisions], reasons,
                     [(code, _(label)) for code, label in page.return_targets])
    return form


def _render(case: ReviewCase, form: DecisionForm | None = None, status: int = 200):
    page = case_page(db.session, case, current_user, local_today())
    return render_template("reviews/case.html", p=page, form=_decision_form(page, form),
                           links=_links(page), action_labels=ACTION_LABELS, owner_kinds=OWNER_KIND_LABELS,
                           who=lambda e: event_who(page, e), reason_label=lambda c: reason_label(page.ctype, c),
                           decision_labels=DECISION_LABELS,
                           related=related(db.session, current_user, "review_case", case.id),
                           step_labels={s.code: s.label for s in page.ctype.steps}), status


@bp.get("/<int:case_id>")
@permission_required(Action.ROSTER_VIEW)
def case_detail(case_id: int):
    return _render(get_scoped(db.session, current_user, ReviewCase, case_id))


@bp.post("/<int:case_id>/decision")
@permission_required(Action.ROSTER_VIEW)
def decide(case_id: int):
    """Record the decision of the organisation owning the current step. A version other than the
    case's (changed since the user saw it, e.g. the other side of a race): the page again with the
    engine's message naming who changed it and when (409), before any other check. Not its
    step, or a user holding none of the step's roles: 403; a closed case: 409."""
    case = get_scoped(db.session, current_user, ReviewCase, case_id)
    page = case_page(db.session, case, current_user, local_today())
    form = _decision_form(page, DecisionForm())
    if form is None:  # not this user's turn, the case closed, or changed since the page was shown: the engine
        posted = DecisionForm()  # says which, checking the version the user saw first
        return _attempt(case_id, case, DecisionInput(request.form.get("decision", ""),
                                                     expected_version=_version(posted)), posted)
    if not form.validate_on_submit():
        return _render(case, form, 400)
    return _attempt(case_id, case, DecisionInput(form.decision.data, form.reason_code.data or None,
                                                 form.reason_text.data or None, _version(form),
                                                 return_to=form.return_to.data or None), form)


def _attempt(case_id: int, case: ReviewCase, data: DecisionInput, form: DecisionForm):
    try:
        engine.decide(db.session, case, data, actor=actor_of(current_user), now=utcnow())
    except Conflict as exc:
        db.session.rollback()
        flash(error_words(exc), "error")
        case = get_scoped(db.session, current_user, ReviewCase, case_id)
        fresh = DecisionForm(formdata=None, data={"expected_version": case.version})
        fresh.form_errors.append(error_words(exc))
        return _render(case, fresh, 409)
    except Forbidden as exc:  # not this organisation's step, or none of the user's roles: the page says which
        db.session.rollback()
        flash(error_words(exc), "error")
        return _render(get_scoped(db.session, current_user, ReviewCase, case_id), None, 403)
    except ValidationFailed as exc:
        db.session.rollback()
        attach_errors(form, exc)
        return _render(get_scoped(db.session, current_user, ReviewCase, case_id), form, 400)
    db.session.commit()
    flash(_("已记录：%(decision)s", decision=_(DECISION_LABELS[data.decision])), "success")
    return redirect(url_for(".case_detail", case_id=case_id))


def _version(form: DecisionForm) -> int:
    try:
        return strict_int(form.expected_version.data)
    except ValueError:
        return -1  # a forged value: never the case's version, so a Conflict
