"""MIA admins: the job registry with due times and last runs, the run history with progress,
"run now" (queued for the scheduler process) and the retry of units that failed too often."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import utcnow
from ltc.core.errors import Conflict
from ltc.extensions import db
from ltc.scheduler.forms import RunNowForm
from ltc.scheduler.models import STATUS_LABELS, RunStatus
from ltc.scheduler.queue import queue_run, retry_unit
from ltc.scheduler.registry import JOBS, ON_DEMAND_JOBS
from ltc.scheduler.services import blocked_units, job_overview, run_history, scheduled_jobs
from ltc.scheduler.units import MAX_UNIT_ATTEMPTS
from ltc.web.messages import error_words

bp = Blueprint("scheduler", __name__, url_prefix="/admin/jobs")

STATUS_CLASSES = {RunStatus.QUEUED: "light text-dark", RunStatus.RUNNING: "info", RunStatus.SUCCESS: "success",
                  RunStatus.PARTIAL: "warning text-dark", RunStatus.FAILED: "danger",
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
                           blocked=blocked_units(db.session), max_attempts=MAX_UNIT_ATTEMPTS,
                           titles={job.id: job.title for job in JOBS + ON_DEMAND_JOBS},
                           status_labels=STATUS_LABELS, status_classes=STATUS_CLASSES)


@bp.post("/<job_id>/run")
@permission_required(Action.MANAGE_ORGS)
def run(job_id: str):
    if not RunNowForm().validate_on_submit():
        abort(400)
    queue_run(db.session, job_id, actor=actor_of(current_user), now=utcnow())
    db.session.commit()
    titles = {job.id: job.title for job in JOBS}
    flash(_("任务 %(job)s 已加入队列，调度进程将很快运行它", job=_(titles.get(job_id, job_id))), "success")
    return redirect(url_for(".index", job=job_id))


@bp.post("/units/<int:unit_id>/retry")
@permission_required(Action.MANAGE_ORGS)
def retry(unit_id: int):
    if not RunNowForm().validate_on_submit():
        abort(400)
    try:
        unit = retry_unit(db.session, unit_id, actor=actor_of(current_user), now=utcnow())
    except Conflict as exc:
        db.session.rollback()
        flash(error_words(exc), "warning")
        return redirect(url_for(".index"))
    db.session.commit()
    flash(_("单元 %(unit)s 将随任务重新运行", unit=unit.unit_key), "success")
    return redirect(url_for(".index", job=unit.run.job_id))
