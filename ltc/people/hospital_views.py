"""Hospital stay pages under ``/people/hospital-stays``: the scoped list and the two-step
import (upload → preview → confirm), MIA operators and admins only for the import."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action, can
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.pagination import paginate
from ltc.core.uploads import PendingUploads
from ltc.extensions import db
from ltc.people import hospital, hospital_import
from ltc.people.forms import ConfirmImportForm, ImportForm
from ltc.people.ids import mask_id

bp = Blueprint("hospital", __name__, url_prefix="/people/hospital-stays")

UPLOADS = PendingUploads("hospital")


@bp.get("/")
@permission_required(Action.ROSTER_VIEW)
def list_stays():
    category, q = request.args.get("category", ""), request.args.get("q", "")
    open_only = request.args.get("open") == "1"
    stmt = hospital.search_stays(current_user, category=category or None, open_only=open_only, q=q)
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    rows = [{"stay": stay, "person_id": person.id, "name": person.name, "id_number": mask_id(person.id_number)}
            for stay, person in page.items]
    return render_template("hospital/list.html", page=page, rows=rows, category=category, q=q,
                           open_only=open_only, labels=hospital.CATEGORY_LABELS,
                           can_import=can(current_user, Action.ROSTER_EDIT))


# --- import: upload → preview → confirm ---------------------------------------------------

def _preview_page(result: hospital_import.StaysPreview, confirm: ConfirmImportForm | None):
    return (render_template("hospital/import_preview.html", result=result, confirm=confirm,
                            labels=hospital.CATEGORY_LABELS), 200 if result.ok else 400)


@bp.route("/import", methods=["GET", "POST"])
@permission_required(Action.ROSTER_EDIT)
def import_stays():
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("hospital/import.html", form=form), 400 if form.errors else 200
    data, filename = form.file.data.read(), form.file.data.filename or ""
    result = hospital_import.preview(db.session, data, filename, today=local_today())
    if result.ok:
        UPLOADS.keep(data, filename)
    return _preview_page(result, ConfirmImportForm())


@bp.post("/import/confirm")
@permission_required(Action.ROSTER_EDIT)
def confirm_import():
    pending = UPLOADS.pop()
    data = UPLOADS.read(pending) if ConfirmImportForm().validate_on_submit() else None
    if data is None:
        UPLOADS.discard(pending)
        flash(_("没有待确认的导入文件，请重新上传"), "error")
        return redirect(url_for(".import_stays"))
    result = hospital_import.preview(db.session, data, pending["filename"], today=local_today())
    if not result.ok:  # the database changed since the preview
        UPLOADS.discard(pending)
        return _preview_page(result, None)
    counts = hospital_import.apply(db.session, result, actor=actor_of(current_user), now=utcnow())
    db.session.commit()
    UPLOADS.discard(pending)
    flash(_("导入完成：新增 %(create)d，更新 %(update)d，未变 %(unchanged)d", **counts), "success")
    return redirect(url_for(".list_stays"))
