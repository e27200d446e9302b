"""Settlement pages under ``/settlements`` (SPEC §7.3): the list in scope, one settlement with its
totals, lines and their findings, its revisions with the diff against the previous one, and the
provider's regeneration of its own draft (queued; the page shows its progress). Scoped by the one
rule: a settlement outside the user's scope is a 404; the insurer and the MIA read, the provider's
operator regenerates."""
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.billing import settlement_pages as pages
from ltc.billing.kinds import SettlementStatus
from ltc.billing.models import Settlement
from ltc.core.clock import utcnow
from ltc.core.errors import DomainError
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.scheduler.models import RunStatus
from ltc.web.messages import error_words

bp = Blueprint("settlements", __name__, url_prefix="/settlements")


def _month_arg() -> date | None:
    try:
        return date.fromisoformat(request.args.get("month", "") + "-01")
    except ValueError:
        return None


def explanation(message: str | None, params: dict | None) -> str:
    """A stored msgid with its parameters, in the user's language."""
    if not message:
        return ""
    try:
        return _(message) % (params or {})
    except (KeyError, TypeError, ValueError):
        return _(message)


@bp.get("/")
@permission_required(Action.VIEW_SETTLEMENTS)
def index():
    month = _month_arg()
    status = request.args.get("status") or None
    if status not in (None, *SettlementStatus):
        status = None
    page = paginate(db.session, pages.settlements(current_user, month=month, status=status),
                    page=request.args.get("page", 1, type=int), per_page=current_app.config["PER_PAGE"],
                    scalars=False)
    return render_template("billing/settlements.html", page=page, month=month, status=status,
                           statuses=list(SettlementStatus), args=request.args.to_dict())


@bp.get("/<int:settlement_id>")
@permission_required(Action.VIEW_SETTLEMENTS)
def detail(settlement_id: int):
    settlement = get_scoped(db.session, current_user, Settlement, settlement_id)
    run = pages.regeneration_run(db.session, settlement)
    busy = run is not None and run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    return render_template(
        "billing/settlement.html", s=settlement, provider=db.session.get(Organisation, settlement.provider_id),
        lines=pages.current_lines(db.session, settlement), unlinked=pages.unlinked_findings(db.session, settlement),
        revisions=pages.revisions_of(db.session, settlement), run=run, busy=busy,
        may_regenerate=pages.may_regenerate(current_user, settlement), explanation=explanation)


@bp.post("/<int:settlement_id>/regenerate")
@permission_required(Action.CARE_RECORDS)
def regenerate(settlement_id: int):
    settlement = get_scoped(db.session, current_user, Settlement, settlement_id)
    try:
        pages.request_regeneration(db.session, settlement, user=current_user, actor=actor_of(current_user),
                                   now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        flash(error_words(exc), "danger")
        return redirect(url_for(".detail", settlement_id=settlement_id))
    db.session.commit()
    flash(_("已提交重新生成，后台处理完成后本页显示新版本"), "success")
    return redirect(url_for(".detail", settlement_id=settlement_id))
