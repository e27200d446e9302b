"""The audit's re-pricing (SPEC §6 V07, §7.2): a refused flagged visit frees its share of the segment's
caps, so the deduction of a settlement is what pricing gives without the refused records, not the sum
of their shares. At the audit's end the provider-month is read again as of the settlement's
generation and priced twice with bill-price's pricing — as generated, and with every refused record
marked refused (a visit also ``refused`` so V07 frees its minutes for the next over-cap visits) — and
the deduction is the difference. When the baseline no longer equals the settlement's regular lines
(the facts around the month changed since it was generated), re-pricing cannot be trusted and the sum
of the refused records' shares stands. Reads only."""
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing import reader
from ltc.billing.kinds import LineKind
from ltc.billing.models import Settlement, SettlementLine, SettlementLineRecord
from ltc.billing.pricing import price_month
from ltc.billing.review.kinds import RecordDecision
from ltc.billing.review.models import SettlementRecordDecision
from ltc.compliance.facts import RecordRef

ZERO = Decimal("0.00")
REFUSED = "AUDIT"   # the rule code the rejected units of a refused record are counted under


@dataclass(frozen=True)
class Repriced:
    billable: Decimal
    fund: Decimal
    repriced: bool          # False: the facts changed since generation; the shares stand


def _regular_totals(session: Session, settlement: Settlement) -> tuple[Decimal, Decimal]:
    lines = session.scalars(select(SettlementLine).where(
        SettlementLine.settlement_id == settlement.id, SettlementLine.revision == settlement.revision,
        SettlementLine.kind == LineKind.REGULAR.value)).all()
    return sum((ln.billable for ln in lines), ZERO), sum((ln.fund for ln in lines), ZERO)


def _priced(pricing, provider_id: int) -> tuple[Decimal, Decimal]:
    rows = [row for row in price_month(pricing).rows if row.provider_id == provider_id]
    return sum((r.billable for r in rows), ZERO), sum((r.fund for r in rows), ZERO)


def _refused_days(session: Session, settlement: Settlement, refused) -> dict:
    """(RecordRef, service date) → rule, for every unit the refused records gave the regular lines."""
    found = {}
    for decision in refused:
        links = session.scalars(select(SettlementLineRecord).join(
            SettlementLine, SettlementLine.id == SettlementLineRecord.line_id).where(
            SettlementLine.settlement_id == settlement.id, SettlementLine.revision == settlement.revision,
            SettlementLineRecord.record_kind == decision.record_kind,
            SettlementLineRecord.record_id == decision.record_id)).all()
        for link in links:
            day = link.service_date
            while True:
                found[(RecordRef(link.record_kind, link.record_id), day)] = REFUSED
                day += timedelta(days=1)
                if link.service_to is None or day >= link.service_to:
                    break
    return found


def reprice(session: Session, settlement: Settlement, shares: tuple[Decimal, Decimal]) -> Repriced:
    """The deduction of the settlement's refusals (billable, fund), re-priced when possible."""
    refused = session.scalars(select(SettlementRecordDecision).where(
        SettlementRecordDecision.settlement_id == settlement.id,
        SettlementRecordDecision.decision == RecordDecision.REFUSE.value)).all()
    if not refused:
        return Repriced(ZERO, ZERO, True)
    provider_id, month, as_of = settlement.provider_id, settlement.month, settlement.generated_at
    data = reader.provider_month_input(session, provider_id, month, as_of=as_of)
    baseline = _priced(data.pricing, provider_id)
    if baseline != _regular_totals(session, settlement):
        return Repriced(*shares, False)
    visits = {d.record_id for d in refused if d.record_kind == "visit"}
    facts = replace(data.facts, visits=tuple(replace(v, refused=True) if v.id in visits else v
                                             for v in data.facts.visits))
    again = reader.provider_month_input(session, provider_id, month, as_of=as_of, facts=facts)
    after = _priced(replace(again.pricing, refused=_refused_days(session, settlement, refused)), provider_id)
    return Repriced(baseline[0] - after[0], baseline[1] - after[1], True)
