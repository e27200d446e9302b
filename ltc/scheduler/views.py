"""MIA admins: the job registry with due times and last runs, the run history, "run now"."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.scheduler.forms import RunNowForm
from ltc.scheduler.models import RunStatus
from ltc.scheduler.registry import JOBS
from ltc.scheduler.runner import run_now
from ltc.scheduler.services import job_overview, run_history, scheduled_jobs

bp = Blueprint("scheduler", __name__, url_prefix="/admin/jobs")

STATUS_LABELS = {RunStatus.RUNNING: "运行中", RunStatus.SUCCESS: "成功", RunStatus.FAILED: "失败",
                 RunStatus.SKIPPED_LOCKED: "已跳过（另一进程正在运行）"}
STATUS_CLASSES = {RunStatus.RUNNING: "info", RunStatus.SUCCESS: "success", RunStatus.FAILED: "danger",
                  RunStatus.SKIPPED_LOCKED: "secondary"}


@bp.get("/")
@permission_required(Action.MANAGE_ORGS)
def index():
    job_filter = request.args.get("job") or None
    history = run_history(db.session, page=request.args.get("page", 1, type=int),
                          per_page=current_app.config["PER_PAGE"], job_id=job_filter)
    now = utcnow()
    return render_template("scheduler/index.html",
                           overview=job_overview(db.session, scheduled_jobs(db.session, now), now),
                           history=history, job_filter=job_filter, form=RunNowForm(),
                           titles={job.id: job.title for job in JOBS},
                           status_labels=STATUS_LABELS, status_classes=STATUS_CLASSES)


@bp.post("/<job_id>/run")
@permission_required(Action.MANAGE_ORGS)
def run(job_id: str):
    if not RunNowForm().validate_on_submit():
        abort(400)
    outcome = run_now(db.session, job_id, actor=actor_of(current_user), now=utcnow())
    db.session.commit()
    if outcome.status == RunStatus.SUCCESS:
        flash(_("任务 %(job)s 已运行成功", job=job_id), "success")
    elif outcome.status == RunStatus.SKIPPED_LOCKED:
        flash(_("任务 %(job)s 正由另一进程运行，本次未运行", job=job_id), "warning")
    else:
        flash(_("任务 %(job)s 运行失败，详见运行记录", job=job_id), "error")
    return redirect(url_for(".index", job=job_id))
