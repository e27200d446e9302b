"""The MIA's monthly supervision reports: the list by month, the PDF download, and "run now" for a month
(queued for the scheduler process; never rendered in the request)."""
from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.months import add_months, first_of_month
from ltc.extensions import db
from ltc.supervision.report import services
from ltc.supervision.report.forms import RunReportForm
from ltc.supervision.report.models import STATUS_LABELS
from ltc.web.forms import submit

bp = Blueprint("supervision_reports", __name__, url_prefix="/supervision/reports")


@bp.get("/")
@permission_required(Action.SUPERVISION_REPORTS)
def index():
    form = RunReportForm()
    form.month.data = add_months(first_of_month(local_today()), -1)
    return _page(form)


@bp.post("/run")
@permission_required(Action.SUPERVISION_REPORTS)
def run():
    form = RunReportForm()
    done, report, status = submit(form, lambda: services.request_report(
        db.session, form.month.data, actor=actor_of(current_user), now=utcnow()))
    if not done:
        return _page(form), status
    flash(_("%(month)s 的监管月报已加入生成队列，调度进程将很快生成它", month=f"{report.month:%Y-%m}"), "success")
    return redirect(url_for(".index"))


@bp.get("/<int:report_id>.pdf")
@permission_required(Action.SUPERVISION_REPORTS)
def download(report_id: int):
    report = services.open_report(db.session, report_id)
    return Response(report.content, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{report.number}.pdf"',
        "Cache-Control": "private, no-store",
    })


def _page(form: RunReportForm) -> str:
    return render_template("supervision/reports/index.html", form=form,
                           reports=services.list_reports(db.session), latest_run=services.latest_run(db.session),
                           status_labels=STATUS_LABELS)
