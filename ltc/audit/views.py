"""The audit log page (SPEC §10): browse, filter and export, newest first.

The MIA admin sees every entry; an admin of another organisation sees the entries written by
users of their own organisation (``org_id`` is the acting user's organisation). SPEC §1 gives
the insurer "own districts"; entries carry no district yet, so insurers get their own
organisation too. ID numbers and phone numbers inside before/after values are masked, as in
every list (SPEC §1); the full values stay in the table. Every filter runs on an index:
``at``, ``(org_id, at)``, ``(user_id, at)``, ``(entity, entity_id)``.
"""
import json
from dataclasses import dataclass
from typing import Any
from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select, select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from ltc.auth.models import User
from ltc.auth.permissions import Action
from ltc.auth.web import permission_required
from ltc.core.audit import AuditEntry
from ltc.core.clock import LOCAL_TZ
from ltc.web.exports import Column, export_response, requested_format
from ltc.web.forms import PlainForm
from ltc.web.labels import label, recorded
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id, mask_phone

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


class AuditFilterForm(PlainForm):
    """The GET filter of the audit log; ``org`` is offered to the MIA only."""

    date_from = DateField(_l("起始日期"), validators=[Optional()])
    date_to = DateField(_l("截止日期"), validators=[Optional()])
    user = StringField(_l("用户名"), validators=[Optional(), Length(max=60)])
    org = SelectField(_l("机构"), choices=[], validate_choice=False, validators=[Optional()])
    action = StringField(_l("操作"), validators=[Optional(), Length(max=40)])
    entity = StringField(_l("对象类型"), validators=[Optional(), Length(max=60)])
    entity_id = StringField(_l("对象编号"), validators=[Optional(), Length(max=60)])


@dataclass(frozen=True)
class AuditCriteria:
    date_from: date | None = None
    date_to: date | None = None
    user_id: int | None = None
    org_id: int | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, LOCAL_TZ).astimezone(timezone.utc)


def audit_query(viewer: User, criteria: AuditCriteria) -> Select:
    """Rows ``(entry, username, full name, org name)`` the viewer may see, newest first."""
    stmt = (select(AuditEntry, User.username, User.full_name, Organisation.name)
            .outerjoin(User, User.id == AuditEntry.user_id)
            .outerjoin(Organisation, Organisation.id == AuditEntry.org_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    if viewer.org_kind != "mia":
        stmt = stmt.where(AuditEntry.org_id == viewer.org_id)
    elif criteria.org_id is not None:
        stmt = stmt.where(AuditEntry.org_id == criteria.org_id)
    if criteria.date_from is not None:
        stmt = stmt.where(AuditEntry.at >= _local_midnight_utc(criteria.date_from))
    if criteria.date_to is not None:
        stmt = stmt.where(AuditEntry.at < _local_midnight_utc(criteria.date_to + timedelta(days=1)))
    if criteria.user_id is not None:
        stmt = stmt.where(AuditEntry.user_id == criteria.user_id)
    for column, value in ((AuditEntry.action, criteria.action), (AuditEntry.entity, criteria.entity),
                          (AuditEntry.entity_id, criteria.entity_id)):
        if value:
            stmt = stmt.where(column == value.strip())
    return stmt


def _criteria(form: AuditFilterForm) -> AuditCriteria:
    if not form.validate():
        return AuditCriteria(org_id=-1)  # an invalid filter shows nothing rather than everything
    org, user_id = form.org.data, None
    if username := (form.user.data or "").strip().lower():
        # resolved first so that the filter is an equality on the (user_id, at) index
        user_id = db.session.scalar(select(User.id).where(User.username == username)) or -1
    return AuditCriteria(form.date_from.data, form.date_to.data, user_id,
                         int(org) if org and org.isdigit() else None, form.action.data or None,
                         form.entity.data or None, form.entity_id.data or None)


MASKS = (("id_number", mask_id), ("phone", mask_phone), ("account", mask_id))


def masked(value: Any, key: str = "") -> Any:
    """``value`` with personal numbers masked, judged by their keys (``id_number``, ``*phone*``,
    ``*account*``), at any depth."""
    if isinstance(value, dict):
        return {k: masked(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, key) for v in value]
    for part, mask in MASKS:
        if part in key and isinstance(value, str):
            return mask(value)
    return value


def _json(value) -> str:
    return "" if value is None else json.dumps(masked(value), ensure_ascii=False, sort_keys=True)


def audit_columns() -> list[Column]:
    """The export's columns: the action, the actor (a name, or 系统) and the record type in words of the
    user's language, like the page; the values before and after as JSON."""
    return [Column(_l("时间"), lambda r: r[0].at), Column(_l("用户名"), lambda r: r[1]),
            Column(_l("姓名"), lambda r: r[2] if r[1] else label("system", "actor")),
            Column(_l("机构"), lambda r: r[3]),
            Column(_l("操作"), lambda r: label(r[0].action, "audit_action")),
            Column(_l("对象类型"), lambda r: label(r[0].entity, "audit_entity")),
            Column(_l("对象编号"), lambda r: r[0].entity_id), Column(_l("修改前"), lambda r: _json(r[0].before)),
            Column(_l("修改后"), lambda r: _json(r[0].after)), Column(_l("说明"), lambda r: r[0].detail)]


@bp.get("/")
@permission_required(Action.VIEW_AUDIT)
def log():
    form = AuditFilterForm(request.args)
    is_mia = current_user.org_kind == "mia"
    if is_mia:
        orgs = db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name))
        form.org.choices = [("", _l("全部"))] + [(str(i), name) for i, name in orgs]
    stmt = audit_query(current_user, _criteria(form))
    if fmt := requested_format(request.args.get("format")):
        rows = db.session.execute(stmt.execution_options(yield_per=500))
        return export_response(audit_columns(), rows, fmt=fmt, filename="audit-log", title="audit")
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    export_args = {k: v for k, v in request.args.items() if k not in ("page", "format")}
    return render_template("audit/log.html", page=page, form=form, is_mia=is_mia, recorded=recorded, masked=masked,
                           export_args=export_args)
