"""Entitlement pages under ``/entitlements``: the scoped list, the detail with its events and
notices, the provider's "entitled with us today" list with exports, and the go-live import
(upload → preview → confirm, MIA admins). Under ``/reviews/entitlement`` (blueprint
``entitlement_requests``): the insurer's pages to open an entitlement review for another
choice and to see the requests that were not opened."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.numbers import application_id_of
from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped, scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import Conflict, ValidationFailed
from ltc.web.forms import ConfirmImportForm, ImportForm, attach_errors
from ltc.web.imports import ImportPages
from ltc.web.exports import Column, export_response, requested_format
from ltc.core.pagination import paginate
from ltc.web.uploads import PendingUploads
from ltc.entitlements import services
from ltc.entitlements import bulk
from ltc.entitlements import imports as migration_import
from ltc.entitlements.forms import STATE_LABELS, FilterForm, RequestEntitlementForm
from ltc.entitlements.models import END_REASON_LABELS, LEVEL_NAMES, ORIGIN_LABELS, Entitlement
from ltc.entitlements.notice import entitlement_number, plan_version_of
from ltc.entitlements.opening import request_entitlement
from ltc.entitlements.picking import application_named
from ltc.entitlements.models import EntitlementRequest
from ltc.entitlements.states import EVENT_ACTION_LABELS, STATUS_LABELS, EntitlementStatus, RequestStatus
from ltc.extensions import db
from ltc.web.periods import period_text
from ltc.web.related import related
from ltc.notices.services import notices_for
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.orgs.models import Organisation
from ltc.people.finding import person_matches
from ltc.people.ids import mask_id
from ltc.people.models import InsuredPerson
from ltc.providers.services import active_providers
from ltc.reviews.registry import ListLink

bp = Blueprint("entitlements", __name__, url_prefix="/entitlements")
requests_bp = Blueprint("entitlement_requests", __name__, url_prefix="/reviews/entitlement")

UPLOADS = PendingUploads("entitlements")
EXPORT_BATCH = 500
LABELS = {"care_type": CARE_TYPE_LABELS, "level": LEVEL_NAMES, "origin": ORIGIN_LABELS,
          "end_reason": END_REASON_LABELS, "state": STATE_LABELS, "status": STATUS_LABELS,
          "event_action": EVENT_ACTION_LABELS}


def _row(entitlement: Entitlement, person: InsuredPerson, provider_name: str = "") -> dict:
    """A list row: the ID number masked (SPEC §2), labels translated."""
    e = entitlement
    return {"id": e.id, "person_id": person.id, "name": person.name, "id_number": mask_id(person.id_number),
            "district": person.district, "level": e.level, "level_name": _(LEVEL_NAMES[e.level]),
            "care_type": _(CARE_TYPE_LABELS[e.care_type]), "provider": provider_name,
            "valid_from": e.valid_from, "valid_to": e.valid_to, "last_day": e.valid_to - timedelta(days=1),
            "end_reason": _(END_REASON_LABELS[e.end_reason]) if e.end_reason else "",
            "origin": _(ORIGIN_LABELS[e.origin])}


def state_of(e: Entitlement, today) -> str:
    """The entitlement's state on ``today`` as the list shows it: void, not started, current or ended."""
    if e.status == EntitlementStatus.VOID:
        return _(STATUS_LABELS[EntitlementStatus.VOID])
    key = "future" if e.valid_from > today else "ended" if e.valid_to <= today else "active"
    return _(STATE_LABELS[key])


def list_row(e: Entitlement, person: InsuredPerson, provider_name: str, today) -> dict:
    """A row of the list and its export: the state on ``today``, the end reason only once ended."""
    ended = e.valid_to <= today or e.status == EntitlementStatus.VOID
    return {**_row(e, person, provider_name), "state": state_of(e, today),
            "period": period_text(e.valid_from, e.valid_to),
            "end_reason": _(END_REASON_LABELS[e.end_reason]) if ended and e.end_reason else ""}


def list_columns() -> list[Column]:
    names = (("name", "姓名"), ("id_number", "身份证号"), ("district", "区县"), ("level", "失能等级"),
             ("level_name", "等级名称"), ("care_type", "服务形式"), ("provider", "服务机构"), ("period", "待遇期间"),
             ("state", "状态"), ("end_reason", "终止原因"), ("origin", "来源"))
    return [Column(_(header), key) for key, header in names]


@bp.get("/")
@permission_required(Action.ROSTER_VIEW)
def list_entitlements():
    form = FilterForm(request.args)
    today = local_today()
    valid = form.validate()
    stmt = services.search_entitlements(current_user, day=today, care_type=form.care_type.data if valid else None,
                                        state=form.state.data if valid else None,
                                        q=(form.q.data or "") if valid else "")
    if fmt := requested_format(request.args.get("format")):
        rows = (list_row(e, p, name, today)
                for e, p, name in db.session.execute(stmt.execution_options(yield_per=EXPORT_BATCH)))
        return export_response(list_columns(), rows, fmt=fmt, filename=f"{_('待遇资格')}-{today.isoformat()}")
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    rows = [list_row(e, p, name, today) for e, p, name in page.items]
    return render_template("entitlements/list.html", form=form, page=page, rows=rows, today=today,
                           can_import=can(current_user, Action.MANAGE_ORGS), args=request.args.to_dict(),
                           is_provider=current_user.org_kind == "provider")


@bp.get("/<int:entitlement_id>")
@permission_required(Action.ROSTER_VIEW)
def detail(entitlement_id: int):
    entitlement = get_scoped(db.session, current_user, Entitlement, entitlement_id)
    person = db.session.get(InsuredPerson, entitlement.person_id)
    provider = db.session.get(Organisation, entitlement.provider_id)
    events = entitlement.events
    numbers = {"plan_version": plan_version_of(db.session, entitlement),
               "replaced_by": entitlement.replaced_by_id and entitlement_number(db.session, entitlement.replaced_by_id)}
    return render_template("entitlements/detail.html", e=entitlement, row=_row(entitlement, person, provider.name),
                           events=events, granted_to=events[0].valid_to_before if events else entitlement.valid_to,
                           labels=LABELS, numbers=numbers, can_open_notices=can(current_user, Action.OPEN_NOTICES),
                           notices=notices_for(db.session, "entitlement", entitlement.id),
                           related=related(db.session, current_user, "entitlement", entitlement.id))


# --- the provider's beneficiaries today -----------------------------------------------------

def today_columns() -> list[Column]:
    names = (("name", "姓名"), ("id_number", "身份证号"), ("district", "区县"), ("level", "失能等级"),
             ("level_name", "等级名称"), ("care_type", "服务形式"), ("valid_from", "待遇开始日期"),
             ("valid_to", "待遇结束日期（不含）"), ("origin", "来源"))
    return [Column(_(header), key) for key, header in names]


def _today_rows(provider_id: int, day):
    stmt = services.entitled_with_provider_select(provider_id, day).execution_options(yield_per=EXPORT_BATCH)
    for entitlement, person in db.session.execute(stmt):
        yield _row(entitlement, person)


@bp.get("/today")
@permission_required(Action.ROSTER_VIEW)
def today():
    """今日在我机构享受待遇人员: for provider users, their own organisation only."""
    if current_user.org_kind != "provider":
        abort(403)
    day = local_today()
    if fmt := requested_format(request.args.get("format")):
        return export_response(today_columns(), _today_rows(current_user.org_id, day), fmt=fmt,
                               filename=f"{_('今日享受待遇人员')}-{day.isoformat()}")
    page = services.entitled_with_provider(db.session, current_user.org_id, day,
                                           page=request.args.get("page", 1, type=int),
                                           per_page=current_app.config["PER_PAGE"])
    rows = [_row(e, p) for e, p in page.items]
    return render_template("entitlements/today.html", page=page, rows=rows, today=day, args=request.args.to_dict())


# --- go-live import: upload → preview → confirm -----------------------------------------------

def _preview(session, data: bytes, filename: str, *, today):
    return migration_import.preview(session, data, filename, today=today,
                                    go_live=current_app.config.get("GO_LIVE_DATE"))


IMPORT = ImportPages(
    uploads=UPLOADS, preview=_preview, apply=migration_import.apply,
    upload_template="entitlements/import.html", preview_template="entitlements/import_preview.html",
    upload_endpoint=".import_entitlements", done_endpoint=".list_entitlements",
    done_message=lambda counts: _("导入完成：新增 %(create)d，未变 %(unchanged)d", **counts),
    context=lambda: {"labels": LABELS, "go_live": current_app.config.get("GO_LIVE_DATE")},
    kind=bulk.KIND, queue_options=lambda: bulk.options(current_app.config.get("GO_LIVE_DATE")),
    progress_endpoint=".import_progress", progress_title=lambda: _("待遇资格上线迁移导入"))


@bp.route("/import", methods=["GET", "POST"])
@permission_required(Action.MANAGE_ORGS)
def import_entitlements():
    return IMPORT.upload(ImportForm(), ConfirmImportForm())


@bp.get("/import/template")
@permission_required(Action.MANAGE_ORGS)
def import_template():
    """The empty template of the go-live import (CSV or XLSX): its header row, in the user's language."""
    fmt = requested_format(request.args.get("format")) or "csv"
    columns = [Column(_(header), name) for name, header in migration_import.TEMPLATE.items()]
    return export_response(columns, iter(()), fmt=fmt, filename=_("待遇资格上线迁移导入模板"))


@bp.post("/import/confirm")
@permission_required(Action.MANAGE_ORGS)
def confirm_import():
    return IMPORT.confirm(ConfirmImportForm())


@bp.get("/imports/<int:import_id>")
@permission_required(Action.MANAGE_ORGS)
def import_progress(import_id: int):
    """A large go-live file's import, run by the scheduler process: its progress, or why it was refused."""
    return IMPORT.progress(import_id)


# --- entitlement requests (insurers) ---------------------------------------------------------

def _handles_applications(user) -> bool:
    return can(user, Action.HANDLE_APPLICATION)


#: buttons on the review engine's all-cases page (added by ``ltc.entitlements.wire``)
LIST_LINKS = (
    ListLink("发起待遇审核", "entitlement_requests.new_request", "request-entitlement", _handles_applications),
    ListLink("未发起的待遇审核", "entitlement_requests.not_opened", "not-opened-link", _handles_applications),
)


def _provider_choices(form: RequestEntitlementForm) -> None:
    form.provider_id.choices = [(pid, f"{name}（{'、'.join(_(CARE_TYPE_LABELS[c]) for c in care_types)}）")
                                for pid, name, care_types in active_providers(db.session, local_today())]


@requests_bp.route("/new", methods=["GET", "POST"])
@permission_required(Action.HANDLE_APPLICATION)
def new_request():
    form = RequestEntitlementForm()
    _provider_choices(form)
    if form.validate_on_submit():
        try:
            app = application_named(db.session, form.application.data, user=current_user)
            req = request_entitlement(db.session, app, care_type=form.care_type.data,
                                      provider_id=form.provider_id.data, requested_from=form.requested_from.data,
                                      actor=actor_of(current_user), now=utcnow())
        except (ValidationFailed, Conflict) as exc:
            db.session.rollback()
            attach_errors(form, exc)
        else:
            db.session.commit()
            if req.case_id:
                flash(_("已发起待遇审核"), "success")
                return redirect(url_for("reviews.case_detail", case_id=req.case_id))
            flash(_("未发起审核：%(reason)s", reason=req.reason), "warning")
            return redirect(url_for(".not_opened"))
    return render_template("reviews/request_entitlement.html", form=form), 400 if form.errors else 200


@requests_bp.get("/not-opened")
@permission_required(Action.HANDLE_APPLICATION)
def not_opened():
    """Requests kept as not opened, with the reason, for the persons in the insurer's scope; one
    leaves the list once a later request on the same conclusion was made (e.g. the review opened)."""
    later = aliased(EntitlementRequest)
    superseded = exists().where(later.application_id == EntitlementRequest.application_id,
                                later.id > EntitlementRequest.id)
    stmt = (select(EntitlementRequest, InsuredPerson, Application)
            .join(InsuredPerson, InsuredPerson.id == EntitlementRequest.person_id)
            .join(Application, Application.id == EntitlementRequest.application_id)
            .where(EntitlementRequest.status == RequestStatus.NOT_OPENED, ~superseded)
            .order_by(EntitlementRequest.id.desc()))
    if q := request.args.get("q", "")[:40].strip():
        number = application_id_of(q)
        stmt = stmt.where(EntitlementRequest.application_id == number if number is not None else person_matches(q))
    page = paginate(db.session, scoped(stmt, InsuredPerson, current_user), page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    return render_template("reviews/not_opened.html", page=page, care_types=CARE_TYPE_LABELS, q=q)
