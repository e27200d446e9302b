"""Filing an application (SPEC §3.1): an insurer operator, or a provider operator on a
person's behalf. Errors are shown on the form and nothing is recorded."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ltc.assessment.applications.services import intake
from ltc.assessment.applications.services import pages
from ltc.providers.services import active_providers
from ltc.assessment.applications.services.documents import check_document, store_document
from ltc.assessment.applications.forms import IntakeForm
from ltc.assessment.applications.views.blueprint import bp, show_errors
from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import DomainError
from ltc.extensions import db
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.people.models import InsuredPerson


def _intake_form() -> IntakeForm:
    form = IntakeForm()
    providers = active_providers(db.session, local_today())
    form.provider_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(org_id), f"{name}（{'、'.join(_(CARE_TYPE_LABELS[c]) for c in care_types)}）",
                     render_kw={"data-care-types": " ".join(care_types)})
        for org_id, name, care_types in providers]
    form.provider_care_types = {str(org_id): care_types for org_id, name, care_types in providers}
    if not can(current_user, Action.HANDLE_APPLICATION):  # only the insurer orders a reassessment
        del form.kind
        del form.reassessment_reason
    if request.method == "GET" and (person_id := request.args.get("person_id", type=int)):
        person = get_scoped(db.session, current_user, InsuredPerson, person_id)  # 为其提交申请 from the person page
        form.id_number.data, form.person_name.data = person.id_number, person.name
    return form


def _file(form: IntakeForm):
    """Check the uploads, find the person, store the files, file the application."""
    uploads = [(f.read(), f.filename) for f in form.uploads()]
    for data, filename in uploads:
        check_document(data, filename)
    person_id = pages.person_for_filing(db.session, current_user, form.id_number.data, form.person_name.data)
    stored = [store_document(data, filename) for data, filename in uploads]
    return intake.file_application(
        db.session, actor=actor_of(current_user), now=utcnow(), person_id=person_id, applicant=form.applicant(),
        declared_disability_6m=form.declared_disability_6m.data, self_assessment=form.answers(),
        care_type=form.care_type.data or None,
        provider_id=int(form.provider_id.data) if form.provider_id.data else None,
        bank=form.bank(), documents=stored, **_kind(form))


def _kind(form: IntakeForm) -> dict:
    if "kind" not in form or form.kind.data != "reassessment":
        return {}
    return {"kind": "reassessment", "reassessment_reason": form.reassessment_reason.data}


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Action.FILE_APPLICATION)
def new_application():
    form, open_app = _intake_form(), None
    if form.validate_on_submit():
        try:
            app = _file(form)
        except DomainError as exc:
            db.session.rollback()
            show_errors(form, exc)
            open_app = exc if isinstance(exc, intake.OpenApplicationExists) else None
        else:
            db.session.commit()
            flash(_("已提交申请 %(number)s", number=app.number), "success")
            return redirect(url_for(".detail", application_id=app.id))
    status = 409 if open_app else 400 if form.errors or form.form_errors else 200
    return render_template("assessment/new.html", form=form, open_application=open_app), status
