"""One thin POST view per workflow step (load the form, call one service, commit, flash,
redirect to the detail page), and the assessment entry page with live grading."""
from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.assessment.applications.services import acceptance
from ltc.assessment.applications.services import closing
from ltc.assessment.applications.services import dispatch
from ltc.assessment.applications.services import evaluation
from ltc.assessment.applications.services import intake
from ltc.assessment.applications.services import objections
from ltc.assessment.applications.services import pages
from ltc.assessment.applications.services import recusal
from ltc.assessment.applications.services import scheduling
from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.documents import store_document
from ltc.assessment.applications.forms import (AcceptForm, DispatchForm, DocumentsForm, ReasonForm, RecusalForm,
                                               RefuseForm, ScheduleForm, SelfAssessmentForm, SignForm, entry_form)
from ltc.assessment.scale.services import ruleset_in_force
from ltc.assessment.applications.views.blueprint import any_permission_required, bp, context, show_errors
from ltc.assessment.applications.views.detail import render_detail
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import utcnow
from ltc.core.errors import DomainError, Forbidden, NotFound
from ltc.extensions import db
from ltc.web.messages import error_words

Step = Callable[[int, object, dict], object]


def _form_errors(form) -> str:
    messages = []
    for name, errors in form.errors.items():
        field = getattr(form, name, None) if name else None
        label = f"{field.label.text}：" if field is not None else ""
        messages.extend(label + str(e) for e in errors)
    return "；".join(messages)


#: the key of each step form's prefix in the detail page's forms
FORM_KEYS = {"sa": "self_assessment"}


def _refused(application_id: int, form, status: int):
    """The detail page again with the refused form, its input and every error on it."""
    key = FORM_KEYS.get(form._prefix.rstrip("-"), form._prefix.rstrip("-"))
    return render_detail(application_id, failed=(key, form), status=status)


def _step(application_id: int, form, call: Step, done: str):
    """Run one workflow step from the detail page. Out of scope → 404; a role or person the
    service refuses → 403; a stale version is flashed over the fresh page; any other refusal
    shows the page again with the user's input and the errors on the form."""
    get_scoped(db.session, current_user, Application, application_id)
    if not form.validate_on_submit():
        if "version" in form.errors or "csrf_token" in form.errors:
            flash(_form_errors(form) or _("表单无效，请刷新页面后重试"), "error")
            return redirect(url_for(".detail", application_id=application_id))
        return _refused(application_id, form, 400)
    kwargs = {"actor": actor_of(current_user), "now": utcnow(), "expected_version": form.expected_version()}
    try:
        call(application_id, form, kwargs)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        db.session.rollback()
        if exc.fields.get("version") == "stale":
            flash(error_words(exc), "error")
            return redirect(url_for(".detail", application_id=application_id))
        show_errors(form, exc)
        return _refused(application_id, form, exc.status)
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for(".detail", application_id=application_id))


@bp.post("/<int:application_id>/self-assessment")
@any_permission_required(Action.HANDLE_APPLICATION, Action.FILE_APPLICATION)
def record_self_assessment(application_id: int):
    return _step(application_id, SelfAssessmentForm(prefix="sa"), lambda i, f, kw: intake.record_self_assessment(
        db.session, i, f.answers(), actor=kw["actor"], now=kw["now"]), _("自评表已保存"))


def _add_documents(application_id: int, form: DocumentsForm, kw: dict) -> None:
    for upload in form.uploads():
        stored = store_document(upload.read(), upload.filename)
        intake.add_document(db.session, application_id, stored, actor=kw["actor"], now=kw["now"])


@bp.post("/<int:application_id>/documents")
@any_permission_required(Action.HANDLE_APPLICATION, Action.FILE_APPLICATION)
def add_documents(application_id: int):
    return _step(application_id, DocumentsForm(prefix="documents"), _add_documents, _("材料已上传"))


@bp.post("/<int:application_id>/accept")
@permission_required(Action.HANDLE_APPLICATION)
def accept(application_id: int):
    return _step(application_id, AcceptForm(prefix="accept"),
                 lambda i, f, kw: acceptance.accept(db.session, i, **kw), _("已受理，受理通知书已生成"))


@bp.post("/<int:application_id>/refuse")
@permission_required(Action.HANDLE_APPLICATION)
def refuse(application_id: int):
    return _step(application_id, RefuseForm(prefix="refuse"),
                 lambda i, f, kw: acceptance.refuse(db.session, i, code=f.code.data, text=f.text.data, **kw),
                 _("已不予受理，不予受理通知书已生成"))


@bp.post("/<int:application_id>/dispatch")
@permission_required(Action.HANDLE_APPLICATION)
def dispatch_application(application_id: int):
    form = DispatchForm(prefix="dispatch")
    form.agency_id.choices = None  # any agency id; the service checks it is eligible
    form.agency_id.validate_choice = False
    return _step(application_id, form, lambda i, f, kw: dispatch.dispatch(
        db.session, i, agency_id=f.agency(), reason=f.reason.data, **kw), _("已派单"))


def schedule_form_for_post() -> ScheduleForm:
    form = ScheduleForm(prefix="schedule")
    for field in (form.assessor_1, form.assessor_2):
        field.choices, field.validate_choice = None, False  # the service checks the assessors
    return form


@bp.post("/<int:application_id>/schedule")
@permission_required(Action.SCHEDULE_ASSESSMENT)
def schedule(application_id: int):
    return _step(application_id, schedule_form_for_post(), lambda i, f, kw: scheduling.schedule(
        db.session, i, visit_on=f.visit_on.data, assessors=f.assessor_ids(), **kw), _("已预约上门评估"))


@bp.post("/<int:application_id>/reschedule")
@permission_required(Action.SCHEDULE_ASSESSMENT)
def reschedule(application_id: int):
    return _step(application_id, schedule_form_for_post(), lambda i, f, kw: scheduling.reschedule(
        db.session, i, visit_on=f.visit_on.data, assessors=f.assessor_ids(), reason=f.reason.data,
        reason_code=f.reason_code.data or None, **kw),
        _("已改约上门评估"))


@bp.post("/<int:application_id>/recusal")
@permission_required(Action.ENTER_ASSESSMENT)
def declare_recusal(application_id: int):
    return _step(application_id, RecusalForm(prefix="recusal"), lambda i, f, kw: recusal.declare(
        db.session, i, text=f.text.data, **kw), _("已作出回避声明"))


@bp.post("/<int:application_id>/cosign")
@permission_required(Action.ENTER_ASSESSMENT)
def cosign(application_id: int):
    return _step(application_id, SignForm(prefix="cosign"),
                 lambda i, f, kw: evaluation.cosign(db.session, i, **kw), _("已签名"))


@bp.post("/<int:application_id>/confirm")
@permission_required(Action.ENTER_ASSESSMENT)
def confirm(application_id: int):
    return _step(application_id, SignForm(prefix="confirm"),
                 lambda i, f, kw: evaluation.confirm(db.session, i, **kw), _("已确认评估结论"))


@bp.post("/<int:application_id>/object")
@any_permission_required(Action.HANDLE_APPLICATION, Action.FILE_APPLICATION)
def object_to(application_id: int):
    return _step(application_id, ReasonForm(prefix="object"), lambda i, f, kw: objections.object_to(
        db.session, i, reason=f.reason.data, **kw), _("已提出异议，复评已派单"))


@bp.post("/<int:application_id>/withdraw")
@any_permission_required(Action.HANDLE_APPLICATION, Action.FILE_APPLICATION)
def withdraw(application_id: int):
    return _step(application_id, ReasonForm(prefix="withdraw"), lambda i, f, kw: closing.withdraw(
        db.session, i, reason=f.reason.data, **kw), _("申请已撤回"))


@bp.post("/<int:application_id>/cancel")
@permission_required(Action.HANDLE_APPLICATION)
def cancel(application_id: int):
    return _step(application_id, ReasonForm(prefix="cancel"), lambda i, f, kw: closing.cancel(
        db.session, i, reason=f.reason.data, **kw), _("申请已取消"))


# --- the joint record ----------------------------------------------------------------------------

@bp.route("/<int:application_id>/record", methods=["GET", "POST"])
@permission_required(Action.ENTER_ASSESSMENT)
def enter_record(application_id: int):
    """The 17 items as selects of their allowed values, graded live in the browser by
    ``grading.js`` from the embedded ruleset; the service re-grades on save."""
    page = pages.application_page(db.session, context(), application_id)
    if not page.flags.enter:
        abort(403)
    ruleset = ruleset_in_force(db.session, page.app.visit_on)
    stored = {**page.record.items, "notes": page.record.notes} if page.record else {}
    form = entry_form(ruleset, data={**stored, "version": page.app.version})
    if form.validate_on_submit():
        try:
            evaluation.enter_assessment(db.session, application_id, form.items(), actor=actor_of(current_user),
                                        now=utcnow(), notes=form.notes.data,
                                        expected_version=form.expected_version())
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            db.session.rollback()
            show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("评估记录已保存（系统已复核评分），等待另一名评估人员签名"), "success")
            return redirect(url_for(".detail", application_id=application_id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("assessment/record.html", p=page, app=page.app, form=form, ruleset=ruleset,
                           ruleset_json=ruleset.definition), status
