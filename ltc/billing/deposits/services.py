"""Net payment and the quality deposit ledger (SPEC §7.3). Functions flush, never commit.

``book_net`` is called when the MIA approves a settlement (again after a return and re-approval):

    deposit = round_half_up(approved fund × quality_deposit_ratio)       on the provider total
    net     = approved fund − deposit ± adjustments + carried in         (no deposit on adjustments)
    payable = max(net, 0); carried out = min(net, 0)                     (never paid out negative)

The carried-in amount is the negative net of the provider's previous settlement not yet carried
into another one. The deposit is one ``withheld`` ledger entry of the settlement's month.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.billing.deposits.kinds import EntryKind
from ltc.billing.deposits.models import ZERO, DepositEntry, SettlementNet
from ltc.billing.kinds import SettlementStatus
from ltc.billing.models import Settlement
from ltc.billing.policy import BillingPolicy
from ltc.billing.review.models import SettlementAudit
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import InvalidTransition
from ltc.core.money import to_money
from ltc.policy.services import policy_on

ENTITY = "settlement_net"


def approved_fund(session: Session, settlement: Settlement) -> Decimal:
    """The fund the MIA approves: the settlement's fund less the insurer's audit deductions."""
    deducted = session.scalar(select(SettlementAudit.deducted_fund).where(
        SettlementAudit.settlement_id == settlement.id))
    return settlement.fund - (deducted or ZERO)


def deposit_ratio(session: Session, settlement: Settlement) -> Decimal:
    """The quality deposit ratio of the policy governing the settlement's service month."""
    return policy_on(session, settlement.month).section(BillingPolicy).quality_deposit_ratio


def _carry_source(session: Session, settlement: Settlement, current: SettlementNet | None) -> SettlementNet | None:
    """The provider's latest earlier net with a negative carry not yet taken by another settlement."""
    taken = select(SettlementNet.carried_from_id).where(SettlementNet.carried_from_id.is_not(None))
    if current is not None:
        taken = taken.where(SettlementNet.id != current.id)
    stmt = (select(SettlementNet).where(SettlementNet.provider_id == settlement.provider_id,
                                        SettlementNet.month < settlement.month, SettlementNet.carried_out < 0,
                                        SettlementNet.id.not_in(taken))
            .order_by(SettlementNet.month.desc()).limit(1))
    return session.scalars(stmt).first()


def _withhold(session: Session, settlement: Settlement, amount: Decimal, *, actor: Actor, now: datetime) -> None:
    entry = session.scalars(select(DepositEntry).where(DepositEntry.settlement_id == settlement.id,
                                                       DepositEntry.kind == EntryKind.WITHHELD)).first()
    if amount <= 0:
        if entry is not None:
            session.delete(entry)
        return
    if entry is None:
        entry = DepositEntry(provider_id=settlement.provider_id, kind=EntryKind.WITHHELD.value,
                             month=settlement.month, year=settlement.month.year, settlement_id=settlement.id)
        session.add(entry)
    entry.amount, entry.at, entry.actor_id = amount, now, actor.user_id


@dataclass(frozen=True)
class NetFigures:
    approved_fund: Decimal
    deposit: Decimal
    adjustments: Decimal
    carried_in: Decimal

    @property
    def net(self) -> Decimal:
        return self.approved_fund - self.deposit + self.adjustments + self.carried_in


def book_net(session: Session, settlement: Settlement, *, actor: Actor, now: datetime) -> SettlementNet:
    """Withhold the settlement's quality deposit and compute its net payment (idempotent: booking it
    again recomputes both). The approved fund is the settlement's fund less the insurer's audit
    deductions (``approved_fund``). Sets ``settlement.deposit`` and
    ``settlement.net`` (the amount paid, ≥ 0).
    Raises InvalidTransition for a paid settlement (immutable)."""
    if settlement.status == SettlementStatus.PAID:
        raise InvalidTransition("已支付的结算不能再变更", {"status": "paid"})
    row = session.scalars(select(SettlementNet).where(SettlementNet.settlement_id == settlement.id)).first()
    ratio = deposit_ratio(session, settlement)
    source = _carry_source(session, settlement, row)
    approved = approved_fund(session, settlement)
    figures = NetFigures(approved_fund=approved, deposit=to_money(approved * ratio),
                         adjustments=settlement.adjustments,
                         carried_in=ZERO if source is None else source.carried_out)
    if row is None:
        row = SettlementNet(settlement_id=settlement.id, provider_id=settlement.provider_id, month=settlement.month)
        session.add(row)
    row.approved_fund, row.deposit_ratio, row.deposit = figures.approved_fund, ratio, figures.deposit
    row.adjustments, row.carried_in, row.carried_from_id = figures.adjustments, figures.carried_in, (
        None if source is None else source.id)
    row.net, row.payable, row.carried_out = figures.net, max(figures.net, ZERO), min(figures.net, ZERO)
    row.computed_at = now
    _withhold(session, settlement, figures.deposit, actor=actor, now=now)
    settlement.deposit, settlement.net = figures.deposit, row.payable
    session.flush()
    audit.record(session, actor, "book_net", ENTITY, settlement.id, now=now,
                 after={"approved_fund": row.approved_fund, "deposit": row.deposit, "adjustments": row.adjustments,
                        "carried_in": row.carried_in, "net": row.net, "payable": row.payable})
    return row


# --- reads ---------------------------------------------------------------------------------

def net_of(session: Session, settlement_id: int) -> SettlementNet | None:
    """The net payment booked at the settlement's approval, or None before it."""
    return session.scalars(select(SettlementNet).where(SettlementNet.settlement_id == settlement_id)).first()


@dataclass(frozen=True)
class YearBalance:
    year: int
    withheld: Decimal
    released: Decimal
    returned: Decimal

    @property
    def balance(self) -> Decimal:
        return self.withheld - self.released - self.returned


def balances(session: Session, provider_id: int) -> list[YearBalance]:
    """The provider's deposit by year: withheld, released, returned, what is still held."""
    stmt = (select(DepositEntry.year, DepositEntry.kind, func.sum(DepositEntry.amount))
            .where(DepositEntry.provider_id == provider_id).group_by(DepositEntry.year, DepositEntry.kind))
    sums: dict[int, dict[str, Decimal]] = {}
    for year, kind, total in session.execute(stmt):
        sums.setdefault(year, {})[kind] = to_money(Decimal(str(total)))
    return [YearBalance(year, *(sums[year].get(k, ZERO) for k in EntryKind)) for year in sorted(sums)]


def entries(session: Session, provider_id: int) -> list[DepositEntry]:
    return list(session.scalars(select(DepositEntry).where(DepositEntry.provider_id == provider_id)
                                .order_by(DepositEntry.month, DepositEntry.id)))


def nets(session: Session, provider_id: int) -> list[SettlementNet]:
    return list(session.scalars(select(SettlementNet).where(SettlementNet.provider_id == provider_id)
                                .order_by(SettlementNet.month)))
