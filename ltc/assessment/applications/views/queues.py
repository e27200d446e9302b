"""Work queues with SLA colouring, the agency's assessor workload and the publicity list;
each paginated, filterable and exportable (``?format=csv|xlsx``)."""
from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ltc.assessment.applications.services import conclusion
from ltc.assessment.applications.services import queues
from ltc.assessment.applications.forms import QueueFilterForm
from ltc.assessment.applications.services.notifying import application_no
from ltc.assessment.applications.states import RESCHEDULE_LABELS, STATUS_LABELS, Status
from ltc.assessment.applications.views.blueprint import bp, context
from ltc.auth.permissions import Action, can
from ltc.auth.web import permission_required
from ltc.core.clock import local_today
from ltc.web.exports import Column, export_response, requested_format
from ltc.web.labels import label
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.people.ids import mask_id

EXPORT_BATCH = 500


def queue_row(row) -> dict:
    """One queue row as shown and exported: the ID number masked (SPEC §2), labels translated."""
    return {"id": row.id, "number": application_no(row), "kind": label(row.kind, "application_kind"),
            "status": label(row.status, "application_status"), "person": row.person_name,
            "id_number": mask_id(row.id_number),
            "district": row.district, "submitted_on": row.submitted_on, "accepted_on": row.accepted_on,
            "agency": row.agency_name or "", "filer": row.filer_name or "", "visit_on": row.visit_on,
            "self_grade": row.self_grade or "", "level": row.level, "due_on": row.due_on, "sla": row.sla,
            "sla_label": _(queues.SLA_LABELS[row.sla]), "reschedule_reason": reschedule_reason(row)}


def reschedule_reason(row) -> str:
    """The coded reason of a visit booked beyond the window (with its text), shown beside the SLA mark."""
    if not row.reschedule_code:
        return ""
    label = _(RESCHEDULE_LABELS[row.reschedule_code])
    return f"{label}：{row.reschedule_note}" if row.reschedule_note else label


def queue_columns() -> list[Column]:
    names = (("number", "申请编号"), ("kind", "类型"), ("status", "状态"), ("person", "参保人"),
             ("id_number", "身份证号"), ("district", "区县"), ("submitted_on", "提交日期"),
             ("accepted_on", "受理日期"), ("agency", "评估机构"), ("visit_on", "上门评估日期"),
             ("self_grade", "自评等级"), ("level", "失能等级"), ("due_on", "办理时限"), ("sla_label", "时限状态"),
             ("reschedule_reason", "改约原因"), ("filer", "提交机构"))
    return [Column(_(header), key) for key, header in names]


def _filters(queue: queues.Queue, ctx: queues.QueueContext) -> tuple[QueueFilterForm, queues.QueueFilters]:
    form = QueueFilterForm(request.args)
    districts = queues.districts_of(db.session, ctx)
    statuses = queue.statuses or tuple(Status)
    form.district.choices = [SelectChoice("", _("全部区县"))] + [SelectChoice(d, d) for d in districts]
    form.status.choices = [SelectChoice("", _("全部状态"))] + [
        SelectChoice(s.value, _(STATUS_LABELS[s])) for s in statuses]
    district = form.district.data if form.district.data in districts else None
    status = form.status.data if form.status.data in {s.value for s in statuses} else None
    q = form.q.data if form.q.validate(form) else ""
    return form, queues.QueueFilters(district=district, status=status, overdue_only=bool(form.overdue.data),
                                     q=q or "")


def _exported(stmt):
    for row in db.session.execute(stmt.execution_options(yield_per=EXPORT_BATCH)):
        yield queue_row(row)


@bp.get("/queues/<name>")
@login_required
def queue(name: str):
    ctx = context()
    current = queues.get_queue(name, current_user)
    form, filters = _filters(current, ctx)
    stmt = queues.queue_select(current, ctx, filters)
    if fmt := requested_format(request.args.get("format")):
        return export_response(queue_columns(), _exported(stmt), fmt=fmt,
                               filename=f"{_(current.title)}-{ctx.today.isoformat()}")
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    tabs = [(q, queues.queue_counts(db.session, q, ctx)) for q in queues.queues_for(current_user)]
    return render_template("assessment/queue.html", queue=current, tabs=tabs, form=form, page=page,
                           rows=[queue_row(r) for r in page.items], args=request.args.to_dict(),
                           can_file=can(current_user, Action.FILE_APPLICATION))


def workload_columns() -> list[Column]:
    return [Column(_("评估人员"), "full_name"), Column(_("在办上门评估"), "open_visits"),
            Column(_("本月上门评估"), "visits_this_month"), Column(_("待会签"), "cosigns_pending")]


@bp.get("/workload")
@permission_required(Action.SCHEDULE_ASSESSMENT)
def workload():
    today = local_today()
    stmt = queues.workload_select(current_user.org_id, today)
    if fmt := requested_format(request.args.get("format")):
        return export_response(workload_columns(), db.session.execute(stmt), fmt=fmt,
                               filename=f"{_('评估人员工作量')}-{today.isoformat()}")
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    return render_template("assessment/workload.html", page=page, today=today, args=request.args.to_dict())


def publicity_columns() -> list[Column]:
    return [Column(_("姓名"), "name"), Column(_("身份证号"), "id_number"), Column(_("失能等级"), "level"),
            Column(_("评估机构"), "agency"), Column(_("公示开始"), "publicity_start"),
            Column(_("公示结束"), "publicity_end")]


def _published(today):
    number = 1
    while True:
        page = conclusion.published_list(db.session, today, page=number, per_page=EXPORT_BATCH)
        yield from page.items
        if not page.has_next:
            return
        number += 1


@bp.get("/publicity")
def publicity():
    """The published list (公示名单, SPEC §3.1): masked names and ID numbers, level and agency only;
    public, without logging in."""
    today = local_today()
    if fmt := requested_format(request.args.get("format")):
        return export_response(publicity_columns(), _published(today), fmt=fmt,
                               filename=f"{_('评估结果公示')}-{today.isoformat()}")
    page = conclusion.published_list(db.session, today, page=request.args.get("page", 1, type=int),
                                      per_page=current_app.config["PER_PAGE"])
    return render_template("assessment/publicity.html", page=page, today=today, args=request.args.to_dict())
