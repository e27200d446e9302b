"""Policy versions, readable by every logged-in user; the MIA admin also sees the copy, edit
and retire actions (handled in ``edit_views``)."""
from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from ltc.auth.permissions import Action, can
from ltc.auth.web import permission_required
from ltc.core.clock import local_today
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.policy import services
from ltc.policy.views.edit import copied_from, manage_context
from ltc.policy.models import ACTION_LABELS, STATUS_LABELS, PolicyStatus, PolicyVersion
from ltc.policy.schema import describe_sections

bp = Blueprint("policy", __name__, url_prefix="/policy")


@bp.get("/")
@permission_required(Action.VIEW_POLICY)
def list_versions():
    stmt = select(PolicyVersion).order_by(PolicyVersion.number.desc())
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"])
    in_force = services.version_on(db.session, local_today())
    return render_template("policy/list.html", page=page, status_labels=STATUS_LABELS,
                           in_force_id=in_force.id if in_force is not None else None)


@bp.get("/<int:version_id>")
@permission_required(Action.VIEW_POLICY)
def view_version(version_id: int):
    version = services.get_version(db.session, version_id)
    in_force = services.version_on(db.session, local_today())
    can_manage = can(current_user, Action.MANAGE_ORGS)
    return render_template("policy/detail.html", version=version, sections=describe_sections(version.sections),
                           status_labels=STATUS_LABELS, action_labels=ACTION_LABELS,
                           in_force=in_force is not None and in_force.id == version.id, can_manage=can_manage,
                           source=copied_from(version) if version.status == PolicyStatus.DRAFT else None,
                           **(manage_context(version) if can_manage else {}))
