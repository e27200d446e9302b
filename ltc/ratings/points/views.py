"""Violation points pages under ``/ratings/points`` (SPEC §6, §8): the carers with points (the rolling
window's total, all points, the last day points attached) and each carer's ledger with why every row
attached and the suspensions the points triggered. A provider sees its own carers, an insurer those of
the providers in its districts, the MIA all; a carer outside the scope is a 404."""
from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.web import permission_required
from ltc.core.clock import local_today
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.policy.services import policy_on
from ltc.providers.carers.models import Carer
from ltc.ratings.points.kinds import APPEAL_LOST_LABEL, NO_APPEAL_LABEL
from ltc.ratings.points.services import readers
from ltc.ratings.scoring.policy import RatingsPolicy
from ltc.web.labels import label

bp = Blueprint("violation_points", __name__, url_prefix="/ratings/points")


def _policy() -> RatingsPolicy:
    return policy_on(db.session, local_today()).section(RatingsPolicy)


@bp.get("/")
@permission_required(Action.VIEW_CARERS)
def list_points():
    today, policy = local_today(), _policy()
    stmt = readers.carers_with_points(current_user, day=today, months=policy.points_window_months)
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    rows = [{"id": carer.id, "name": carer.name, "provider": provider, "window": window, "total": total,
             "last": last} for carer, provider, window, total, last in page.items]
    return render_template("ratings/points/list.html", page=page, rows=rows, policy=policy,
                           own=current_user.org_kind == "provider")


def _why(row: readers.LedgerRow) -> dict:
    point = row.point
    return {"attached_on": point.attached_on, "points": point.points, "service_date": point.service_date,
            "month": row.month, "rule": label(point.rule, "point_rule"),
            "code": point.rule, "cause": label(point.cause, "point_cause"), "note": point.note or "",
            "final": _(APPEAL_LOST_LABEL) if point.appeal_id else _(NO_APPEAL_LABEL)}


@bp.get("/carers/<int:carer_id>")
@permission_required(Action.VIEW_CARERS)
def carer_points(carer_id: int):
    carer = get_scoped(db.session, current_user, Carer, carer_id)
    today, policy = local_today(), _policy()
    window = readers.points_between(db.session, carer.id, readers.window_start(today, policy.points_window_months),
                                    today)
    return render_template("ratings/points/carer.html", carer=carer, policy=policy, window=window,
                           rows=[_why(r) for r in readers.ledger(db.session, carer)],
                           suspensions=readers.suspensions(db.session, carer.id), today=today)
