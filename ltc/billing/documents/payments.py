"""The payment list of a service month (支付清单, SPEC §7.3): the settlements the MIA approved or
the insurer paid, one row per provider with its fund, adjustments, deposit and net payment (a
negative net is carried forward, never paid out), and the totals. Rows are read in the user's
scope (the caller passes the scope clause)."""
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from ltc.billing.documents import text
from ltc.billing.kinds import SETTLEMENT_STATUS_LABELS, SettlementStatus
from ltc.billing.models import Settlement
from ltc.orgs.models import Organisation

TITLE = "长期护理保险定点护理服务机构结算支付清单"
ZERO = Decimal("0.00")
PAYABLE = (SettlementStatus.APPROVED.value, SettlementStatus.PAID.value)
AMOUNTS = ("billable", "fund", "adjustments", "deposit")


def payment_rows(session: Session, month: date, scope: ColumnElement[bool] | None) -> list[dict]:
    """One row per approved or paid settlement of ``month`` (amounts as Decimal), by provider name."""
    stmt = (select(Settlement, Organisation).join(Organisation, Organisation.id == Settlement.provider_id)
            .where(Settlement.month == month, Settlement.status.in_(PAYABLE))
            .order_by(Organisation.name, Settlement.id))
    if scope is not None:
        stmt = stmt.where(scope)
    return [_row(settlement, provider) for settlement, provider in session.execute(stmt).tuples()]


def _row(settlement: Settlement, provider: Organisation) -> dict:
    net = settlement.net
    return {
        "settlement_id": settlement.id, "provider_name": provider.name, "uscc": provider.uscc,
        "status": SETTLEMENT_STATUS_LABELS[SettlementStatus(settlement.status)],
        **{name: getattr(settlement, name) for name in AMOUNTS},
        "net": max(net, ZERO), "carried_forward": -net if net < 0 else ZERO,
    }


def payment_values(rows: list[dict], month: date, *, issued_on: date) -> dict:
    """The plain values of the payment list template (money as printed text)."""
    names = (*AMOUNTS, "net", "carried_forward")
    totals = {name: text.money_text(sum((row[name] for row in rows), ZERO)) for name in names}
    printed = [{**row, **{name: text.money_text(row[name]) for name in names}} for row in rows]
    return {"title": TITLE, "month": text.cn_month(month), "issued_on": issued_on, "rows": printed,
            "totals": totals, "count": len(rows)}
