"""Quarterly cost-performance (绩效评价, SPEC §8) of every provider, set-based: for each quarter whose
months are settled (paid), the provider's fund and beneficiary-months per care type and level against
the scheme's averages of the same cells, the refused share of the claimed fund (the insurer's refusals'
fund over the regular lines' fund before refusals) and the upheld complaints per 100 beneficiary-months
(complaints about the provider that happened in the quarter). Stored in ``CostQuarter``, updated in
place by a rerun."""
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.billing.kinds import LineKind, SettlementStatus
from ltc.billing.models import Settlement, SettlementLine
from ltc.billing.review.kinds import RecordDecision
from ltc.billing.review.models import SettlementRecordDecision
from ltc.core.audit import jsonable
from ltc.core.months import add_months
from ltc.ratings.complaints.kinds import Outcome
from ltc.ratings.complaints.models import Complaint
from ltc.ratings.run import stale
from ltc.ratings.run.models import CostQuarter
from ltc.ratings.scoring.evaluations import CostInputs, FundCell, cost_performance
from ltc.ratings.scoring.policy import RatingsPolicy

ZERO = Decimal(0)
PAID = SettlementStatus.PAID.value


def _paid(quarter: date):
    return (Settlement.status == PAID, Settlement.month >= quarter, Settlement.month < add_months(quarter, 3))


def _cells(session: Session, quarter: date) -> dict[tuple, tuple[int, Decimal]]:
    """(provider, care type, level) → (beneficiary-months, fund) of the quarter's paid regular lines."""
    per_month = (select(Settlement.provider_id, SettlementLine.care_type, SettlementLine.level,
                        SettlementLine.person_id, Settlement.month, func.sum(SettlementLine.fund).label("fund"))
                 .join(Settlement, Settlement.id == SettlementLine.settlement_id)
                 .where(*_paid(quarter), SettlementLine.kind == LineKind.REGULAR.value,
                        SettlementLine.revision == Settlement.revision, SettlementLine.person_id.is_not(None))
                 .group_by(Settlement.provider_id, SettlementLine.care_type, SettlementLine.level,
                           SettlementLine.person_id, Settlement.month).subquery())
    rows = session.execute(select(per_month.c.provider_id, per_month.c.care_type, per_month.c.level, func.count(),
                                  func.sum(per_month.c.fund))
                           .group_by(per_month.c.provider_id, per_month.c.care_type, per_month.c.level))
    return {(p, t, lv): (int(n), Decimal(f or 0)) for p, t, lv, n, f in rows}


def _refused(session: Session, quarter: date) -> dict[int, Decimal]:
    rows = session.execute(select(Settlement.provider_id, func.sum(SettlementRecordDecision.deducted_fund))
                           .join(Settlement, Settlement.id == SettlementRecordDecision.settlement_id)
                           .where(*_paid(quarter), SettlementRecordDecision.decision == RecordDecision.REFUSE.value)
                           .group_by(Settlement.provider_id))
    return {p: Decimal(f or 0) for p, f in rows}


def _upheld(session: Session, quarter: date) -> dict[int, int]:
    rows = session.execute(select(Complaint.provider_id, func.count())
                           .where(Complaint.outcome == Outcome.UPHELD.value, Complaint.happened_on >= quarter,
                                  Complaint.happened_on < add_months(quarter, 3))
                           .group_by(Complaint.provider_id))
    return dict(rows.all())


def _scheme(cells: dict[tuple, tuple[int, Decimal]]) -> dict[tuple, Decimal]:
    totals: dict[tuple, list] = defaultdict(lambda: [0, ZERO])
    for (_p, care_type, level), (months, fund) in cells.items():
        totals[care_type, level][0] += months
        totals[care_type, level][1] += fund
    return {key: fund / months for key, (months, fund) in totals.items() if months}


def compute_quarter(session: Session, quarter: date, policy: RatingsPolicy, *, now: datetime) -> int:
    """Score every provider with paid months in ``quarter``; returns how many were scored."""
    cells, refused, upheld = _cells(session, quarter), _refused(session, quarter), _upheld(session, quarter)
    scheme = _scheme(cells)
    per_provider: dict[int, list[FundCell]] = defaultdict(list)
    for (provider, care_type, level), (months, fund) in cells.items():
        per_provider[provider].append(FundCell(months, fund, scheme[care_type, level]))
    existing = {r.provider_id: r for r in session.scalars(select(CostQuarter).where(CostQuarter.quarter == quarter))}
    for provider, provider_cells in per_provider.items():
        refused_fund = refused.get(provider, ZERO)
        claimed = sum((c.fund for c in provider_cells), ZERO) + refused_fund
        inputs = CostInputs(tuple(provider_cells), claimed, refused_fund, upheld.get(provider, 0))
        result = cost_performance(inputs, policy)
        row = existing.pop(provider, None) or CostQuarter(provider_id=provider, quarter=quarter)
        row.beneficiary_months, row.fund_ratio, row.fund_term = inputs.beneficiary_months, result.fund_ratio, \
            result.fund_term
        row.refusal_term, row.complaint_rate, row.complaint_term = (result.refusal_term, result.complaint_rate,
                                                                    result.complaint_term)
        row.score, row.computed_at = result.score, now
        row.inputs = jsonable({"claimed_fund": claimed, "refused_fund": refused_fund,
                               "upheld_complaints": upheld.get(provider, 0),
                               "fund": sum((c.fund for c in provider_cells), ZERO)})
        session.add(row)
    stale.remove(session, existing.values(), "cost_quarter", stale.cost_quarter_figures, now=now)
    session.flush()
    return len(per_provider)
