"""Carer register pages under ``/carers`` (SPEC §1): a provider's admin and operators manage their
own carers; the MIA and insurers read the registers in their scope; a carer login sees its own
entry (``/carers/me``). A carer outside the user's scope is a 404."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.people.ids import mask_id, mask_phone
from ltc.providers.carers import imports as carer_import
from ltc.providers.carers import bulk
from ltc.providers.carers.forms import CarerFilterForm, CarerForm
from ltc.providers.carers.models import Carer
from ltc.providers.carers.services import detail as details, readers, register, scope
from ltc.web.exports import Column, export_response, requested_format
from ltc.web.forms import ConfirmImportForm, ImportForm, submit
from ltc.web.imports import ImportPages
from ltc.web.labels import label, recorded
from ltc.web.transactions import records_view
from ltc.web.uploads import PendingUploads

bp = Blueprint("carers", __name__, url_prefix="/carers")
UPLOADS = PendingUploads("carers")
EXPORT_BATCH = 1000


def _criteria(form: CarerFilterForm) -> scope.CarerFilter:
    if scope.may_manage(current_user):
        del form.provider_id
        provider_id = None
    else:
        form.provider_id.choices = [SelectChoice("", _("全部"))] + [
            SelectChoice(str(o.id), o.name) for o in scope.providers_in_scope(db.session, current_user)]
        provider_id = request.args.get("provider_id", type=int)
    valid = form.validate()
    return scope.CarerFilter(q=(form.q.data or "") if valid else "", staff_type=form.staff_type.data or None,
                             state=form.state.data or None, provider_id=provider_id)


def _row(carer: Carer, provider: str, suspended: set[int], today) -> dict:
    state = scope.state_of(carer, carer.id in suspended, today)
    return {"id": carer.id, "name": carer.name, "id_number": mask_id(carer.id_number), "provider": provider,
            "staff_type": label(carer.staff_type, "staff_type"), "phone": mask_phone(carer.phone),
            "employed_from": carer.employed_from, "left_on": carer.left_on,
            "state": _(scope.STATE_LABELS[state]) if state else _("尚未入职")}


def export_columns() -> list[Column]:
    names = (("name", "姓名"), ("id_number", "身份证号"), ("provider", "护理机构"), ("staff_type", "人员类别"),
             ("phone", "电话"), ("employed_from", "入职日期"), ("left_on", "离职日期"), ("state", "状态"))
    return [Column(_(header), key) for key, header in names]


def _rows(pairs, today) -> list[dict]:
    suspended = readers.suspended_on(db.session, [c.id for c, _name in pairs], today)
    return [_row(carer, name, suspended, today) for carer, name in pairs]


def _export_rows(stmt, today):
    batch = []
    for pair in db.session.execute(stmt.execution_options(yield_per=EXPORT_BATCH)).tuples():
        batch.append(pair)
        if len(batch) == EXPORT_BATCH:
            yield from _rows(batch, today)
            batch = []
    yield from _rows(batch, today)


@bp.get("/")
@permission_required(Action.VIEW_CARERS)
def list_carers():
    form = CarerFilterForm(request.args)
    today = local_today()
    stmt = scope.search_carers(current_user, _criteria(form), day=today)
    if fmt := requested_format(request.args.get("format")):
        return export_response(export_columns(), _export_rows(stmt, today), fmt=fmt,
                               filename=f"{_('护理人员名册')}-{today.isoformat()}")
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    return render_template("carers/list.html", form=form, page=page, rows=_rows(page.items, today),
                           can_manage=scope.may_manage(current_user), args=request.args.to_dict())


def _detail_context() -> dict:
    return {"state_labels": scope.STATE_LABELS, "recorded": recorded}


@bp.get("/<int:carer_id>")
@records_view
@login_required
def detail(carer_id: int):
    found = details.show_carer(db.session, current_user, carer_id, day=local_today(), now=utcnow())
    db.session.commit()  # the audited full view
    return render_template("carers/detail.html", d=found, today=local_today(),
                           can_manage=scope.may_manage(current_user), **_detail_context())


@bp.get("/me")
@permission_required(Action.OWN_CARER_ENTRY)
def my_entry():
    """A carer login's own register entry, read-only (or why there is none yet)."""
    carer = readers.carer_of_user(db.session, current_user)
    if carer is None:
        return render_template("carers/no_entry.html")
    found = details.carer_detail(db.session, carer, day=local_today())
    return render_template("carers/detail.html", d=found, today=local_today(), can_manage=False, own=True,
                           **_detail_context())


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def new_carer():
    form = CarerForm()
    if not form.is_submitted():
        form.employed_from.data = local_today()
    done, carer, status = submit(form, lambda: register.register_carer(
        db.session, provider_id=current_user.org_id, entry=form.entry(), actor=actor_of(current_user), now=utcnow()))
    if done:
        flash(_("已登记护理人员 %(name)s", name=carer.name), "success")
        return redirect(url_for(".detail", carer_id=carer.id))
    return render_template("carers/form.html", form=form, title=_("登记护理人员"), carer=None), status


def _version(raw: str | None) -> int:
    """The version the edited page was read at (anything else is stale: refused, never a 500)."""
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() else 0


@bp.route("/<int:carer_id>/edit", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def edit_carer(carer_id: int):
    carer = get_scoped(db.session, current_user, Carer, carer_id)
    form = CarerForm(obj=carer)
    if not form.is_submitted():
        form.version.data = str(carer.version)
    done, _carer, status = submit(form, lambda: register.update_carer(
        db.session, carer, entry=form.entry(), expected_version=_version(form.version.data),
        actor=actor_of(current_user), now=utcnow()))
    if done:
        flash(_("已保存"), "success")
        return redirect(url_for(".detail", carer_id=carer.id))
    return render_template("carers/form.html", form=form, title=_("编辑护理人员"), carer=carer), status


# --- import: upload → preview → confirm -----------------------------------------------------

def _preview(session, data: bytes, filename: str, *, today):
    return carer_import.preview(session, data, filename, today=today, provider_id=current_user.org_id)


IMPORT = ImportPages(
    uploads=UPLOADS, preview=_preview, apply=carer_import.apply,
    upload_template="carers/import.html", preview_template="carers/import_preview.html",
    upload_endpoint=".import_carers", done_endpoint=".list_carers",
    done_message=lambda counts: _("导入完成：新增 %(create)d，更新 %(update)d，未变 %(unchanged)d", **counts),
    kind=bulk.KIND, progress_endpoint=".import_progress", progress_title=lambda: _("批量导入护理人员"))


@bp.route("/import", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def import_carers():
    return IMPORT.upload(ImportForm(), ConfirmImportForm())


@bp.post("/import/confirm")
@permission_required(Action.MANAGE_CARERS)
def confirm_import():
    return IMPORT.confirm(ConfirmImportForm())


@bp.get("/import/template")
@permission_required(Action.MANAGE_CARERS)
def import_template():
    """The empty import template (CSV or XLSX) with its Chinese header row."""
    fmt = requested_format(request.args.get("format")) or "xlsx"
    columns = [Column(header, name) for name, header in carer_import.TEMPLATE.items()]
    return export_response(columns, iter(()), fmt=fmt, filename=_("护理人员导入模板"))


@bp.get("/imports/<int:import_id>")
@permission_required(Action.MANAGE_CARERS)
def import_progress(import_id: int):
    return IMPORT.progress(import_id)

