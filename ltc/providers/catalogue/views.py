"""Service catalogue pages (SPEC §5.2): every staff user reads the list and the items; the MIA
admin edits an item and records new standard minutes from a date."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ltc.auth.permissions import Action, can
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.web.exports import Column, export_response, requested_format
from ltc.web.forms import submit
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.providers.catalogue import services
from ltc.providers.catalogue.models import ITEM_CLASS_LABELS, STAFF_TYPE_LABELS, ServiceItem
from ltc.providers.catalogue.forms import CatalogueFilterForm, ItemForm, MinutesForm

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")

LABELS = {"item_class": ITEM_CLASS_LABELS, "staff_type": STAFF_TYPE_LABELS, "care_type": CARE_TYPE_LABELS}
EXPORT_BATCH = 500


def _locale() -> str:
    return str(get_locale() or "")


def item_row(item: ServiceItem, minutes: int | None) -> dict:
    """One item as listed and exported, labels translated, the name in the user's language."""
    return {"id": item.id, "code": item.code, "national_code": item.national_code or "",
            "item_class": _(ITEM_CLASS_LABELS[item.item_class]), "name": item.name(_locale()),
            "name_zh": item.name_zh, "name_en": item.name_en, "minutes": minutes,
            "staff_types": "、".join(_(STAFF_TYPE_LABELS[s]) for s in item.staff_types),
            "care_types": "、".join(_(CARE_TYPE_LABELS[c]) for c in item.care_types),
            "active": _("启用") if item.active else _("停用")}


def export_columns() -> list[Column]:
    names = (("code", "编码"), ("national_code", "国家编码"), ("item_class", "项目类别"), ("name_zh", "项目名称"),
             ("name_en", "英文名称"), ("minutes", "今日标准时长（分钟）"), ("staff_types", "可提供人员"),
             ("care_types", "适用服务形式"), ("active", "状态"))
    return [Column(_(header), key) for key, header in names]


def _exported(stmt, today):
    for item in db.session.scalars(stmt.execution_options(yield_per=EXPORT_BATCH)):
        yield item_row(item, services.minutes_on(db.session, item.id, today))


@bp.get("/")
@permission_required(Action.VIEW_POLICY)
def list_items():
    filters = CatalogueFilterForm(request.args)
    today = local_today()
    stmt = services.catalogue_query(**filters.filters())
    if fmt := requested_format(request.args.get("format")):
        return export_response(export_columns(), _exported(stmt, today), fmt=fmt,
                               filename=f"{_('服务项目')}-{today.isoformat()}")
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"])
    minutes = services.minutes_for(db.session, [item.id for item in page.items], today)
    return render_template("catalogue/list.html", page=page, filters=filters, today=today,
                           rows=[item_row(item, minutes.get(item.id)) for item in page.items],
                           args=request.args.to_dict(), can_edit=can(current_user, Action.MANAGE_ORGS))


def _render_detail(item: ServiceItem, minutes_form: FlaskForm | None = None, status: int = 200):
    today = local_today()
    if minutes_form is None:
        minutes_form = MinutesForm(formdata=None, data={"valid_from": today})
    can_edit = can(current_user, Action.MANAGE_ORGS)
    return render_template(
        "catalogue/detail.html", item=item, row=item_row(item, services.minutes_on(db.session, item.id, today)),
        history=services.minutes_history(db.session, item.id), today=today, can_edit=can_edit,
        minutes_form=minutes_form if can_edit else None), status


@bp.get("/<int:item_id>")
@permission_required(Action.VIEW_POLICY)
def item_detail(item_id: int):
    return _render_detail(services.get_item(db.session, item_id))


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@permission_required(Action.MANAGE_ORGS)
def edit_item(item_id: int):
    item = services.get_item(db.session, item_id)
    form = ItemForm(obj=item)
    if not form.is_submitted():
        form.staff_types.data, form.care_types.data = item.staff_types, item.care_types
    done, _result, status = submit(form, lambda: services.update_item(
        db.session, item, actor=actor_of(current_user), now=utcnow(), **form.values()))
    if done:
        flash(_("服务项目已保存"), "success")
        return redirect(url_for(".item_detail", item_id=item.id))
    return render_template("catalogue/form.html", form=form, item=item), status


@bp.post("/<int:item_id>/minutes")
@permission_required(Action.MANAGE_ORGS)
def change_minutes(item_id: int):
    item = services.get_item(db.session, item_id)
    form = MinutesForm()
    done, _result, status = submit(form, lambda: services.change_minutes(
        db.session, item, actor=actor_of(current_user), now=utcnow(), **form.values()))
    if done:
        flash(_("标准时长已登记"), "success")
        return redirect(url_for(".item_detail", item_id=item.id))
    return _render_detail(db.session.get(ServiceItem, item_id), form, status)
