"""The provider's settlement bank account (SPEC §7.3 payment): dated periods (SPEC §0.2) of account name,
bank and number that the provider's admin (its own) or the MIA enters with a reason, audited with the
number masked. Pages show it masked; the bank batch file carries it in full (its export is audited).
Functions flush, never commit."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ltc.billing.review.models import ACCOUNT_MAX, BANK_MAX, HOLDER_MAX, REASON_MAX, ProviderBankAccount
from ltc.core import audit, bank
from ltc.core.audit import Actor
from ltc.core.errors import Forbidden, NotFound, ValidationFailed
from ltc.core.periods import add_period, period_on, periods_of
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id

ENTITY = "provider_bank_account"
NO_ACCOUNT = "护理机构未登记收款银行账户"


def masked(account: ProviderBankAccount | None) -> str:
    return mask_id(account.account_no) if account is not None else ""


def account_on(session: Session, provider_id: int, day: date) -> ProviderBankAccount | None:
    """The provider's account in force on ``day`` (None: none entered, its payments are blocked)."""
    return period_on(session, ProviderBankAccount, day, provider_id=provider_id)


def history(session: Session, provider_id: int) -> list[ProviderBankAccount]:
    """Every period, oldest first."""
    return periods_of(session, ProviderBankAccount, provider_id=provider_id)


@dataclass(frozen=True)
class AccountChange:
    holder: str
    bank_name: str
    account_no: str
    valid_from: date
    reason: str


def _clean(change: AccountChange) -> dict[str, str]:
    limits = {"holder": HOLDER_MAX, "bank_name": BANK_MAX, "account_no": ACCOUNT_MAX, "reason": REASON_MAX}
    values, empty = bank.cleaned(change, limits)
    if empty is not None:
        raise ValidationFailed("请填写户名、开户银行、银行账号和变更原因", {empty: "required"})
    return values


def may_change(actor_org: Organisation | None, provider_id: int) -> bool:
    """The provider itself (its admin: checked by the page's permission) or the MIA."""
    return actor_org is not None and (actor_org.kind == OrgKind.MIA or actor_org.id == provider_id)


def change_account(session: Session, provider_id: int, change: AccountChange, *, actor: Actor,
                   now: datetime) -> ProviderBankAccount:
    """From ``change.valid_from`` on the provider's settlements are paid to the given account.

    Raises NotFound (no such provider), Forbidden (another provider), ValidationFailed (a field missing or
    invalid) or Conflict (the period overlaps a later one)."""
    provider = session.get(Organisation, provider_id)
    if provider is None or provider.kind != OrgKind.PROVIDER:
        raise NotFound("没有这个护理机构")
    org = session.get(Organisation, actor.org_id) if actor.org_id else None
    if not may_change(org, provider_id):
        raise Forbidden("只有本机构管理员或医保经办机构可以变更结算银行账户")
    values = _clean(change)
    before = account_on(session, provider_id, change.valid_from)
    period = add_period(session, ProviderBankAccount, valid_from=change.valid_from, close_open=True,
                        provider_id=provider_id, set_by=actor.user_id, set_by_org=org.id, set_at=now, **values)
    audit.record(session, actor, "change_bank_account", ENTITY, provider_id, now=now,
                 before=None if before is None else {"holder": before.holder, "bank_name": before.bank_name,
                                                     "account_no": masked(before)},
                 after={"holder": period.holder, "bank_name": period.bank_name, "account_no": masked(period),
                        "valid_from": period.valid_from, "reason": period.reason})
    return period
