"""Expert register pages under ``/admin/experts`` (SPEC §1, §3.2).

The MIA admin lists, adds and ends certificates; an agency admin sees its own agency's
certificates read-only. Other users get 403; a certificate outside the scope is a 404.
"""
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ltc.assessment.experts import services as experts
from ltc.assessment.experts.forms import STATE_LABELS, CertificateFilterForm, CertificateForm, EndCertificateForm
from ltc.assessment.experts.models import ExpertCertificate
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import DomainError
from ltc.web.forms import attach_errors
from ltc.extensions import db

bp = Blueprint("experts", __name__, url_prefix="/admin/experts")


def register_viewer_required(view):
    """The MIA admin or an agency admin (read-only); anyone else gets 403."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not experts.may_view_register(current_user):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def _filters() -> tuple[CertificateFilterForm, dict]:
    filters = CertificateFilterForm(request.args)
    if experts.may_manage_register(current_user):
        filters.org_id.choices = [SelectChoice("", _("全部"))] + [
            SelectChoice(str(o.id), o.name) for o in experts.agencies(db.session)]
        org_id = request.args.get("org_id", type=int)
    else:
        del filters.org_id
        org_id = None
    state = filters.state.data if filters.state.data in experts.STATES else None
    return filters, {"org_id": org_id, "state": state}


@bp.get("/")
@register_viewer_required
def list_experts():
    filters, criteria = _filters()
    today = local_today()
    page = experts.search_certificates(db.session, current_user, day=today,
                                       page=request.args.get("page", 1, type=int),
                                       per_page=current_app.config["PER_PAGE"], **criteria)
    can_manage = experts.may_manage_register(current_user)
    rows = [{"cert": cert, "user": user, "org": org, "state": cert.state_on(today),
             "can_end": can_manage and (cert.valid_to is None or cert.valid_to > today)}
            for cert, user, org in page.items]
    return render_template("experts/list.html", page=page, rows=rows, filters=filters, can_manage=can_manage,
                           state_labels=STATE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Action.MANAGE_ORGS)
def add_certificate():
    form = CertificateForm()
    assessors = {u.id: u for u in experts.agency_assessors(db.session)}
    form.user_id.choices = [SelectChoice(uid, f"{u.org.name} — {u.full_name}（{u.username}）")
                            for uid, u in assessors.items()]
    if not form.is_submitted():
        form.valid_from.data = local_today()
    if form.validate_on_submit():
        try:  # the choice validator guarantees an offered assessor
            experts.add_certificate(db.session, user=assessors[form.user_id.data], actor=actor_of(current_user),
                                    now=utcnow(), **form.values())
        except DomainError as exc:
            db.session.rollback()
            attach_errors(form, exc)
        else:
            db.session.commit()
            flash(_("已登记评估专家证书"), "success")
            return redirect(url_for(".list_experts"))
    return render_template("experts/form.html", form=form, title=_("登记评估专家证书")), \
        400 if form.is_submitted() else 200


@bp.route("/<int:cert_id>/end", methods=["GET", "POST"])
@permission_required(Action.MANAGE_ORGS)
def end_certificate(cert_id: int):
    cert = get_scoped(db.session, current_user, ExpertCertificate, cert_id)
    form = EndCertificateForm()
    if not form.is_submitted():
        form.valid_to.data = local_today()
    if form.validate_on_submit():
        try:
            experts.end_certificate(db.session, cert, valid_to=form.valid_to.data, actor=actor_of(current_user),
                                    now=utcnow())
        except DomainError as exc:
            db.session.rollback()
            attach_errors(form, exc)
        else:
            db.session.commit()
            flash(_("证书已结束"), "success")
            return redirect(url_for(".list_experts"))
    return render_template("experts/end.html", form=form, cert=cert), 400 if form.is_submitted() else 200
