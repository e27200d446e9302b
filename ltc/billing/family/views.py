"""The family-care allowance pages (SPEC §7.3): the month's payment list (the insurer its persons, the
MIA all; held payments first shown as such; CSV/XLSX; the insurer marks the payable lines paid), and
a beneficiary's bank account with its history (changed by the insurer on the person's request).

Thin handlers: load the form, call one service, commit; a DomainError is shown on the form.
"""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.billing.family import accounts, services
from ltc.billing.family.forms import AccountForm, ListFilterForm, MarkPaidForm
from ltc.billing.family.models import FamilyAllowanceLine
from ltc.core.clock import local_today, utcnow
from ltc.core.months import add_months, first_of_month
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id
from ltc.people.models import InsuredPerson
from ltc.web.exports import Column, export_response, requested_format
from ltc.web.forms import submit
from ltc.web.labels import label
from ltc.web.transactions import records_view

bp = Blueprint("family_allowances", __name__, url_prefix="/billing/family")


def _month(form: ListFilterForm) -> date:
    return first_of_month(form.month.data) if form.month.data else add_months(first_of_month(local_today()), -1)


def _rows(lines: list[FamilyAllowanceLine]) -> list[dict]:
    persons = {p.id: p for p in db.session.scalars(select(InsuredPerson).where(
        InsuredPerson.id.in_({line.person_id for line in lines})))}
    providers = {o.id: o.name for o in db.session.scalars(select(Organisation).where(
        Organisation.id.in_({line.provider_id for line in lines})))}
    return [{"line": line, "person": persons[line.person_id], "id_number": mask_id(persons[line.person_id].id_number),
             "provider": providers[line.provider_id], "account": mask_id(line.account_no)} for line in lines]


EXPORT = (("name", "姓名"), ("id_number", "身份证号"), ("provider", "护理服务机构"), ("days", "补贴天数"),
          ("excluded", "扣除天数"), ("amount", "金额"), ("status", "状态"), ("holder", "户名"),
          ("bank_name", "开户银行"), ("account_no", "银行账号"), ("paid_on", "支付日期"),
          ("bank_reference", "银行流水号"))


def _export_row(row: dict) -> dict:
    line = row["line"]
    return {"name": row["person"].name, "id_number": row["person"].id_number, "provider": row["provider"],
            "days": line.days, "excluded": "；".join(f"{label(k, 'rule')} {v}" for k, v in line.excluded.items()),
            "amount": line.amount, "status": label(line.status, "family_line"), "holder": line.holder,
            "bank_name": line.bank_name, "account_no": line.account_no, "paid_on": line.paid_on,
            "bank_reference": line.bank_reference}


def _render_list(pay_form: MarkPaidForm | None, status: int = 200):
    form = ListFilterForm(request.args)
    month = _month(form)
    lines = list(db.session.scalars(services.lines_stmt(current_user, month, form.status.data or None)))
    rows = _rows(lines)
    if fmt := requested_format(request.args.get("format")):
        services.record_export(db.session, month, len(rows), actor=actor_of(current_user), now=utcnow())
        db.session.commit()
        return export_response([Column(_(header), key) for key, header in EXPORT], map(_export_row, rows), fmt=fmt,
                               filename=f"{_('亲情照护补贴发放名单')}-{month:%Y-%m}")
    return render_template("billing/family/list.html", form=form, month=month, rows=rows, pay_form=pay_form,
                           totals=services.totals(db.session, current_user, month)), status


def _pay_form() -> MarkPaidForm | None:
    if not can(current_user, Action.INSURER_OPERATIONS):
        return None
    form = MarkPaidForm()
    if not form.is_submitted():
        form.paid_on.data = local_today()
    return form


@bp.get("/")
@records_view
@permission_required(Action.VIEW_FAMILY_PAYMENTS)
def payment_list():
    return _render_list(_pay_form())


@bp.post("/pay")
@permission_required(Action.INSURER_OPERATIONS)
def mark_paid():
    form, month = _pay_form(), _month(ListFilterForm(request.args))
    done, paid, status = submit(form, lambda: services.mark_paid(
        db.session, current_user, month, paid_on=form.paid_on.data, bank_reference=form.bank_reference.data,
        actor=actor_of(current_user), now=utcnow()))
    if done:
        flash(_("已登记 %(n)s 人补贴支付，合计 %(amount)s 元", n=paid.lines, amount=paid.amount), "success")
        return redirect(url_for(".payment_list", month=f"{month:%Y-%m}"))
    return _render_list(form, status)


def _render_account(person: InsuredPerson, form: AccountForm | None, status: int = 200):
    application, periods = accounts.history(db.session, person.id)
    return render_template("billing/family/account.html", person=person, application=application, periods=periods,
                           current=accounts.account_on(db.session, person.id, local_today()), form=form,
                           mask=mask_id), status


def _account_form() -> AccountForm:
    form = AccountForm()
    if not form.is_submitted():
        form.valid_from.data = local_today()
    return form


@bp.get("/accounts/<int:person_id>")
@permission_required(Action.VIEW_FAMILY_PAYMENTS)
def account(person_id: int):
    person = get_scoped(db.session, current_user, InsuredPerson, person_id)
    return _render_account(person, _account_form() if can(current_user, Action.INSURER_OPERATIONS) else None)


@bp.post("/accounts/<int:person_id>")
@permission_required(Action.INSURER_OPERATIONS)
def change_account(person_id: int):
    person = get_scoped(db.session, current_user, InsuredPerson, person_id)
    form = _account_form()
    done, _period, status = submit(form, lambda: services.change_bank_account(
        db.session, person.id, form.change(), actor=actor_of(current_user), now=utcnow(), today=local_today()))
    if done:
        flash(_("银行账户已变更"), "success")
        return redirect(url_for(".account", person_id=person.id))
    return _render_account(person, form, status)
