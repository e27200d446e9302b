"""Admin pages of the working-day calendar (MIA admins): overrides by year, add and delete; a
year's official schedule loaded from a file (upload → preview → confirm); marking a year loaded."""
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ltc.auth.models import User
from ltc.auth.permissions import Action
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.calendar import services as schedule
from ltc.calendar.forms import OverrideForm, YearLoadedForm
from ltc.core.calendar import (CalendarOverride, CalendarYear, delete_override, mark_year_loaded,
                               official_calendar_knows, set_override)
from ltc.core.clock import local_today, utcnow
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.web.forms import ConfirmImportForm, ImportForm, submit
from ltc.web.imports import ImportPages
from ltc.web.uploads import PendingUploads

bp = Blueprint("calendar", __name__, url_prefix="/admin/calendar")
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")  # msgids


def _year_arg(default: int) -> int:
    year = request.args.get("year", type=int)
    return year if year is not None and 2000 <= year <= 2100 else default


def _year_state(year: int) -> dict:
    """Whether ``year`` is loaded, and by whom and when an admin marked it."""
    row = db.session.get(CalendarYear, year)
    marked = row is not None and row.loaded
    user = db.session.get(User, row.loaded_by) if marked and row.loaded_by else None
    return {"official_known": official_calendar_knows(year), "marked_loaded": marked,
            "loaded_at": row.loaded_at if marked else None, "loaded_by": user.full_name if user else None}


def _render(form: OverrideForm, year: int, status: int = 200, loaded_form: YearLoadedForm | None = None):
    stmt = (select(CalendarOverride)
            .where(CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day < date(year + 1, 1, 1))
            .order_by(CalendarOverride.day))
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"])
    this_year = local_today().year
    return render_template(
        "calendar/overrides.html", form=form, page=page, year=year, loaded_form=loaded_form or YearLoadedForm(),
        years=sorted({this_year - 1, this_year, this_year + 1, year}), weekdays=WEEKDAYS, **_year_state(year),
    ), status


@bp.get("/")
@permission_required(Action.MANAGE_ORGS)
def overrides():
    year = _year_arg(local_today().year)
    return _render(OverrideForm(), year)


@bp.post("/")
@permission_required(Action.MANAGE_ORGS)
def add_override():
    form = OverrideForm()
    done, _row, status = submit(form, lambda: set_override(
        db.session, day=form.day.data, is_workday=form.kind.data == "workday", note=form.note.data,
        actor=actor_of(current_user), now=utcnow()))
    if not done:
        return _render(form, _year_arg(local_today().year), status)
    flash(_("已保存 %(day)s", day=form.day.data.isoformat()), "success")
    return redirect(url_for("calendar.overrides", year=form.day.data.year))


@bp.post("/<day>/delete")
@permission_required(Action.MANAGE_ORGS)
def remove_override(day: str):
    """CSRFProtect checks the token of this button-only form before the view runs."""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    delete_override(db.session, parsed, actor=actor_of(current_user), now=utcnow())
    db.session.commit()
    flash(_("已删除 %(day)s", day=parsed.isoformat()), "success")
    return redirect(url_for("calendar.overrides", year=parsed.year))


@bp.post("/<int:year>/loaded")
@permission_required(Action.MANAGE_ORGS)
def mark_loaded(year: int):
    """Mark the year loaded (its holidays and 调休 workdays are all entered), or not loaded again."""
    form = YearLoadedForm()
    done, row, status = submit(form, lambda: mark_year_loaded(
        db.session, year, loaded=form.loaded.data == "1", actor=actor_of(current_user), now=utcnow()))
    if not done:
        return _render(OverrideForm(formdata=None), year, status, loaded_form=form)
    flash(_("%(year)s 年工作日历已标记为已加载", year=year) if row.loaded
          else _("已取消 %(year)s 年的已加载标记", year=year), "success")
    return redirect(url_for("calendar.overrides", year=year))


# --- a year's official schedule from a file: upload → preview → confirm -------------------------

IMPORT = ImportPages(
    uploads=PendingUploads("calendar"), preview=schedule.preview, apply=schedule.apply,
    upload_template="calendar/import.html", preview_template="calendar/import_preview.html",
    upload_endpoint=".import_schedule", done_endpoint=".overrides",
    done_message=lambda counts: _("%(year)s 年放假安排已导入：新增 %(create)d，更新 %(update)d，未变 %(unchanged)d",
                                  **counts),
    done_args=lambda counts: {"year": counts["year"]},
    context=lambda: {"weekdays": WEEKDAYS, "type_labels": schedule.TYPE_LABELS})


@bp.route("/import", methods=["GET", "POST"])
@permission_required(Action.MANAGE_ORGS)
def import_schedule():
    return IMPORT.upload(ImportForm(), ConfirmImportForm())


@bp.post("/import/confirm")
@permission_required(Action.MANAGE_ORGS)
def confirm_import():
    return IMPORT.confirm(ConfirmImportForm())
