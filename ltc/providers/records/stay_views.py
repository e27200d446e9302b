"""Stay pages under ``/stays`` (SPEC §5.4): per provider, the stays (current residents first) with
filters, the admit form, a stay with its leaves, versions and findings, the leave forms, and the
monthly census with its export.

The provider's operators and admins enter their own stays (``ENTER_STAYS``); the MIA and an insurer
read the stays in their scope (``VIEW_STAYS``); anyone else, and another provider's stay, is a 404.
Each save shows the findings of the entry-time checks.
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ltc.auth.models import User
from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped, scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core import audit
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import NotFound
from ltc.core.months import first_of_month
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.people.ids import mask_id
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.providers.kinds import BedCareType
from ltc.providers.records.checks import findings_of
from ltc.providers.records import census as census_service
from ltc.providers.records import stay_lists
from ltc.providers.records import stay_imports
from ltc.providers.records import stays as services
from ltc.providers.records.stay_imports import LEAVES, STAYS
from ltc.providers.records.models import Leave, Stay
from ltc.providers.services import care_types_on
from ltc.providers.records.stay_forms import (STATUS_FILTERS, AdmitForm, CloseLeaveForm, CorrectLeaveForm,
                                              CorrectStayForm, DischargeForm, LeaveForm, MonthForm, StayFilterForm,
                                              parse_month)
from ltc.web.exports import Column, export_response, requested_format
from ltc.web.forms import ConfirmImportForm, ImportForm, submit
from ltc.web.imports import ImportPages
from ltc.web.labels import label
from ltc.web.transactions import records_view
from ltc.web.uploads import PendingUploads

bp = Blueprint("stays", __name__, url_prefix="/stays")


def _require_viewer() -> None:
    """Only the MIA, insurers and the provider's staff read stays; to anyone else they do not exist."""
    if not can(current_user, Action.VIEW_STAYS):
        abort(404)


def _own_stay(stay_id: int) -> Stay:
    """A stay of the user's own provider, for entering (another provider's stay is a 404)."""
    stay = get_scoped(db.session, current_user, Stay, stay_id)
    if stay.provider_id != current_user.org_id:
        raise NotFound("记录不存在或无权访问")
    return stay


def _show(findings) -> None:
    """The saved record's entry-time findings (事前提醒), one flash each, after the success message."""
    for f in findings:
        flash(_("%(rule)s %(name)s：%(text)s", rule=f.rule, name=label(f.rule, "rule"),
                text=_(f.message, **(f.params or {}))), "warning")


@bp.get("/")
@login_required
def index():
    _require_viewer()
    if current_user.org_kind == "provider":
        return redirect(url_for(".list_stays", provider_id=current_user.org_id))
    return render_template("records/stays/index.html",
                           providers=stay_lists.providers_with_stays(db.session, current_user))


@bp.get("/provider/<int:provider_id>")
@login_required
def list_stays(provider_id: int):
    _require_viewer()
    provider = stay_lists.provider_for(db.session, current_user, provider_id)
    form = StayFilterForm(request.args)
    valid = form.validate()
    filters = stay_lists.StayFilters(care_type=form.care_type.data or None, q=form.q.data or "",
                                     month=parse_month(form.month.data) if valid else None,
                                     status=form.status.data or None)
    page = paginate(db.session, stay_lists.search_stays(current_user, provider.id, filters, today=local_today()),
                    page=request.args.get("page", 1, type=int), per_page=current_app.config["PER_PAGE"],
                    scalars=False)
    rows = [{"stay": s, "person": p, "id_number": mask_id(p.id_number), "on_leave": away} for s, p, away in page.items]
    return render_template("records/stays/list.html", provider=provider, page=page, rows=rows, form=form,
                           status_labels=STATUS_FILTERS, args=request.args.to_dict(),
                           can_enter=_enters(provider.id))


def _enters(provider_id: int) -> bool:
    return can(current_user, Action.ENTER_STAYS) and current_user.org_id == provider_id


@bp.route("/provider/<int:provider_id>/admit", methods=["GET", "POST"])
@permission_required(Action.ENTER_STAYS)
def admit(provider_id: int):
    if provider_id != current_user.org_id:
        abort(404)
    form = AdmitForm()
    if request.method == "GET":  # the bed-based care type of the provider's agreement, when it has one
        offered = care_types_on(db.session, provider_id, local_today())
        form.care_type.data = next((c.value for c in BedCareType if c.value in offered), form.care_type.data)
    done, saved, status = submit(form, lambda: services.admit(
        db.session, provider_id=provider_id, person_id=stay_lists.person_id_of(db.session, form.id_number.data),
        care_type=form.care_type.data, admitted_on=form.admitted_on.data, discharged_on=form.discharged_on.data,
        note=form.note.data, actor=actor_of(current_user), now=utcnow()))
    if done:
        return _saved(_("已登记入院"), saved, saved.record.id)
    return render_template("records/stays/form.html", form=form, title=_("登记入院"), stay=None,
                           provider_id=provider_id), status


def _saved(message: str, saved: services.Saved, stay_id: int):
    flash(message, "success")
    _show(saved.findings)
    return redirect(url_for(".view_stay", stay_id=stay_id))


@bp.get("/<int:stay_id>")
@records_view
@login_required
def view_stay(stay_id: int):
    _require_viewer()
    stay = get_scoped(db.session, current_user, Stay, stay_id)
    audit.record(db.session, actor_of(current_user), "view", services.STAY, stay.id, now=utcnow(),
                 detail=f"person {stay.person_id}")
    db.session.commit()  # the audited view of a person's service record
    person = db.session.get_one(InsuredPerson, stay.person_id)
    return render_template(
        "records/stays/detail.html", stay=stay, person=person, id_number=mask_id(person.id_number),
        provider=db.session.get_one(Organisation, stay.provider_id),
        versions=_versions(stay), findings=_findings(stay), today=local_today(),
        can_enter=_enters(stay.provider_id), settled=stay.settled_at is not None,
        discharge_form=DischargeForm(), close_form=CloseLeaveForm())


def _versions(stay: Stay) -> list[dict]:
    """The kept versions of the stay and its leaves, newest first, their values in words."""
    kept = [(services.STAY, v) for v in services.versions_of(db.session, services.STAY, stay.id)]
    for leave in stay.leaves:
        kept += [(services.LEAVE, v) for v in services.versions_of(db.session, services.LEAVE, leave.id)]
    users = {v.changed_by for _kind, v in kept if v.changed_by}
    names = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(users))).tuples().all())
    return [{"kind": kind, "version": v, "who": names.get(v.changed_by, label("system", "actor")), "fields": [
        (_(services.FIELD_LABELS.get(k, k)), label(value, "care_type") if k == "care_type" else value or "—")
        for k, value in v.data.items()]} for kind, v in sorted(kept, key=lambda kv: kv[1].changed_at, reverse=True)]


def _findings(stay: Stay) -> list:
    refs = [(services.STAY, stay.id), *((services.LEAVE, leave.id) for leave in stay.leaves)]
    return findings_of(db.session, refs)


# --- entering: discharge, correct, leaves ----------------------------------------------------------

@bp.post("/<int:stay_id>/discharge")
@permission_required(Action.ENTER_STAYS)
def discharge(stay_id: int):
    stay = _own_stay(stay_id)
    form = DischargeForm()
    done, saved, _status = submit(form, lambda: services.discharge(
        db.session, stay, discharged_on=form.discharged_on.data, actor=actor_of(current_user), now=utcnow()))
    if done:
        return _saved(_("已登记出院"), saved, stay_id)
    return _refused(form, stay_id)


def _refused(form, stay_id: int):
    """A one-field form posted from the stay page: its errors as flashes, back to the page."""
    for errors in [form.form_errors, *(f.errors for f in form)]:
        for error in errors:
            flash(error, "error")
    return redirect(url_for(".view_stay", stay_id=stay_id))


@bp.route("/<int:stay_id>/correct", methods=["GET", "POST"])
@permission_required(Action.ENTER_STAYS)
def correct_stay(stay_id: int):
    stay = _own_stay(stay_id)
    form = CorrectStayForm(obj=stay if request.method == "GET" else None)
    done, saved, status = submit(form, lambda: services.correct_stay(
        db.session, stay, care_type=form.care_type.data, admitted_on=form.admitted_on.data,
        discharged_on=form.discharged_on.data, note=form.note.data, reason=form.reason.data,
        actor=actor_of(current_user), now=utcnow()))
    if done:
        return _saved(_("已保存更正（第 %(n)s 版）", n=saved.record.version), saved, stay_id)
    return render_template("records/stays/form.html", form=form, title=_("更正在院记录"), stay=stay,
                           provider_id=stay.provider_id), status


@bp.route("/<int:stay_id>/leaves/new", methods=["GET", "POST"])
@permission_required(Action.ENTER_STAYS)
def new_leave(stay_id: int):
    stay = _own_stay(stay_id)
    form = LeaveForm()
    done, saved, status = submit(form, lambda: services.open_leave(
        db.session, stay, out_on=form.out_on.data, back_on=form.back_on.data, reason=form.leave_reason.data,
        actor=actor_of(current_user), now=utcnow()))
    if done:
        return _saved(_("已登记请假"), saved, stay_id)
    return render_template("records/stays/form.html", form=form, title=_("登记请假"), stay=stay,
                           provider_id=stay.provider_id), status


def _own_leave(stay_id: int, leave_id: int) -> tuple[Stay, Leave]:
    stay = _own_stay(stay_id)
    return stay, services.get_leave(db.session, stay, leave_id)


@bp.post("/<int:stay_id>/leaves/<int:leave_id>/close")
@permission_required(Action.ENTER_STAYS)
def close_leave(stay_id: int, leave_id: int):
    _stay, leave = _own_leave(stay_id, leave_id)
    form = CloseLeaveForm()
    done, saved, _status = submit(form, lambda: services.close_leave(
        db.session, leave, back_on=form.back_on.data, actor=actor_of(current_user), now=utcnow()))
    if done:
        return _saved(_("已登记销假"), saved, stay_id)
    return _refused(form, stay_id)


@bp.route("/<int:stay_id>/leaves/<int:leave_id>/correct", methods=["GET", "POST"])
@permission_required(Action.ENTER_STAYS)
def correct_leave(stay_id: int, leave_id: int):
    stay, leave = _own_leave(stay_id, leave_id)
    form = CorrectLeaveForm(obj=leave if request.method == "GET" else None)
    if request.method == "GET":
        form.leave_reason.data = leave.reason
    done, saved, status = submit(form, lambda: services.correct_leave(
        db.session, leave, out_on=form.out_on.data, back_on=form.back_on.data, leave_reason=form.leave_reason.data,
        reason=form.reason.data, actor=actor_of(current_user), now=utcnow()))
    if done:
        return _saved(_("已保存更正（第 %(n)s 版）", n=saved.record.version), saved, stay_id)
    return render_template("records/stays/form.html", form=form, title=_("更正请假"), stay=stay,
                           provider_id=stay.provider_id), status


# --- the monthly census ------------------------------------------------------------------------------

def census_columns() -> list[Column]:
    return [Column(_("姓名"), "name"), Column(_("身份证号"), lambda r: mask_id(r.id_number)),
            Column(_("服务形式"), lambda r: label(r.care_type, "care_type")),
            Column(_("入院日期"), "admitted_on"), Column(_("出院日期"), "discharged_on"),
            Column(_("在院天数"), "present"), Column(_("可支付请假天数"), "leave_payable"),
            Column(_("不予支付请假天数"), "leave_not_payable"), Column(_("可支付床日"), "payable")]


@bp.get("/provider/<int:provider_id>/census")
@login_required
def census(provider_id: int):
    _require_viewer()
    provider = stay_lists.provider_for(db.session, current_user, provider_id)
    form = MonthForm(request.args)
    today = local_today()
    month = (parse_month(form.month.data) if form.validate() else None) or first_of_month(today)
    result = census_service.census_as_known(db.session, provider.id, month, today=today)
    if current_user.org_kind != "provider":  # the MIA and an insurer: only the persons in their scope
        visible = set(db.session.scalars(scoped(select(Stay.id).where(Stay.provider_id == provider.id),
                                                Stay, current_user)))
        result.rows = [r for r in result.rows if r.stay_id in visible]
    if fmt := requested_format(request.args.get("format")):
        return export_response(census_columns(), result.rows, fmt=fmt,
                               filename=f"{_('床日统计')}-{provider.name}-{month.strftime('%Y-%m')}")
    return render_template("records/stays/census.html", provider=provider, census=result, form=form,
                           month=month.strftime("%Y-%m"), masked={r.stay_id: mask_id(r.id_number) for r in result.rows})


# --- import: upload → preview → confirm, for stays and for leaves -------------------------------------

def _import_pages(what: str, endpoint: str) -> ImportPages:
    title = {STAYS: "批量导入在院记录", LEAVES: "批量导入请假记录"}[what]
    return ImportPages(
        uploads=PendingUploads(f"records-{what}"),
        preview=lambda session, data, filename, *, today: stay_imports.preview(
            session, data, filename, today=today, what=what, provider_id=current_user.org_id),
        apply=stay_imports.apply, upload_template="records/stays/import.html",
        preview_template="records/stays/import_preview.html", upload_endpoint=f".{endpoint}",
        done_endpoint=".list_stays", done_args=lambda counts: {"provider_id": current_user.org_id},
        done_message=lambda counts: _("导入完成：新增 %(create)d，更新 %(update)d，未变 %(unchanged)d", **counts),
        context=lambda: {"what": what, "title": _(title), "columns": stay_imports.COLUMNS[what],
                         "headers": stay_imports.TEMPLATES[what], "confirm_endpoint": f"stays.confirm_{endpoint}",
                         "upload_endpoint": f"stays.{endpoint}"},
        kind=stay_imports.KINDS[what], progress_endpoint=".import_progress", progress_title=lambda: _(title))


IMPORTS = {STAYS: _import_pages(STAYS, "import_stays"), LEAVES: _import_pages(LEAVES, "import_leaves")}


@bp.route("/import", methods=["GET", "POST"])
@permission_required(Action.ENTER_STAYS)
def import_stays():
    return IMPORTS[STAYS].upload(ImportForm(), ConfirmImportForm())


@bp.post("/import/confirm")
@permission_required(Action.ENTER_STAYS)
def confirm_import_stays():
    return IMPORTS[STAYS].confirm(ConfirmImportForm())


@bp.route("/import-leaves", methods=["GET", "POST"])
@permission_required(Action.ENTER_STAYS)
def import_leaves():
    return IMPORTS[LEAVES].upload(ImportForm(), ConfirmImportForm())


@bp.post("/import-leaves/confirm")
@permission_required(Action.ENTER_STAYS)
def confirm_import_leaves():
    return IMPORTS[LEAVES].confirm(ConfirmImportForm())


@bp.get("/import/template/<what>")
@permission_required(Action.ENTER_STAYS)
def import_template(what: str):
    """The empty template of an import (CSV or XLSX): its Chinese header row, in the user's language."""
    if what not in IMPORTS:
        abort(404)
    fmt = requested_format(request.args.get("format")) or "csv"
    columns = [Column(_(header), name) for name, header in stay_imports.TEMPLATES[what].items()]
    return export_response(columns, iter(()), fmt=fmt, filename=_(IMPORT_TEMPLATE_NAMES[what]))


IMPORT_TEMPLATE_NAMES = {STAYS: "在院记录导入模板", LEAVES: "请假记录导入模板"}


@bp.get("/imports/<int:import_id>")
@permission_required(Action.ENTER_STAYS)
def import_progress(import_id: int):
    """A large file's import, run by the scheduler process: its progress, or why it was refused."""
    for pages in IMPORTS.values():
        try:
            return pages.progress(import_id)
        except NotFound:
            continue
    raise NotFound("没有这个导入任务")
