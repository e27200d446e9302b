"""The monthly family-care allowance payment list (SPEC §7.1, §7.3). Functions flush, never commit.

Per family provider and month, ``refresh_provider_month`` prices the month exactly as its settlement
does (``ltc.billing.reader`` + ``ltc.billing.pricing.price_month``: allowance days = entitled days the
person is alive, insured and not an inpatient) and keeps one line per beneficiary: the amount, the
excluded days by rule, the bank account in force (held without one). Paid lines are never changed;
unpaid lines of persons no longer owed anything are removed. No deposit is taken. ``mark_paid``
records the payment of every payable line of a month in the insurer's scope.
"""
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.billing.family import accounts
from ltc.billing.family.kinds import LineStatus
from ltc.billing.family.models import REFERENCE_MAX, FamilyAllowanceLine
from ltc.billing.pricing import Allowance, price_month
from ltc.billing.reader import provider_month_input
from ltc.compliance.services import compliance_policy
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import ValidationFailed
from ltc.core.months import first_of_next_month
from ltc.entitlements.models import Entitlement
from ltc.orgs.kinds import CareType

ENTITY = "family_allowance_list"
ZERO = Decimal("0.00")


def family_providers(session: Session, month: date) -> list[int]:
    """Providers with a live family-care entitlement overlapping ``month``."""
    end = first_of_next_month(month)
    return sorted(set(session.scalars(select(Entitlement.provider_id).where(
        Entitlement.care_type == CareType.FAMILY.value, Entitlement.live_filter(), Entitlement.valid_from < end,
        or_(Entitlement.valid_to.is_(None), Entitlement.valid_to > month)))))


def allowances_for(session: Session, provider_id: int, month: date, *, as_of: datetime) -> list[Allowance]:
    """The provider-month's allowances, priced as its settlement is."""
    pricing = provider_month_input(session, provider_id, month, as_of=as_of).pricing
    if pricing.compliance is None:   # the allowance's days are judged by E07, E03, E08 (SPEC §7.1)
        pricing = replace(pricing, compliance=compliance_policy(session, month))
    priced = price_month(pricing)
    return [a for a in priced.allowances if a.provider_id == provider_id]


def _point_at_account(line: FamilyAllowanceLine, account: accounts.Account | None) -> None:
    line.account_id = None if account is None else account.period_id
    line.application_id = None if account is None else account.application_id
    line.holder, line.bank_name, line.account_no = (None, None, None) if account is None else (
        account.holder, account.bank_name, account.account_no)
    line.status = (LineStatus.HELD if account is None else LineStatus.PAYABLE).value


@dataclass
class Refreshed:
    payable: int = 0
    held: int = 0
    removed: int = 0

    def counts(self) -> dict[str, int]:
        return {"payable": self.payable, "held": self.held, "removed": self.removed}


def refresh_provider_month(session: Session, provider_id: int, month: date, allowances: Iterable[Allowance], *,
                           today: date, now: datetime) -> Refreshed:
    """Bring the provider-month's lines in line with ``allowances`` (idempotent; paid lines kept as paid)."""
    existing = {line.person_id: line for line in session.scalars(select(FamilyAllowanceLine).where(
        FamilyAllowanceLine.month == month, FamilyAllowanceLine.provider_id == provider_id))}
    done = Refreshed()
    for allowance in allowances:
        if allowance.amount <= ZERO:
            continue
        line = existing.pop(allowance.beneficiary_id, None)
        if line is not None and line.status == LineStatus.PAID:
            continue
        account = accounts.account_on(session, allowance.beneficiary_id, today)
        if line is None:
            line = FamilyAllowanceLine(month=month, person_id=allowance.beneficiary_id, provider_id=provider_id)
        line.days, line.excluded, line.amount, line.generated_at = (
            allowance.days, dict(allowance.excluded), allowance.amount, now)
        _point_at_account(line, account)
        session.add(line)
        done.held += line.status == LineStatus.HELD
        done.payable += line.status == LineStatus.PAYABLE
    for line in existing.values():
        if line.status != LineStatus.PAID:
            session.delete(line)
            done.removed += 1
    session.flush()
    return done


def change_bank_account(session: Session, person_id: int, change: accounts.AccountChange, *, actor: Actor,
                        now: datetime, today: date):
    """Record the insurer's change of the person's account (``accounts.change_account``) and point the
    person's unpaid lines at the account in force today."""
    period = accounts.change_account(session, person_id, change, actor=actor, now=now)
    account = accounts.account_on(session, person_id, today)
    for line in session.scalars(select(FamilyAllowanceLine).where(FamilyAllowanceLine.person_id == person_id,
                                                                  FamilyAllowanceLine.status != LineStatus.PAID)):
        _point_at_account(line, account)
    session.flush()
    return period


# --- the list ------------------------------------------------------------------------------

def lines_stmt(viewer: User, month: date, status: str | None = None):
    stmt = select(FamilyAllowanceLine).where(FamilyAllowanceLine.month == month)
    if status:
        stmt = stmt.where(FamilyAllowanceLine.status == status)
    return scoped(stmt.order_by(FamilyAllowanceLine.status, FamilyAllowanceLine.person_id,
                                FamilyAllowanceLine.provider_id), FamilyAllowanceLine, viewer)


@dataclass(frozen=True)
class ListTotals:
    lines: int
    amount: Decimal
    by_status: dict[str, tuple[int, Decimal]]


def totals(session: Session, viewer: User, month: date) -> ListTotals:
    by_status: dict[str, tuple[int, Decimal]] = {}
    for line in session.scalars(lines_stmt(viewer, month)):
        count, amount = by_status.get(line.status, (0, ZERO))
        by_status[line.status] = (count + 1, amount + line.amount)
    return ListTotals(sum(c for c, _ in by_status.values()), sum((a for _, a in by_status.values()), ZERO),
                      by_status)


def record_export(session: Session, month: date, lines: int, *, actor: Actor, now: datetime) -> None:
    """An export of the list holds full ID and account numbers (for the bank): record who took it."""
    audit.record(session, actor, "export", ENTITY, month.strftime("%Y-%m"), now=now, after={"lines": lines})


def mark_paid(session: Session, viewer: User, month: date, *, paid_on: date, bank_reference: str, actor: Actor,
              now: datetime) -> ListTotals:
    """Record the payment of every payable line of ``month`` the viewer's insurer answers for. Held lines
    stay held. Raises ValidationFailed (no reference, or nothing payable)."""
    reference = (bank_reference or "").strip()
    if not reference or len(reference) > REFERENCE_MAX:
        raise ValidationFailed("请填写银行流水号（不超过 %(n)s 个字符）", {"bank_reference": "required"},
                               params={"n": REFERENCE_MAX})
    lines = list(session.scalars(lines_stmt(viewer, month, LineStatus.PAYABLE.value)))
    if not lines:
        raise ValidationFailed("本月没有待支付的补贴", {"paid_on": "nothing payable"})
    for line in lines:
        line.status, line.paid_on, line.bank_reference = LineStatus.PAID.value, paid_on, reference
        line.paid_by, line.paid_at = actor.user_id, now
    session.flush()
    paid = sum((line.amount for line in lines), ZERO)
    audit.record(session, actor, "mark_paid", ENTITY, month.strftime("%Y-%m"), now=now,
                 after={"lines": len(lines), "amount": paid, "paid_on": paid_on, "bank_reference": reference})
    return ListTotals(len(lines), paid, {LineStatus.PAID.value: (len(lines), paid)})
