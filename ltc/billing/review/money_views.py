"""The MIA's approval list (totals per provider and district, bulk approval) and the insurer's payment
page (record a payment, export a bank batch file, import its return file), SPEC §7.3."""
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.billing.models import Settlement
from ltc.billing.review import approval, pages, payment
from ltc.billing.review.forms import ApproveManyForm, ExportForm, PaymentForm, ReturnFileForm, _choices
from ltc.billing.review.views import bp
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.web.forms import submit


def _flash_errors(form) -> None:
    errors = [e for field in form for e in field.errors] + list(form.form_errors)
    flash("；".join(str(e) for e in errors) or _("操作未完成"), "danger")


@bp.route("/approval", methods=["GET", "POST"], endpoint="approval")
@permission_required(Action.APPROVE_SETTLEMENTS)
def approval_page():
    """The settlements waiting for the MIA's approval, with totals per district; bulk approval."""
    rows, totals = pages.approval_list(db.session, current_user.org_id)
    form = ApproveManyForm()
    form.ids.choices = _choices((str(row.settlement.id), str(row.settlement.id)) for row in rows)
    ok, result, status = submit(form, lambda: approval.request_approval(
        db.session, [int(i) for i in form.ids.data], actor=actor_of(current_user), now=utcnow()))
    if ok:
        approved, refused, run_id = result
        if run_id is not None:
            flash(_("已提交批量审批任务（任务 %(run)s，共 %(n)s 份），由后台逐份审批", run=run_id,
                    n=len(form.ids.data)), "success")
        else:
            flash(_("已审批 %(n)s 份结算", n=len(approved)), "success")
        for settlement_id, message in refused.items():
            flash(_("结算 %(id)s 未审批：%(why)s", id=settlement_id, why=message), "danger")
        return redirect(url_for("settlement_review.approval"))
    return render_template("billing/review/approval.html", rows=rows, totals=totals, form=form), status


@bp.get("/payment", endpoint="payment")
@permission_required(Action.INSURER_OPERATIONS)
def payment_page():
    data = pages.payment_page(db.session, current_user.org_id)
    return render_template("billing/review/payment.html", p=data, pay_form=PaymentForm(), export_form=ExportForm(),
                           return_form=ReturnFileForm())


@bp.post("/payment/record", endpoint="record_payment")
@permission_required(Action.INSURER_OPERATIONS)
def record_payment():
    form = PaymentForm()
    settlement = get_scoped(db.session, current_user, Settlement, form.settlement_id.data or 0)
    ok, _case, _status = submit(form, lambda: payment.record_payment(
        db.session, settlement, paid_on=form.paid_on.data, bank_reference=form.bank_reference.data,
        actor=actor_of(current_user), now=utcnow()))
    if ok:
        flash(_("支付已登记"), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("settlement_review.payment"))


@bp.post("/payment/batch", endpoint="export_batch")
@permission_required(Action.INSURER_OPERATIONS)
def export_batch():
    """A bank batch file (CSV) of the ticked settlements awaiting payment."""
    form = ExportForm()
    form.ids.choices = _choices((str(s.id), str(s.id)) for s in payment.awaiting_payment(db.session,
                                                                                        current_user.org_id))
    ok, result, _status = submit(form, lambda: payment.export_batch(
        db.session, actor=actor_of(current_user), now=utcnow(), settlement_ids=[int(i) for i in form.ids.data]))
    if not ok:
        _flash_errors(form)
        return redirect(url_for("settlement_review.payment"))
    batch, text = result
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=payment-batch-{batch.id}.csv"})


@bp.post("/payment/batch/<int:batch_id>/return", endpoint="import_return")
@permission_required(Action.INSURER_OPERATIONS)
def import_return(batch_id: int):
    """The bank's return file: each line paid or failed; a file with bad rows names them and changes nothing."""
    batch = pages.batch_of(db.session, current_user.org_id, batch_id)
    if batch is None:
        abort(404)
    form = ReturnFileForm()
    ok, result, _status = submit(form, lambda: payment.import_return(
        db.session, batch, form.file.data.read(), actor=actor_of(current_user), now=utcnow()))
    if ok:
        flash(_("回盘已导入：支付成功 %(paid)s 笔，失败 %(failed)s 笔", paid=result[0], failed=result[1]), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("settlement_review.payment"))
