"""Admin page of the working-day calendar: overrides by year, add and delete (MIA admins)."""
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from ltc.auth.permissions import Action
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.calendar import CalendarOverride, delete_override, official_calendar_knows, set_override
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import DomainError
from ltc.web.forms import attach_errors
from ltc.core.pagination import paginate
from ltc.extensions import db

bp = Blueprint("calendar", __name__, url_prefix="/admin/calendar")
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")  # msgids


class OverrideForm(FlaskForm):
    day = DateField(_l("日期"), validators=[DataRequired()])
    kind = SelectField(_l("类型"), choices=[SelectChoice("holiday", _l("节假日（休息）")),
                                          SelectChoice("workday", _l("调休工作日"))],
                      default="holiday", validators=[DataRequired()])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=200)],
                       description=_l("例如：春节、国庆节调休"))
    submit = SubmitField(_l("保存"))


def _year_arg(default: int) -> int:
    year = request.args.get("year", type=int)
    return year if year is not None and 2000 <= year <= 2100 else default


def _render(form: OverrideForm, year: int, status: int = 200):
    stmt = (select(CalendarOverride)
            .where(CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day < date(year + 1, 1, 1))
            .order_by(CalendarOverride.day))
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"])
    this_year = local_today().year
    return render_template(
        "calendar/overrides.html", form=form, page=page, year=year,
        years=sorted({this_year - 1, this_year, this_year + 1, year}),
        official_known=official_calendar_knows(year), weekdays=WEEKDAYS,
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
    year = _year_arg(local_today().year)
    if not form.validate_on_submit():
        return _render(form, year, 400)
    try:
        set_override(db.session, day=form.day.data, is_workday=form.kind.data == "workday",
                     note=form.note.data, actor=actor_of(current_user), now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        attach_errors(form, exc)
        return _render(form, year, exc.status)
    db.session.commit()
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
