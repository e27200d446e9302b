"""The family-care allowance payment list and the beneficiary's bank account (SPEC §7.1, §7.3).

* ``BeneficiaryBankAccount``: the account the allowance is paid to, as dated periods (SPEC §0.2),
  entered by the insurer on the person's request with a reason; before the first one (or on a day
  none covers) the account of the person's application applies.
* ``FamilyAllowanceLine``: one beneficiary's allowance from one family provider for a month: the
  days paid, the excluded days by rule, the amount, the bank account it goes to (a snapshot), held
  while there is none, and the payment (date, bank reference) once paid — never through the
  provider's settlement, with no deposit.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.billing.family.kinds import AccountSource, LineStatus
from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.core.periods import PeriodMixin, period_table_args

HOLDER_MAX, BANK_MAX, ACCOUNT_MAX, REASON_MAX, REFERENCE_MAX = 50, 100, 40, 300, 60


class BeneficiaryBankAccount(PeriodMixin, Base):
    __tablename__ = "beneficiary_bank_accounts"
    __table_args__ = (
        enum_check("source", AccountSource),
        *period_table_args("beneficiary_bank_accounts", "person_id"),
    )
    period_key = ("person_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    holder: Mapped[str] = mapped_column(String(HOLDER_MAX))
    bank_name: Mapped[str] = mapped_column(String(BANK_MAX))
    account_no: Mapped[str] = mapped_column(String(ACCOUNT_MAX))
    source: Mapped[str] = mapped_column(String(12))
    #: the person's request the insurer acted on (e.g. "本人书面申请 2026-06-01") and why
    request: Mapped[str] = mapped_column(String(REASON_MAX))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_by_org: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class FamilyAllowanceLine(Base):
    __tablename__ = "family_allowance_lines"
    __table_args__ = (
        enum_check("status", LineStatus),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("days > 0", name="days"),
        CheckConstraint("(status = 'paid') = (paid_on IS NOT NULL)", name="paid_has_date"),
        CheckConstraint("status = 'held' OR account_no IS NOT NULL", name="payable_has_account"),
        UniqueConstraint("month", "person_id", "provider_id"),
        Index("ix_family_allowance_lines_month_status", "month", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the first day of the service month
    month: Mapped[date] = mapped_column(Date)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    days: Mapped[int]
    #: entitled days not paid, by the first failing rule (E07 death, E03 not insured, E08 inpatient)
    excluded: Mapped[dict] = mapped_column(JSON, default=dict)
    amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(10))
    #: the bank account the payment goes to (None while held); its period, or the application it came from
    account_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiary_bank_accounts.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    holder: Mapped[str | None] = mapped_column(String(HOLDER_MAX))
    bank_name: Mapped[str | None] = mapped_column(String(BANK_MAX))
    account_no: Mapped[str | None] = mapped_column(String(ACCOUNT_MAX))
    paid_on: Mapped[date | None] = mapped_column(Date)
    bank_reference: Mapped[str | None] = mapped_column(String(REFERENCE_MAX))
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_at: Mapped[datetime | None]
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
