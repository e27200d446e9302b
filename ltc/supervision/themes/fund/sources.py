"""The fund facts (issue 13: fund spending per month): the fund of the current revision's lines of every
regular settlement, by **service month** — a late line (补记) or an adjustment counts in the month it
corrects — split into ``settled`` (the settlement is approved or paid) and ``claimed`` (a draft, submitted,
audited or returned settlement: asked for, not yet approved). Deposit releases are left out: the deposit
was withheld from fund already counted in its own months. By the person's district (a line without a
person has none: only the MIA sees it), care type, level and provider. One grouped ``SELECT`` per month.
"""
from datetime import date

from sqlalchemy import Select, case, func, literal, or_, select

from ltc.billing.kinds import AdjustmentReason, SettlementStatus
from ltc.billing.models import Settlement, SettlementLine
from ltc.people.models import InsuredPerson
from ltc.supervision.facts import FactSource

FUND = "fund"
SETTLED, CLAIMED = "settled", "claimed"
SETTLED_STATUSES = (SettlementStatus.APPROVED.value, SettlementStatus.PAID.value)


def fund(month: date) -> Select:
    state = case((Settlement.status.in_(SETTLED_STATUSES), literal(SETTLED)), else_=literal(CLAIMED))
    rows = (select(InsuredPerson.district.label("district"), SettlementLine.care_type.label("care_type"),
                   SettlementLine.level.label("level"), Settlement.provider_id.label("provider_id"),
                   state.label("dim"), SettlementLine.fund.label("fund"))
            .join(Settlement, Settlement.id == SettlementLine.settlement_id)
            .outerjoin(InsuredPerson, InsuredPerson.id == SettlementLine.person_id)
            .where(Settlement.month >= month,   # late and adjustment lines are booked into later months
                   SettlementLine.revision == Settlement.revision,
                   func.coalesce(SettlementLine.service_month, Settlement.month) == month,
                   or_(SettlementLine.reason.is_(None),
                       SettlementLine.reason != AdjustmentReason.DEPOSIT_RELEASE.value))).subquery()
    keys = [rows.c.district, rows.c.care_type, rows.c.level, rows.c.provider_id, rows.c.dim]
    return select(*keys, func.sum(rows.c.fund).label("value")).group_by(*keys)


FACT_SOURCES = (FactSource(FUND, fund, "按服务月份的结算基金：已审批或已支付为已结算，其余为申报中"),)
