"""Hospital stay pages under ``/people/hospital-stays``: the scoped list and the two-step
import (upload → preview → confirm), MIA operators and admins only for the import."""
from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action, can
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import utcnow
from ltc.web.imports import ImportPages
from ltc.core.pagination import paginate
from ltc.web.uploads import PendingUploads
from ltc.extensions import db
from ltc.web.forms import ConfirmImportForm, ImportForm
from ltc.people.hospital import services as hospital
from ltc.people.hospital import bulk
from ltc.people.hospital import imports as hospital_import
from ltc.people.ids import mask_id
from ltc.web.transactions import records_view

bp = Blueprint("hospital", __name__, url_prefix="/people/hospital-stays")

UPLOADS = PendingUploads("hospital")


@bp.get("/")
@records_view
@permission_required(Action.ROSTER_VIEW)
def list_stays():
    category, q = request.args.get("category", ""), request.args.get("q", "")
    open_only = request.args.get("open") == "1"
    stmt = hospital.search_stays(current_user, category=category or None, open_only=open_only, q=q)
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    rows = [{"stay": stay, "person_id": person.id, "name": person.name, "id_number": mask_id(person.id_number)}
            for stay, person in page.items]
    hospital.record_views(db.session, [row["stay"] for row in rows], actor=actor_of(current_user), now=utcnow())
    db.session.commit()  # the audited view
    return render_template("hospital/list.html", page=page, rows=rows, category=category, q=q,
                           open_only=open_only, labels=hospital.CATEGORY_LABELS,
                           can_import=can(current_user, Action.ROSTER_EDIT))


# --- import: upload → preview → confirm ---------------------------------------------------

IMPORT = ImportPages(
    uploads=UPLOADS, preview=hospital_import.preview, apply=hospital_import.apply,
    upload_template="hospital/import.html", preview_template="hospital/import_preview.html",
    upload_endpoint=".import_stays", done_endpoint=".list_stays",
    done_message=lambda counts: _("导入完成：新增 %(create)d，更新 %(update)d，未变 %(unchanged)d", **counts),
    context=lambda: {"labels": hospital.CATEGORY_LABELS}, kind=bulk.KIND, progress_endpoint=".import_progress",
    progress_title=lambda: _("批量导入住院记录"))


@bp.route("/import", methods=["GET", "POST"])
@permission_required(Action.ROSTER_EDIT)
def import_stays():
    return IMPORT.upload(ImportForm(), ConfirmImportForm())


@bp.post("/import/confirm")
@permission_required(Action.ROSTER_EDIT)
def confirm_import():
    return IMPORT.confirm(ConfirmImportForm())


@bp.get("/imports/<int:import_id>")
@permission_required(Action.ROSTER_EDIT)
def import_progress(import_id: int):
    """A large file's import, run by the scheduler process: its progress, or why it was refused."""
    return IMPORT.progress(import_id)
