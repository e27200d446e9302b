"""Organisation management pages (SPEC §1, MIA admin only); user management is in ``user_views``.

Thin handlers: load the form, call one service, commit; a DomainError is shown on the form and
nothing is written.
"""
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import DomainError
from ltc.web.forms import attach_errors
from ltc.extensions import db
from ltc.orgs import services
from ltc.orgs.forms import (AgreementForm, BedsForm, CareTypesForm, EditOrgForm, GradeForm, OrgFilterForm,
                            OrgForm, PriceForm, StatusForm)
from ltc.orgs.kinds import CARE_TYPE_LABELS, GRADE_LABELS, ORG_KIND_LABELS, STATUS_LABELS, OrgKind
from ltc.orgs.models import Organisation
from ltc.orgs.profile import org_profile
from ltc.providers import services as provider_services

bp = Blueprint("orgs", __name__, url_prefix="/orgs")

LABELS = {"kind": ORG_KIND_LABELS, "status": STATUS_LABELS, "care_type": CARE_TYPE_LABELS,
          "grade": GRADE_LABELS}
#: the dated attributes: URL name → (form, service taking the form's ``values()``, providers only)
PERIOD_FORMS: dict[str, tuple[type[FlaskForm], Callable[..., Any], bool]] = {
    "status": (StatusForm, services.set_status, False),
    "agreement": (AgreementForm, services.set_agreement, False),
    "care-types": (CareTypesForm, provider_services.set_care_types, True),
    "grade": (GradeForm, provider_services.set_grade, True),
    "beds": (BedsForm, provider_services.set_beds, True),
    "price": (PriceForm, provider_services.set_daily_price, True),
}


def submit(form: FlaskForm, run: Callable[[], Any]) -> tuple[bool, Any, int]:
    """Run the service when the form is valid and commit; on a DomainError roll back and show
    it on the form. Returns (done, result, HTTP status for re-rendering the form)."""
    if not form.validate_on_submit():
        return False, None, 400 if form.is_submitted() else 200
    try:
        result = run()
    except DomainError as exc:
        db.session.rollback()
        attach_errors(form, exc)
        return False, None, exc.status
    db.session.commit()
    return True, result, 200


def _org(org_id: int) -> Organisation:
    return get_scoped(db.session, current_user, Organisation, org_id)


@bp.get("/")
@permission_required(Action.MANAGE_ORGS)
def list_orgs():
    filters = OrgFilterForm(request.args)
    kind = filters.kind.data if filters.kind.data in set(OrgKind) else None
    page = services.search_orgs(db.session, current_user, day=local_today(), kind=kind,
                                text=filters.q.data, page=request.args.get("page", 1, type=int),
                                per_page=current_app.config["PER_PAGE"])
    return render_template("orgs/list.html", page=page, filters=filters, labels=LABELS)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Action.MANAGE_ORGS)
def create_org():
    form = OrgForm()
    if not form.is_submitted():
        form.active_from.data = local_today()
    done, org, status = submit(form, lambda: services.create_org(
        db.session, actor=actor_of(current_user), now=utcnow(), kind=form.kind.data,
        active_from=form.active_from.data, **form.details()))
    if done:
        flash(_("机构已创建"), "success")
        return redirect(url_for(".org_detail", org_id=org.id))
    return render_template("orgs/form.html", form=form, org=None), status


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@permission_required(Action.MANAGE_ORGS)
def edit_org(org_id: int):
    org = _org(org_id)
    form = EditOrgForm(obj=org)
    if not form.is_submitted():
        form.districts.data = "、".join(org.districts or [])
    done, _result, status = submit(form, lambda: services.update_org(
        db.session, org, actor=actor_of(current_user), now=utcnow(), **form.details()))
    if done:
        flash(_("机构信息已保存"), "success")
        return redirect(url_for(".org_detail", org_id=org.id))
    return render_template("orgs/form.html", form=form, org=org, labels=LABELS), status


def _period_forms(org: Organisation, failed: tuple[str, FlaskForm] | None = None) -> dict[str, FlaskForm]:
    """One blank form per dated attribute of this kind of organisation (the failed one kept)."""
    today = local_today()
    current = provider_services.care_types_on(db.session, org.id, today)
    forms = {}
    for name, (form_class, _service, provider_only) in PERIOD_FORMS.items():
        if provider_only and org.kind != OrgKind.PROVIDER:
            continue
        if failed is not None and failed[0] == name:
            forms[name] = failed[1]
        else:
            forms[name] = form_class(prefix=name, formdata=None,
                                     data={"valid_from": today, "care_types": sorted(current)})
    return forms


def _render_detail(org: Organisation, failed: tuple[str, FlaskForm] | None = None, status: int = 200):
    return render_template(
        "orgs/detail.html", org=org, profile=org_profile(db.session, org, local_today()),
        history=services.org_history(db.session, org), forms=_period_forms(org, failed),
        is_provider=org.kind == OrgKind.PROVIDER, labels=LABELS), status


@bp.get("/<int:org_id>")
@permission_required(Action.MANAGE_ORGS)
def org_detail(org_id: int):
    return _render_detail(_org(org_id))


@bp.post("/<int:org_id>/periods/<name>")
@permission_required(Action.MANAGE_ORGS)
def add_period(org_id: int, name: str):
    """Record "from date D on" for one dated attribute (status, agreement, provider attributes)."""
    if name not in PERIOD_FORMS:
        abort(404)
    org = _org(org_id)
    form_class, service, provider_only = PERIOD_FORMS[name]
    if provider_only and org.kind != OrgKind.PROVIDER:
        abort(404)  # this organisation has no such attribute, hence no form for it
    form = form_class(prefix=name)
    done, _result, status = submit(form, lambda: service(
        db.session, org, actor=actor_of(current_user), now=utcnow(), **form.values()))
    if done:
        flash(_("已登记"), "success")
        return redirect(url_for(".org_detail", org_id=org.id))
    return _render_detail(org, (name, form), status)


from ltc.auth.views import users as user_views  # noqa: E402,F401  (registers the user pages on ``bp``)
