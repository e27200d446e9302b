"""The application detail page and the download of its medical documents."""
from flask import render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ltc.assessment.applications.services import documents as documents_store
from ltc.assessment.applications.services import pages
from ltc.assessment.applications.services import queues
from ltc.assessment.applications.services.dispatch import agency_loads, excluded_agencies
from ltc.assessment.applications.services.intake import RELATIONS
from ltc.assessment.applications.forms import (AcceptForm, DispatchForm, DocumentsForm, ReasonForm, RecusalForm,
                                               RefuseForm, ScheduleForm, SelfAssessmentForm, SignForm)
from ltc.assessment.applications.selfassessment import ANSWER_LABELS, ITEM_LABELS, ITEMS
from ltc.assessment.applications.states import KIND_LABELS, REFUSAL_LABELS, STATUS_LABELS
from ltc.assessment.applications.views.blueprint import bp, context
from ltc.auth.permissions import Action, can
from ltc.auth.web import permission_required
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.web.related import related
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.web.transactions import records_view


SUBMIT_LABELS = {"cosign": "签名", "confirm": "确认评估结论", "object": "提出异议", "withdraw": "撤回申请",
                 "cancel": "取消申请"}


def _dispatch_form(page: pages.ApplicationPage, today, version) -> DispatchForm:
    form = DispatchForm(prefix="dispatch", version=version)
    loads = agency_loads(db.session, today, exclude=excluded_agencies(db.session, page.app))
    names = pages.agency_names(db.session, loads)
    form.agency_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(org_id), f"{names[org_id]}（在办 {count}）")
        for org_id, count in sorted(loads.items(), key=lambda item: names[item[0]])]
    return form


def schedule_form(page: pages.ApplicationPage, today, **kwargs) -> ScheduleForm:
    form = ScheduleForm(prefix="schedule", **kwargs)
    choices = [SelectChoice("", "—")] + [
        SelectChoice(str(user_id), name + ("（专家）" if expert else ""))
        for user_id, name, expert in pages.agency_assessors(db.session, page.app.agency_id, today)]
    form.assessor_1.choices = form.assessor_2.choices = choices
    return form


def action_forms(page: pages.ApplicationPage, today) -> dict:
    """The forms of the actions the viewer may take (``page.flags``), each carrying the version shown."""
    flags, version = page.flags, page.app.version
    forms = {}
    if flags.self_assessment:
        answers = page.app.self_assessment
        forms["self_assessment"] = SelfAssessmentForm(prefix="sa", obj=answers, version=version)
    if flags.documents:
        forms["documents"] = DocumentsForm(prefix="documents", version=version)
    if flags.accept:
        forms["accept"] = AcceptForm(prefix="accept", version=version)
        found = [code for code, _text in page.acceptance_problems]  # the system's own check: its first finding
        forms["refuse"] = RefuseForm(prefix="refuse", version=version, **({"code": found[0].value} if found else {}))
    if flags.dispatch:
        forms["dispatch"] = _dispatch_form(page, today, version)
    if flags.schedule:
        forms["schedule"] = schedule_form(page, today, version=version)
    elif flags.reschedule:  # the booked visit as the starting point
        booked = {f"assessor_{n}": str(a["user_id"]) for n, a in enumerate(page.assessors[:2], start=1)}
        forms["schedule"] = schedule_form(page, today, version=version, visit_on=page.app.visit_on, **booked)
    if flags.declare:
        forms["recusal"] = RecusalForm(prefix="recusal", version=version)
    for name, form_class in (("cosign", SignForm), ("confirm", SignForm), ("object", ReasonForm),
                             ("withdraw", ReasonForm), ("cancel", ReasonForm)):
        if getattr(flags, name):
            forms[name] = form_class(prefix=name, version=version)
            forms[name].submit.label.text = _(SUBMIT_LABELS[name])
    return forms


def _keep_posted(forms: dict, failed) -> dict:
    """``forms`` with the refused form in place of its fresh twin, so the user's input and the
    errors stay on the page (the choices the POST did not carry are taken from the fresh form)."""
    key, posted = failed
    fresh = forms.get(key)
    if fresh is None:
        return forms
    for field in posted:
        if getattr(field, "choices", False) is None:
            field.choices = fresh[field.name[len(posted._prefix):]].choices
    return {**forms, key: posted}


@bp.get("/<int:application_id>")
@permission_required(Action.ROSTER_VIEW)
def detail(application_id: int):
    return render_detail(application_id)


def render_detail(application_id: int, failed: tuple[str, object] | None = None, status: int = 200):
    """The detail page; ``failed``: (action key, form) of a refused step, shown with its input and errors."""
    ctx = context()
    page = pages.application_page(db.session, ctx, application_id)
    self_assessment = page.app.self_assessment
    answers = [(ITEM_LABELS[item], ANSWER_LABELS[getattr(self_assessment, item)]) for item in ITEMS] \
        if self_assessment is not None else []
    forms = action_forms(page, ctx.today)
    return render_template(
        "assessment/detail.html", p=page, app=page.app, forms=_keep_posted(forms, failed) if failed else forms,
        answers=answers, can_open_notices=can(current_user, Action.OPEN_NOTICES),
        related=related(db.session, current_user, "application", page.app.id),
        labels={"status": STATUS_LABELS, "kind": KIND_LABELS, "refusal": REFUSAL_LABELS, "care": CARE_TYPE_LABELS,
                "sla": queues.SLA_LABELS, "answer": ANSWER_LABELS, "relation": RELATIONS}), status


@bp.get("/documents/<int:document_id>")
@records_view
@permission_required(Action.ROSTER_VIEW)
def document(document_id: int):
    """A medical document, for users who can see its application (404 otherwise); audited."""
    doc, path = documents_store.open_document(db.session, current_user, document_id, now=utcnow())
    db.session.commit()
    response = send_file(path, mimetype=doc.content_type, download_name=doc.file_name, as_attachment=False,
                         conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
