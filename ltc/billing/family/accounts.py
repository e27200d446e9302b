"""The beneficiary's bank account for the family-care allowance (SPEC §7.3). Functions flush, never commit.

The account is the one the application gave (``Application.bank_*``) until the insurer records a
change on the person's request (``change_account``): a dated period with the request and the reason,
audited. Only an insurer may change it. A change re-points the person's unpaid allowance lines at the
account in force (a held payment becomes payable).
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.billing.family.kinds import AccountSource
from ltc.billing.family.models import (ACCOUNT_MAX, BANK_MAX, HOLDER_MAX, REASON_MAX, BeneficiaryBankAccount)
from ltc.core import audit, bank
from ltc.core.audit import Actor
from ltc.core.errors import Forbidden, ValidationFailed
from ltc.core.periods import add_period, period_on, periods_of
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id

ENTITY = "beneficiary_bank_account"


@dataclass(frozen=True)
class Account:
    holder: str
    bank_name: str
    account_no: str
    source: str
    period_id: int | None = None
    application_id: int | None = None

    @property
    def masked(self) -> str:
        return mask_id(self.account_no)


def _from_application(session: Session, person_id: int) -> Account | None:
    app = session.scalars(select(Application).where(Application.person_id == person_id,
                                                    Application.bank_account_no.is_not(None),
                                                    Application.bank_account_no != "")
                          .order_by(Application.submitted_on.desc(), Application.id.desc()).limit(1)).first()
    if app is None:
        return None
    return Account(app.bank_account_holder or "", app.bank_name or "", app.bank_account_no, AccountSource.APPLICATION,
                   application_id=app.id)


def account_on(session: Session, person_id: int, day: date) -> Account | None:
    """The account in force on ``day``: the insurer's period covering it, else the application's; None
    when there is neither (the payment is held)."""
    period = period_on(session, BeneficiaryBankAccount, day, person_id=person_id)
    if period is None:
        return _from_application(session, person_id)
    return Account(period.holder, period.bank_name, period.account_no, period.source, period_id=period.id)


def history(session: Session, person_id: int) -> tuple[Account | None, list[BeneficiaryBankAccount]]:
    """The application's account and every change the insurer recorded, oldest first."""
    return _from_application(session, person_id), periods_of(session, BeneficiaryBankAccount, person_id=person_id)


@dataclass(frozen=True)
class AccountChange:
    holder: str
    bank_name: str
    account_no: str
    valid_from: date
    request: str
    reason: str


def _clean(change: AccountChange) -> dict[str, str]:
    limits = {"holder": HOLDER_MAX, "bank_name": BANK_MAX, "account_no": ACCOUNT_MAX, "request": REASON_MAX,
              "reason": REASON_MAX}
    values, empty = bank.cleaned(change, limits)
    if empty is not None:
        raise ValidationFailed("请填写全部账户信息、本人申请和变更原因", {empty: "required"})
    return values


def change_account(session: Session, person_id: int, change: AccountChange, *, actor: Actor,
                   now: datetime) -> BeneficiaryBankAccount:
    """From ``change.valid_from`` on the allowance goes to the given account (the person asked for it).

    Raises Forbidden (the actor is not an insurer), ValidationFailed (a field missing or invalid) or
    Conflict (the period overlaps a later change)."""
    org = session.get(Organisation, actor.org_id) if actor.org_id else None
    if org is None or org.kind != OrgKind.INSURER:
        raise Forbidden("只有承办机构可以依本人申请变更银行账户")
    values = _clean(change)
    before = account_on(session, person_id, change.valid_from)
    period = add_period(session, BeneficiaryBankAccount, valid_from=change.valid_from, close_open=True,
                        person_id=person_id, source=AccountSource.INSURER.value, set_by=actor.user_id,
                        set_by_org=org.id, set_at=now, **values)
    audit.record(session, actor, "change_bank_account", ENTITY, person_id, now=now,
                 before=None if before is None else {"bank_name": before.bank_name, "account_no": before.masked},
                 after={"bank_name": period.bank_name, "account_no": mask_id(period.account_no),
                        "valid_from": period.valid_from, "reason": period.reason, "request": period.request})
    return period
