"""Settlements (月度结算, SPEC §7.3; issue 13 point 1): the progress of each service month's settlements —
generated (a draft), submitted, returned by the MIA to the insurer, audited, approved, paid — in number
and in fund, and the insurer's refusals by reason with the refused fund.

Facts, one grouped SELECT per service month each; the district is the provider's on the 1st of the
service month (the settlement scope's rule, SPEC §1):

* ``settlements`` / ``settlement_fund``: regular settlements by status (``dim``) — count, current fund;
* ``refusals`` / ``refused_fund``: refused records of the month's settlements by reason (``dim``) — count,
  the fund deducted.
"""
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ltc.billing.kinds import SETTLEMENT_STATUS_LABELS, SettlementStatus
from ltc.billing.models import Settlement
from ltc.billing.review.kinds import RecordDecision, RefusalReason
from ltc.billing.review.models import SettlementRecordDecision
from ltc.providers.models import ProviderDistrictPeriod
from ltc.supervision.facts import FactSource, fact_rows
from ltc.supervision.figures import (Audience, Chart, Column, Dim, Figure, FigureData, Filters, ValueKind,
                                     Viewer)
from ltc.supervision.themes.care_tables import monthly_figure, provider_district_on

SUPERVISORS = frozenset({Audience.MIA, Audience.INSURER})
#: a settlement is a provider's month: its figures honour months and district
SETTLEMENT_DIMS = frozenset({Dim.MONTH, Dim.DISTRICT})
#: the states in the order a month's settlement passes them (a returned one waits for the insurer again)
PROGRESS = (SettlementStatus.DRAFT, SettlementStatus.SUBMITTED, SettlementStatus.RETURNED,
            SettlementStatus.AUDITED, SettlementStatus.APPROVED, SettlementStatus.PAID)


def _settlements(month: date, value) -> Select:
    return (select(ProviderDistrictPeriod.district.label("district"), Settlement.provider_id.label("provider_id"),
                   Settlement.status.label("dim"), value.label("value"))
            .outerjoin(ProviderDistrictPeriod, provider_district_on(Settlement.provider_id, month))
            .where(Settlement.month == month)
            .group_by(ProviderDistrictPeriod.district, Settlement.provider_id, Settlement.status))


def settlement_counts(month: date) -> Select:
    return _settlements(month, func.count())


def settlement_fund(month: date) -> Select:
    return _settlements(month, func.sum(Settlement.fund))


def _refusals(month: date, value) -> Select:
    reason = func.coalesce(SettlementRecordDecision.reason_code, RefusalReason.OTHER.value)
    inner = (select(ProviderDistrictPeriod.district.label("district"), Settlement.provider_id.label("provider_id"),
                    reason.label("dim"), SettlementRecordDecision.deducted_fund.label("fund"))
             .join(Settlement, Settlement.id == SettlementRecordDecision.settlement_id)
             .outerjoin(ProviderDistrictPeriod, provider_district_on(Settlement.provider_id, month))
             .where(Settlement.month == month, SettlementRecordDecision.decision == RecordDecision.REFUSE.value)
             .subquery())
    keys = (inner.c.district, inner.c.provider_id, inner.c.dim)
    return select(*keys, value(inner).label("value")).group_by(*keys)


def refusal_counts(month: date) -> Select:
    return _refusals(month, lambda inner: func.count())


def refused_fund(month: date) -> Select:
    return _refusals(month, lambda inner: func.sum(inner.c.fund))


FACT_SOURCES = (
    FactSource("settlements", settlement_counts, "regular settlements by status (dim) and provider"),
    FactSource("settlement_fund", settlement_fund, "the current fund of the settlements by status (dim)"),
    FactSource("refusals", refusal_counts, "records refused by the insurer's audit by reason (dim)"),
    FactSource("refused_fund", refused_fund, "the fund deducted by the refusals by reason (dim)"),
)


def _progress(metric: str, kind: ValueKind):
    def compute(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
        rows = fact_rows(session, metric, viewer, filters, by=("month", "dim"), dims=SETTLEMENT_DIMS)
        return monthly_figure(rows, filters.months, [(s.value, SETTLEMENT_STATUS_LABELS[s]) for s in PROGRESS],
                              kind=kind)
    return compute


def refusals_by_reason(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """Per reason: the refused records and their fund over the filtered service months, most fund first."""
    counts = dict(fact_rows(session, "refusals", viewer, filters, by=("dim",), dims=SETTLEMENT_DIMS))
    fund = dict(fact_rows(session, "refused_fund", viewer, filters, by=("dim",), dims=SETTLEMENT_DIMS))
    rows = sorted(((reason, int(n), fund.get(reason, 0)) for reason, n in counts.items()),
                  key=lambda r: (-r[2], -r[1], r[0]))
    return FigureData(columns=(Column("拒付原因", ValueKind.TEXT, "refusal_reason"), Column("拒付记录数"),
                               Column("拒付基金", ValueKind.MONEY)), rows=tuple(rows), x=0, series=(2,))


def _figure(key, title, chart, compute, description) -> Figure:
    return Figure(key=key, title=title, theme="settlements", chart=chart, audiences=SUPERVISORS, compute=compute,
                  dims=SETTLEMENT_DIMS, description=description)


FIGURES = (
    _figure("settlement_progress", "结算进度（家数）", Chart.STACKED_BAR, _progress("settlements", ValueKind.COUNT),
            "每个服务月份的月度结算按当前状态统计：草稿（已生成）、已提交、已退回、已审核、已审批、已支付"),
    _figure("settlement_progress_fund", "结算进度（基金）", Chart.STACKED_BAR,
            _progress("settlement_fund", ValueKind.MONEY), "每个服务月份各状态结算的基金支付额"),
    _figure("settlement_refusals", "审核拒付原因", Chart.HORIZONTAL_BAR, refusals_by_reason,
            "所选服务月份结算审核中不予支付的记录，按原因统计记录数与扣减基金"),
)
