"""Roster pages: list (masked), detail (full values, audited), create / edit, dated
changes, death, the two-step import and the MIA admin's ID-number collisions."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.web.imports import ImportPages
from ltc.core.errors import DomainError
from ltc.web.forms import ConfirmImportForm, ImportForm, attach_errors, submit
from ltc.core.pagination import paginate
from ltc.web.uploads import PendingUploads
from ltc.extensions import db
from ltc.web.related import person_sections
from ltc.people import bulk, id_numbers, merging, services
from ltc.people.hospital import services as hospital
from ltc.people import imports as importer
from ltc.people.forms import (CategoryForm, CorrectIdNumberForm, DeathForm, EndTagForm, MergePersonsForm,
                              NewPersonForm, PersonForm, StatusForm, TagForm, UndoDeathForm)
from ltc.people.ids import mask_id, mask_phone
from ltc.people.kinds import COLLISION_KIND_LABELS
from ltc.people.models import CATEGORY_LABELS, SEX_LABELS, STATUS_LABELS, TAG_LABELS, InsuredPerson
from ltc.web.messages import error_words
from ltc.web.transactions import records_view

bp = Blueprint("people", __name__, url_prefix="/people")

LABELS = {"status": STATUS_LABELS, "category": CATEGORY_LABELS, "tag": TAG_LABELS, "sex": SEX_LABELS}
UPLOADS = PendingUploads("people")


def _row(person: InsuredPerson, status: str | None) -> dict:
    """A list row: ID number and phone masked (SPEC §2)."""
    return {"id": person.id, "name": person.name, "id_number": mask_id(person.id_number),
            "phone": mask_phone(person.phone), "sex": SEX_LABELS[person.sex], "district": person.district,
            "township": person.township or "", "village": person.village or "",
            "status": STATUS_LABELS.get(status, "—")}


@bp.get("/")
@permission_required(Action.ROSTER_VIEW)
def list_persons():
    q, district = request.args.get("q", ""), request.args.get("district", "")
    page = paginate(db.session, services.search_persons(current_user, q, district),
                    page=request.args.get("page", 1, type=int), per_page=current_app.config["PER_PAGE"])
    statuses = services.statuses_on(db.session, [p.id for p in page.items], local_today())
    return render_template("people/list.html", page=page, rows=[_row(p, statuses.get(p.id)) for p in page.items],
                           q=q, district=district, districts=services.districts_in_scope(db.session, current_user),
                           can_edit=can(current_user, Action.ROSTER_EDIT))


@bp.get("/<int:person_id>")
@records_view
@permission_required(Action.ROSTER_VIEW)
def view_person(person_id: int):
    detail = services.get_person_full(db.session, current_user, person_id, now=utcnow())
    db.session.commit()  # the audited view
    editing = can(current_user, Action.ROSTER_EDIT)
    forms = {"status": StatusForm(prefix="status"), "category": CategoryForm(prefix="category"),
             "tag": TagForm(prefix="tag"), "end_tag": EndTagForm(prefix="end_tag"),
             "death": DeathForm(prefix="death")} if editing else {}
    can_undo_death = can(current_user, Action.UNDO_DEATH) and detail.person.death_date is not None
    if can_undo_death:
        forms["undo_death"] = UndoDeathForm(prefix="undo_death")
    in_collision = can(current_user, Action.RESOLVE_ID_COLLISIONS) and id_numbers.in_open_collision(
        db.session, person_id)
    return render_template("people/detail.html", d=detail, p=detail.person, labels=LABELS, forms=forms,
                           can_edit=editing, in_id_collision=in_collision,
                           can_record_death=editing and detail.person.death_date is None,
                           can_undo_death=can_undo_death,
                           stays=hospital.stays_of(db.session, person_id), stay_labels=hospital.CATEGORY_LABELS,
                           merged_from=merging.merged_from(db.session, person_id),
                           sections=person_sections(db.session, current_user, person_id),
                           can_file=can(current_user, Action.FILE_APPLICATION) and detail.person.death_date is None)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Action.ROSTER_EDIT)
def create_person():
    form = NewPersonForm()
    done, person, status = submit(form, lambda: services.create_person(
        db.session, form.person_values(), actor=actor_of(current_user), now=utcnow(), status=form.status.data,
        category=form.category.data or None, tags=form.tags.data or (), valid_from=form.valid_from.data))
    if done:
        flash(_("已登记参保人 %(name)s", name=person.name), "success")
        return redirect(url_for(".view_person", person_id=person.id))
    return render_template("people/form.html", form=form, title=_("登记参保人")), status


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@records_view
@permission_required(Action.ROSTER_EDIT)
def edit_person(person_id: int):
    if request.method == "GET":  # the form shows full values: an audited view
        person = services.get_person_full(db.session, current_user, person_id, now=utcnow()).person
        db.session.commit()
    else:
        person = get_scoped(db.session, current_user, InsuredPerson, person_id)
    form = PersonForm(obj=person)
    if form.validate_on_submit():
        try:
            services.update_person(db.session, person, form.person_values(), actor=actor_of(current_user),
                                   now=utcnow())
        except DomainError as exc:
            db.session.rollback()
            attach_errors(form, exc)
        else:
            db.session.commit()
            flash(_("已保存"), "success")
            return redirect(url_for(".view_person", person_id=person_id))
    return (render_template("people/form.html", form=form, title=_("编辑参保人"), person_id=person_id),
            400 if form.errors else 200)


def _dated_change(person_id: int, form, change) -> Response:
    """Shared handling of the small forms on the detail page: one service call, commit."""
    person = get_scoped(db.session, current_user, InsuredPerson, person_id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash("；".join(str(e) for e in errors), "error")
    else:
        try:
            changed = change(person, form, {"actor": actor_of(current_user), "now": utcnow()})
        except DomainError as exc:
            db.session.rollback()
            flash(error_words(exc), "error")
        else:
            db.session.commit()
            flash(_("已保存") if changed else _("没有变化"), "success" if changed else "info")
    return redirect(url_for(".view_person", person_id=person_id))


@bp.post("/<int:person_id>/status")
@permission_required(Action.ROSTER_EDIT)
def change_status(person_id: int):
    return _dated_change(person_id, StatusForm(prefix="status"), lambda p, f, kw: services.set_status(
        db.session, p, status=f.status.data, valid_from=f.valid_from.data, **kw))


@bp.post("/<int:person_id>/category")
@permission_required(Action.ROSTER_EDIT)
def change_category(person_id: int):
    return _dated_change(person_id, CategoryForm(prefix="category"), lambda p, f, kw: services.set_category(
        db.session, p, category=f.category.data, valid_from=f.valid_from.data, **kw))


@bp.post("/<int:person_id>/tags")
@permission_required(Action.ROSTER_EDIT)
def add_tag(person_id: int):
    return _dated_change(person_id, TagForm(prefix="tag"), lambda p, f, kw: services.add_tag(
        db.session, p, tag=f.tag.data, valid_from=f.valid_from.data, **kw))


@bp.post("/<int:person_id>/tags/end")
@permission_required(Action.ROSTER_EDIT)
def end_tag(person_id: int):
    return _dated_change(person_id, EndTagForm(prefix="end_tag"), lambda p, f, kw: services.end_tag(
        db.session, p, tag=f.tag.data, valid_to=f.valid_to.data, **kw))


@bp.post("/<int:person_id>/death")
@permission_required(Action.ROSTER_EDIT)
def record_death(person_id: int):
    return _dated_change(person_id, DeathForm(prefix="death"), lambda p, f, kw: services.record_death(
        db.session, p, death_date=f.death_date.data, **kw))


@bp.post("/<int:person_id>/death/undo")
@permission_required(Action.UNDO_DEATH)
def undo_death(person_id: int):
    """An MIA admin removes a death recorded in error, with the reason (SPEC §2)."""
    return _dated_change(person_id, UndoDeathForm(prefix="undo_death"), lambda p, f, kw: services.undo_death(
        db.session, p, reason=f.reason.data, **kw))


# --- import: upload → preview → confirm ---------------------------------------------------

IMPORT = ImportPages(
    uploads=UPLOADS, preview=importer.preview, apply=importer.apply,
    upload_template="people/import.html", preview_template="people/import_preview.html",
    upload_endpoint=".import_persons", done_endpoint=".list_persons",
    done_message=lambda counts: _("导入完成：新增 %(create)d，更新 %(update)d，未变 %(unchanged)d", **counts),
    context=lambda: {"labels": LABELS}, kind=bulk.KIND, progress_endpoint=".import_progress",
    progress_title=lambda: _("批量导入参保人"))


@bp.route("/import", methods=["GET", "POST"])
@permission_required(Action.ROSTER_EDIT)
def import_persons():
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


# --- ID-number collisions (MIA admin) -------------------------------------------------------

@bp.get("/id-collisions")
@records_view
@permission_required(Action.RESOLVE_ID_COLLISIONS)
def id_collisions():
    rows = id_numbers.show_collisions(db.session, current_user, now=utcnow())
    db.session.commit()  # the audited full view of both persons
    persons = {p.id for c in rows for p in (c.person, c.other_person) if p is not None}
    return render_template("people/id_collisions.html", rows=rows, form=CorrectIdNumberForm(),
                           kinds=COLLISION_KIND_LABELS, labels=LABELS,
                           statuses=services.statuses_on(db.session, persons, local_today()))


@bp.post("/id-collisions/<int:collision_id>/correct")
@permission_required(Action.RESOLVE_ID_COLLISIONS)
def correct_id_number(collision_id: int):
    form = CorrectIdNumberForm()
    _flashed(form, lambda: id_numbers.correct_id_number(
        db.session, collision_id, person_id=form.person_id.data, id_number=form.id_number.data,
        actor=actor_of(current_user), now=utcnow()), _("已更正身份证号"))
    return redirect(url_for(".id_collisions"))


def _flashed(form, run, success: str):
    """Run the collision service through the form; flash the outcome. Returns its result (None when refused)."""
    done, result, _status = submit(form, run)
    if done:
        flash(success, "success")
    else:
        flash("；".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return result


@bp.get("/id-collisions/<int:collision_id>/merge")
@permission_required(Action.RESOLVE_ID_COLLISIONS)
def merge_preview(collision_id: int):
    form = MergePersonsForm(survivor_id=request.args.get("survivor", type=int))
    try:
        preview = merging.preview_merge(db.session, collision_id, survivor_id=form.survivor_id.data)
    except DomainError as exc:
        flash(error_words(exc), "error")
        return redirect(url_for(".id_collisions"))
    return render_template("people/merge.html", v=preview, form=form)


@bp.post("/id-collisions/<int:collision_id>/merge")
@permission_required(Action.RESOLVE_ID_COLLISIONS)
def merge_persons(collision_id: int):
    form = MergePersonsForm()
    merge = _flashed(form, lambda: merging.merge_persons(
        db.session, collision_id, survivor_id=form.survivor_id.data, reason=form.reason.data,
        actor=actor_of(current_user), now=utcnow()), _("已合并：重复登记的参保人的记录已移至保留的参保人"))
    if merge is not None:
        return redirect(url_for(".view_person", person_id=merge.survivor_id))
    return redirect(url_for(".merge_preview", collision_id=collision_id, survivor=form.survivor_id.data))
