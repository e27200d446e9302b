"""Billing document pages: the provider's settlement statement (PDF) and its lines (CSV / XLSX),
the payment list of a month (page, PDF, CSV / XLSX), the beneficiary statements of a month
(page, CSV / XLSX, one statement's PDF on demand) and the family's public look-up (no login).

PDFs are rendered after the request's writes committed (no write transaction is open while
WeasyPrint runs)."""
from datetime import date

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped, scope_clause
from ltc.auth.services import actor_of
from ltc.auth.web import client_address, login_throttle, permission_required
from ltc.billing.documents import lists, lookup, payments, provider, services
from ltc.billing.documents.exports import line_columns, payment_columns, statement_columns
from ltc.billing.documents.forms import LookupForm, MonthForm, parse_month
from ltc.billing.documents.files import statements_folder
from ltc.billing.models import Settlement
from ltc.core import audit
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import DomainError, NotFound
from ltc.core.months import add_months, first_of_month
from ltc.extensions import db
from ltc.notices.pdf import notice_renderer
from ltc.web.exports import content_disposition, export_response, requested_format
from ltc.web.messages import error_words
from ltc.web.transactions import records_view

bp = Blueprint("billing_documents", __name__, url_prefix="/billing")
public = Blueprint("statement_lookup", __name__)


def _pdf(content: bytes, filename: str, *, inline: bool = True) -> Response:
    disposition = content_disposition(filename)
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": disposition.replace("attachment", "inline", 1) if inline else disposition,
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


def _month(value: str | None) -> date:
    """The month asked for (``YYYY-MM``), else last month; a malformed one is a 404."""
    if not value:
        return add_months(first_of_month(local_today()), -1)
    month = parse_month(value)
    if month is None:
        raise NotFound("记录不存在或无权访问")
    return month


# --- the provider's settlement statement ---------------------------------------------------------

@bp.get("/settlements/<int:settlement_id>/statement.pdf")
@records_view
@permission_required(Action.VIEW_SETTLEMENTS)
def settlement_statement(settlement_id: int):
    settlement = get_scoped(db.session, current_user, Settlement, settlement_id)
    values = provider.statement_values(db.session, settlement, issued_on=local_today())
    audit.record(db.session, actor_of(current_user), "view", "settlement_statement", settlement.id, now=utcnow())
    db.session.commit()
    content = notice_renderer()("billing/settlement_statement.html", values)
    return _pdf(content, f"{_('结算单')}-{settlement.month:%Y-%m}-{settlement.id}.pdf")


@bp.get("/settlements/<int:settlement_id>/lines")
@permission_required(Action.VIEW_SETTLEMENTS)
def settlement_lines(settlement_id: int):
    """The current lines of a settlement as CSV or XLSX (``?format=``)."""
    settlement = get_scoped(db.session, current_user, Settlement, settlement_id)
    fmt = requested_format(request.args.get("format")) or "csv"
    rows = [provider.line_values(line, person) | {"kind": line.kind}
            for line, person in provider.current_lines(db.session, settlement)]
    return export_response(line_columns(), rows, fmt=fmt,
                           filename=f"{_('结算明细')}-{settlement.month:%Y-%m}-{settlement.id}")


# --- the payment list ------------------------------------------------------------------------------

@bp.get("/payments")
@permission_required(Action.VIEW_SETTLEMENTS)
def payment_list():
    month = _month(request.args.get("month"))
    rows = payments.payment_rows(db.session, month, scope_clause(Settlement, current_user))
    filename = f"{_('结算支付清单')}-{month:%Y-%m}"
    if fmt := requested_format(request.args.get("format")):
        return export_response(payment_columns(), rows, fmt=fmt, filename=filename)
    if request.args.get("format") == "pdf":
        content = notice_renderer()("billing/payment_list.html",
                                    payments.payment_values(rows, month, issued_on=local_today()))
        return _pdf(content, f"{filename}.pdf")
    values = payments.payment_values(rows, month, issued_on=local_today())
    return render_template("billing/documents/payments.html", values=values, rows=values["rows"],
                           month=f"{month:%Y-%m}", form=MonthForm(data={"month": f"{month:%Y-%m}"}))


# --- beneficiary statements ------------------------------------------------------------------------

@bp.get("/statements")
@permission_required(Action.VIEW_SETTLEMENTS)
def statement_list():
    month = _month(request.args.get("month"))
    if fmt := requested_format(request.args.get("format")):
        return export_response(statement_columns(), lists.statement_rows(db.session, current_user, month), fmt=fmt,
                               filename=f"{_('参保人结算单')}-{month:%Y-%m}")
    page = lists.statement_page(db.session, current_user, month, page=request.args.get("page", 1, type=int))
    return render_template("billing/documents/statements.html", page=page, rows=page.items, month=f"{month:%Y-%m}",
                           form=MonthForm(data={"month": f"{month:%Y-%m}"}))


@bp.get("/statements/<month>/<int:person_id>.pdf")
@records_view
@permission_required(Action.VIEW_SETTLEMENTS)
def beneficiary_statement(month: str, person_id: int):
    """One statement on demand: the stored file when current, else rendered now (after commit)."""
    day = _month(month)
    prepared = services.open_statement(db.session, current_user, person_id, day, actor=actor_of(current_user),
                                       folder=statements_folder(), now=utcnow())
    db.session.commit()
    content = prepared.content or notice_renderer()(services.TEMPLATE, prepared.values)
    return _pdf(content, f"{_('参保人结算单')}-{month}-{person_id}.pdf")


# --- the family's public look-up -------------------------------------------------------------------

@public.route("/statement-lookup", methods=["GET", "POST"])
def statement_lookup():
    """No login: the ID number and the printed code give the statement's PDF; any mismatch gives
    one answer; failures are throttled like the login."""
    form = LookupForm()
    status = 200
    if form.validate_on_submit():
        try:
            statement = lookup.look_up(db.session, id_number=form.id_number.data, code=form.code.data,
                                       ip=client_address(), now=utcnow(), secret=current_app.secret_key,
                                       throttle=login_throttle())
            prepared = services.prepare_public(db.session, statement, folder=statements_folder(), now=utcnow())
        except DomainError as exc:
            db.session.commit()  # keep the failed attempt: it counts towards the lock
            form.form_errors.append(error_words(exc))
            status = exc.status
        else:
            db.session.commit()
            content = prepared.content or notice_renderer()(services.TEMPLATE, prepared.values)
            return _pdf(content, f"{_('参保人结算单')}-{statement.month:%Y-%m}.pdf")
    elif request.method == "POST":
        status = 400
    return render_template("billing/documents/lookup.html", form=form), status
