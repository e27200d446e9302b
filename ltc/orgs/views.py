"""Organisation management pages and the district list (SPEC §1, MIA admin only); user management
is in ``user_views``.

Thin handlers: load the form, call one service, commit; a DomainError is shown on the form and
nothing is written.
"""
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.web.forms import submit
from ltc.extensions import db
from ltc.orgs import services
from ltc.orgs.forms import (AgreementForm, ConfirmForm, DistrictForm,
                            DistrictPeriodForm, EditDistrictForm, EditOrgForm, OrgFilterForm,
                            OrgForm, StatusForm)
from ltc.orgs.kinds import (CARE_TYPE_LABELS, DISTRICT_STATE_LABELS, GRADE_LABELS, ORG_KIND_LABELS,
                            STATUS_LABELS, OrgKind)
from ltc.orgs.models import District, Organisation
from ltc.orgs.profile import org_profile

bp = Blueprint("orgs", __name__, url_prefix="/orgs")

LABELS = {"kind": ORG_KIND_LABELS, "status": STATUS_LABELS, "care_type": CARE_TYPE_LABELS,
          "grade": GRADE_LABELS, "district_state": DISTRICT_STATE_LABELS}
#: the dated attributes: URL name → (form, service taking the form's ``values()``, providers only);
#: the providers domain adds its attributes with ``add_period_form`` (from ``ltc.providers.wire``)
PERIOD_FORMS: dict[str, tuple[type[FlaskForm], Callable[..., Any], bool]] = {
    "status": (StatusForm, services.set_status, False),
    "agreement": (AgreementForm, services.set_agreement, False),
}


def add_period_form(name: str, form_class: type[FlaskForm], service: Callable[..., Any], *,
                    provider_only: bool) -> None:
    PERIOD_FORMS[name] = (form_class, service, provider_only)


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
    done, _result, status = submit(form, lambda: services.update_org(
        db.session, org, actor=actor_of(current_user), now=utcnow(), **form.details()))
    if done:
        flash(_("机构信息已保存"), "success")
        return redirect(url_for(".org_detail", org_id=org.id))
    return render_template("orgs/form.html", form=form, org=org, labels=LABELS), status


def _with_choices(form: FlaskForm) -> FlaskForm:
    """Fill the choices that come from the database: the active districts of the list."""
    if isinstance(form, DistrictPeriodForm):
        form.district.choices = [SelectChoice(d.code, d.name)
                                 for d in services.list_districts(db.session, active_only=True)]
    return form


def _period_forms(org: Organisation, failed: tuple[str, FlaskForm] | None = None) -> dict[str, FlaskForm]:
    """One blank form per dated attribute of this kind of organisation (the failed one kept)."""
    today = local_today()
    profile = org_profile(db.session, org, today)
    forms = {}
    for name, (form_class, _service, provider_only) in PERIOD_FORMS.items():
        if provider_only and org.kind != OrgKind.PROVIDER:
            continue
        if failed is not None and failed[0] == name:
            forms[name] = failed[1]
        else:
            forms[name] = _with_choices(form_class(prefix=name, formdata=None, data={
                "valid_from": today, "care_types": sorted(profile.care_types), "district": profile.district}))
    return forms


def _render_detail(org: Organisation, failed: tuple[str, FlaskForm] | None = None, status: int = 200):
    return render_template(
        "orgs/detail.html", org=org, profile=org_profile(db.session, org, local_today()),
        history=services.org_history(db.session, org), forms=_period_forms(org, failed),
        is_provider=org.kind == OrgKind.PROVIDER,
        labels={**LABELS, "district": services.district_names(db.session)}), status


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
    form = _with_choices(form_class(prefix=name))
    done, _result, status = submit(form, lambda: service(
        db.session, org, actor=actor_of(current_user), now=utcnow(), **form.values()))
    if done:
        flash(_("已登记"), "success")
        return redirect(url_for(".org_detail", org_id=org.id))
    return _render_detail(org, (name, form), status)


# --- the district list ----------------------------------------------------------------------

def _render_districts(form: FlaskForm, status: int = 200, error: str | None = None):
    """The list with, per district, whether it may be deleted (no record names it)."""
    in_use = services.districts_in_use(db.session)
    rows = [(d, d.code not in in_use) for d in services.list_districts(db.session)]
    return render_template("orgs/districts.html", rows=rows, form=form, labels=LABELS,
                           error=error), status


@bp.route("/districts/", methods=["GET", "POST"])
@permission_required(Action.MANAGE_ORGS)
def list_districts():
    """The district list (区县名录) and the form adding a district."""
    form = DistrictForm()
    done, district, status = submit(form, lambda: services.add_district(
        db.session, actor=actor_of(current_user), now=utcnow(), **form.values()))
    if done:
        flash(_("区县 %(name)s 已添加", name=district.name), "success")
        return redirect(url_for(".list_districts"))
    return _render_districts(form, status)


def _district(district_id: int) -> District:
    district = db.session.get(District, district_id)
    if district is None:
        abort(404)
    return district


@bp.route("/districts/<int:district_id>/edit", methods=["GET", "POST"])
@permission_required(Action.MANAGE_ORGS)
def edit_district(district_id: int):
    district = _district(district_id)
    form = EditDistrictForm(obj=district)
    done, _result, status = submit(form, lambda: services.update_district(
        db.session, district, actor=actor_of(current_user), now=utcnow(), **form.values()))
    if done:
        flash(_("区县 %(name)s 已保存", name=district.name), "success")
        return redirect(url_for(".list_districts"))
    return render_template("orgs/district_form.html", form=form, district=district), status


DISTRICT_ACTIONS = {
    "activate": lambda district, **kw: services.set_district_active(db.session, district, active=True, **kw),
    "deactivate": lambda district, **kw: services.set_district_active(db.session, district, active=False, **kw),
    "delete": lambda district, **kw: services.delete_district(db.session, district, **kw),
}


@bp.post("/districts/<int:district_id>/<action>")
@permission_required(Action.MANAGE_ORGS)
def change_district(district_id: int, action: str):
    """Activate, deactivate or delete (only when no record names it) a district."""
    if action not in DISTRICT_ACTIONS:
        abort(404)
    district = _district(district_id)
    form = ConfirmForm()
    done, _result, status = submit(form, lambda: DISTRICT_ACTIONS[action](
        district, actor=actor_of(current_user), now=utcnow()))
    if done:
        flash(_("已保存"), "success")
        return redirect(url_for(".list_districts"))
    return _render_districts(DistrictForm(formdata=None), status,
                             error=form.form_errors[0] if form.form_errors else None)


