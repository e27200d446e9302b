"""The draft-cost page ``/supervision/draft-costs/`` (issue 13: fund impact before publishing): the MIA
admin sees every policy draft with its latest costing and starts a new one (a POST with CSRF, queued for
the scheduler process; the page refreshes while it runs)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ltc.auth.permissions import Action
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import utcnow
from ltc.core.errors import DomainError
from ltc.extensions import db
from ltc.policy.models import PolicyStatus, PolicyVersion
from ltc.supervision.figures import Audience, Viewer
from ltc.supervision.themes.fund import draft_cost, draft_figure
from ltc.web.messages import error_words

bp = Blueprint("supervision_draft_costs", __name__, url_prefix="/supervision/draft-costs")


def _drafts() -> list[dict]:
    versions = db.session.scalars(select(PolicyVersion).where(PolicyVersion.status == PolicyStatus.DRAFT.value)
                                  .order_by(PolicyVersion.number))
    completed = {version.id: run for version, run in draft_figure.latest_completed_runs(db.session)}
    out = []
    for version in versions:
        latest = draft_cost.latest_run(db.session, version.id)
        done = completed.get(version.id)
        out.append({"version": version, "run": latest[1] if latest else None,
                    "busy": latest is not None and latest[1].status in draft_cost.BUSY, "completed": done,
                    "costs": draft_figure.costs(db.session, done, Viewer(Audience.MIA)) if done else []})
    return out


@bp.get("/")
@permission_required(Action.MANAGE_ORGS)
def index():
    drafts = _drafts()
    return render_template("supervision/draft_costs.html", drafts=drafts, busy=any(d["busy"] for d in drafts))


@bp.post("/<int:version_id>")
@permission_required(Action.MANAGE_ORGS)
def start(version_id: int):
    try:
        draft_cost.request_draft_cost(db.session, version_id, user=current_user, actor=actor_of(current_user),
                                      now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        flash(error_words(exc), "warning" if exc.status == 409 else "danger")
        return redirect(url_for(".index"))
    db.session.commit()
    flash(_("已提交测算，后台按机构逐个计算，完成后本页显示结果"), "success")
    return redirect(url_for(".index"))
