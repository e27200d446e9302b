"""Year-end clearing of the quality deposit (SPEC §7.3). Functions flush, never commit.

After every settlement of a provider's year Y is paid and its annual star of Y is set (by the
ratings run, or by the MIA until it exists), the deposits withheld from Y's service months are
released by the share of that star (policy ``deposit_release_by_star``, REF 5★ 100 %, 4★ 90 %,
3★ 70 %, 2★ 40 %, 1★ 0 %), half-up on the year's total: the released part becomes a provider-level
adjustment (``deposit_release``) booked into the provider's next regular settlement, the rest
returns to the fund. One clearing per provider and year: clearing it again changes nothing.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from ltc.billing.adjustments import raise_adjustment
from ltc.billing.deposits.kinds import EntryKind
from ltc.billing.deposits.models import ZERO, DepositClearing, DepositEntry
from ltc.billing.kinds import AdjustmentReason, SettlementStatus
from ltc.billing.models import Settlement, SettlementAdjustment
from ltc.billing.policy import BillingPolicy
from ltc.billing.stars.services import annual_star
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.money import to_money
from ltc.policy.services import policy_on

ENTITY = "deposit_clearing"
RELEASE_NOTE = "%(year)s 年度质量保证金返还（年度星级 %(stars)s 星，返还 %(percent)s%%）"


def withheld_in(session: Session, provider_id: int, year: int) -> Decimal:
    total = session.scalar(select(func.sum(DepositEntry.amount)).where(
        DepositEntry.provider_id == provider_id, DepositEntry.year == year, DepositEntry.kind == EntryKind.WITHHELD))
    return ZERO if total is None else to_money(Decimal(str(total)))


def unpaid_months(session: Session, provider_id: int, year: int) -> list[date]:
    """The provider's settlements of ``year`` that are not paid yet (their service months)."""
    return list(session.scalars(select(Settlement.month).where(
        Settlement.provider_id == provider_id, Settlement.month >= date(year, 1, 1),
        Settlement.month < date(year + 1, 1, 1), Settlement.status != SettlementStatus.PAID)
        .order_by(Settlement.month)))


def years_to_clear(session: Session, before_year: int) -> list[tuple[int, int]]:
    """(provider, year) pairs with deposits withheld in a year before ``before_year`` and no clearing yet,
    whose settlements of that year are all paid and whose annual star of it is set."""
    cleared = select(DepositClearing.id).where(DepositClearing.provider_id == DepositEntry.provider_id,
                                               DepositClearing.year == DepositEntry.year)
    pairs = session.execute(select(distinct(DepositEntry.provider_id), DepositEntry.year).where(
        DepositEntry.kind == EntryKind.WITHHELD, DepositEntry.year < before_year, ~cleared.exists())
        .order_by(DepositEntry.year, DepositEntry.provider_id)).all()
    return [(p, y) for p, y in pairs
            if annual_star(session, p, y) is not None and not unpaid_months(session, p, y)]


@dataclass(frozen=True)
class Split:
    stars: int
    ratio: Decimal
    withheld: Decimal

    @property
    def released(self) -> Decimal:
        return to_money(self.withheld * self.ratio)

    @property
    def returned(self) -> Decimal:
        return self.withheld - self.released


def _split(session: Session, provider_id: int, year: int) -> Split:
    stars = annual_star(session, provider_id, year)
    if stars is None:
        raise ValidationFailed("%(year)s 年度星级尚未评定，暂不能清算质量保证金", {"year": "no annual star"},
                               params={"year": year})
    if months := unpaid_months(session, provider_id, year):
        raise Conflict("%(year)s 年度还有未支付的结算（%(months)s），暂不能清算", {"year": "unpaid settlements"},
                       params={"year": year, "months": "、".join(m.strftime("%Y-%m") for m in months)})
    ratio = policy_on(session, date(year, 12, 31)).section(BillingPolicy).deposit_release(stars)
    return Split(stars, ratio, withheld_in(session, provider_id, year))


def _adjustment(session: Session, split: Split, provider_id: int, year: int, *, actor: Actor,
                now: datetime) -> SettlementAdjustment:
    percent = f"{split.ratio * 100:f}".rstrip("0").rstrip(".")
    return raise_adjustment(session, actor=actor, now=now, provider_id=provider_id,
                            reason=AdjustmentReason.DEPOSIT_RELEASE.value, service_month=date(year, 12, 1),
                            billable=split.released, ratio=Decimal("1.00"), fund=split.released, copay=ZERO,
                            note=RELEASE_NOTE, params={"year": year, "stars": split.stars, "percent": percent})


def clear_year(session: Session, provider_id: int, year: int, *, actor: Actor, now: datetime) -> DepositClearing:
    """Clear the provider's deposits of ``year`` (once; an existing clearing is returned as it is).

    Raises ValidationFailed (no annual star of the year yet) or Conflict (a settlement of the year
    not paid yet)."""
    done = session.scalars(select(DepositClearing).where(DepositClearing.provider_id == provider_id,
                                                         DepositClearing.year == year)).first()
    if done is not None:
        return done
    split = _split(session, provider_id, year)
    clearing = DepositClearing(provider_id=provider_id, year=year, stars=split.stars, release_ratio=split.ratio,
                               withheld=split.withheld, released=split.released, returned=split.returned,
                               cleared_at=now, actor_id=actor.user_id)
    session.add(clearing)
    if split.released > 0:
        clearing.adjustment_id = _adjustment(session, split, provider_id, year, actor=actor, now=now).id
    session.flush()
    for kind, amount in ((EntryKind.RELEASED, split.released), (EntryKind.RETURNED, split.returned)):
        if amount > 0:
            session.add(DepositEntry(provider_id=provider_id, kind=kind.value, month=date(year, 12, 1), year=year,
                                     amount=amount, clearing_id=clearing.id, adjustment_id=(
                                         clearing.adjustment_id if kind is EntryKind.RELEASED else None),
                                     at=now, actor_id=actor.user_id))
    session.flush()
    audit.record(session, actor, "clear_deposit", ENTITY, clearing.id, now=now,
                 after={"provider_id": provider_id, "year": year, "stars": split.stars, "withheld": split.withheld,
                        "released": split.released, "returned": split.returned})
    return clearing
