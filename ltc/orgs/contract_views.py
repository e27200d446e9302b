"""Insurers' contracts (承办合同, SPEC §1): the MIA admin lists, adds and ends them (a re-tender
ends one contract and adds the next from the same date); MIA staff see all, an insurer its own.

Thin handlers: load the form, call one service, commit; a DomainError is shown on the form.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.extensions import db
from ltc.orgs import contracts, services
from ltc.orgs.forms import ContractForm, EndContractForm
from ltc.orgs.kinds import CONTRACT_STATE_LABELS, OrgKind
from ltc.orgs.models import InsurerContract, Organisation
from ltc.web.forms import submit

bp = Blueprint("contracts", __name__, url_prefix="/orgs/contracts")


def _contract_form() -> ContractForm:
    form = ContractForm()
    insurers = db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.INSURER)
                                  .order_by(Organisation.name))
    form.insurer_id.choices = [SelectChoice(o.id, o.name) for o in insurers]
    districts = services.list_districts(db.session, active_only=True)
    form.district.choices = [SelectChoice(d.code, d.name) for d in districts]
    if not form.is_submitted():
        form.valid_from.data = local_today()
    return form


def _render_list(form: ContractForm | None, status: int = 200):
    today = local_today()
    page = contracts.search_contracts(db.session, current_user, page=request.args.get("page", 1, type=int))
    can_manage = can(current_user, Action.MANAGE_ORGS)
    rows = [{"contract": c, "state": contracts.contract_state(c, today),
             "can_end": can_manage and (c.valid_to is None or c.valid_to > today)} for c in page.items]
    return render_template("orgs/contracts.html", page=page, rows=rows, form=form, states=CONTRACT_STATE_LABELS,
                           districts=services.district_names(db.session)), status


@bp.get("/")
@permission_required(Action.VIEW_CONTRACTS)
def list_contracts():
    return _render_list(_contract_form() if can(current_user, Action.MANAGE_ORGS) else None)


@bp.post("/")
@permission_required(Action.MANAGE_ORGS)
def add_contract():
    form = _contract_form()
    done, contract, status = submit(form, lambda: contracts.add_contract(
        db.session, actor=actor_of(current_user), now=utcnow(), **form.values()))
    if done:
        flash(_("承办合同已登记"), "success")
        return redirect(url_for(".list_contracts"))
    return _render_list(form, status)


@bp.route("/<int:contract_id>/end", methods=["GET", "POST"])
@permission_required(Action.MANAGE_ORGS)
def end_contract(contract_id: int):
    contract = get_scoped(db.session, current_user, InsurerContract, contract_id)
    form = EndContractForm()
    if not form.is_submitted():
        form.valid_to.data = local_today()
    done, _result, status = submit(form, lambda: contracts.end_contract(
        db.session, contract, actor=actor_of(current_user), now=utcnow(), **form.values()))
    if done:
        flash(_("承办合同已终止"), "success")
        return redirect(url_for(".list_contracts"))
    return render_template("orgs/contract_end.html", form=form, contract=contract,
                           districts=services.district_names(db.session)), status
