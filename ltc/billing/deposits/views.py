"""The quality deposit pages (SPEC §7.3): a provider sees its own ledger, the insurer and the MIA the
providers in their scope; each ledger shows the balance by year, every movement, the net payment of
each approved settlement (carried-forward negatives included) and the year-end clearings; CSV/XLSX."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ltc.auth.permissions import Action
from ltc.auth.web import permission_required
from ltc.billing.deposits import scope, services
from ltc.billing.deposits.models import DepositClearing
from ltc.core.errors import NotFound
from ltc.extensions import db
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation
from ltc.web.exports import Column, export_response, requested_format
from ltc.web.labels import label

bp = Blueprint("deposits", __name__, url_prefix="/billing/deposits")


def _provider(provider_id: int) -> Organisation:
    clause = scope.providers_in_scope(current_user)
    stmt = select(Organisation).where(Organisation.id == provider_id)
    provider = db.session.scalars(stmt if clause is None else stmt.where(clause)).first()
    if provider is None:
        raise NotFound("记录不存在或无权访问")
    return provider


@bp.get("/")
@permission_required(Action.VIEW_DEPOSITS)
def index():
    if current_user.org_kind == OrgKind.PROVIDER:
        return redirect(url_for(".ledger", provider_id=current_user.org_id))
    clause = scope.providers_in_scope(current_user)
    providers = list(db.session.scalars(select(Organisation).where(clause).order_by(Organisation.name)))
    rows = [{"provider": p, "years": services.balances(db.session, p.id)} for p in providers]
    return render_template("billing/deposits/index.html", rows=rows)


def _columns() -> list[Column]:
    return [Column(_("月份"), lambda e: e.month.strftime("%Y-%m")), Column(_("年度"), "year"),
            Column(_("类型"), lambda e: label(e.kind, "deposit_entry")), Column(_("金额"), "amount"),
            Column(_("记账时间"), "at")]


@bp.get("/<int:provider_id>")
@permission_required(Action.VIEW_DEPOSITS)
def ledger(provider_id: int):
    provider = _provider(provider_id)
    entries = services.entries(db.session, provider.id)
    if fmt := requested_format(request.args.get("format")):
        return export_response(_columns(), entries, fmt=fmt, filename=f"{_('质量保证金台账')}-{provider.name}")
    clearings = list(db.session.scalars(select(DepositClearing).where(DepositClearing.provider_id == provider.id)
                                        .order_by(DepositClearing.year)))
    return render_template("billing/deposits/ledger.html", provider=provider, entries=entries,
                           years=services.balances(db.session, provider.id),
                           nets=services.nets(db.session, provider.id), clearings=clearings)
