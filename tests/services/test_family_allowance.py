"""The family-care allowance payment list (SPEC §7.1, §7.3): allowance days = entitled days alive,
insured and not inpatient, priced as the settlement prices them; paid to the beneficiary's bank
account from the application (or the insurer's change on the person's request); a missing account
holds the payment; the list is marked paid with a date and a bank reference; no deposit."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ltc.billing.deposits.models import DepositEntry
from ltc.billing.family import accounts, services
from ltc.billing.family.accounts import AccountChange
from ltc.billing.family.models import FamilyAllowanceLine
from ltc.core.audit import AuditEntry
from ltc.core.errors import Forbidden, ValidationFailed
from tests.builders import world
from tests.family_builders import AS_OF, JUNE, family_month

TODAY = date(2026, 7, 1)


@pytest.fixture
def family(session):
    w = world(session)
    return w, family_month(session)


def refresh(session, family):
    _w, f = family
    allowances = services.allowances_for(session, f.provider.id, JUNE, as_of=AS_OF)
    return services.refresh_provider_month(session, f.provider.id, JUNE, allowances, today=TODAY, now=AS_OF)


def lines(session):
    return {line.person_id: line for line in session.scalars(select(FamilyAllowanceLine))}


def test_the_allowance_counts_days_alive_insured_and_not_inpatient(session, family):
    _w, f = family
    done = refresh(session, family)
    assert done.counts() == {"payable": 2, "held": 1, "removed": 0}
    found = lines(session)
    assert (found[f.banked.id].days, found[f.banked.id].amount, found[f.banked.id].excluded) == (
        30, Decimal("450.00"), {})
    assert (found[f.inpatient.id].days, found[f.inpatient.id].amount, found[f.inpatient.id].excluded) == (
        25, Decimal("375.00"), {"E08": 5})
    assert (found[f.suspended.id].days, found[f.suspended.id].amount, found[f.suspended.id].excluded) == (
        20, Decimal("400.00"), {"E03": 10})


def test_the_account_comes_from_the_application_and_a_missing_one_holds_the_payment(session, family):
    _w, f = family
    refresh(session, family)
    found = lines(session)
    banked = found[f.banked.id]
    assert (banked.status, banked.bank_name, banked.account_no) == (
        "payable", "工商银行东城支行", "6222020200112233445")
    held = found[f.inpatient.id]
    assert (held.status, held.account_no) == ("held", None)


def test_the_insurer_changes_the_account_on_request_and_the_held_payment_becomes_payable(session, family):
    w, f = family
    refresh(session, family)
    change = AccountChange("李四", "建设银行", "6217 0000 1111 2222", date(2026, 7, 1), "本人书面申请 2026-07-01",
                           "申请表未填写账户")
    services.change_bank_account(session, f.inpatient.id, change, actor=_actor(w.users["ins_op"]), now=AS_OF,
                                 today=TODAY)
    line = lines(session)[f.inpatient.id]
    assert (line.status, line.account_no, line.bank_name) == ("payable", "6217000011112222", "建设银行")
    account = accounts.account_on(session, f.inpatient.id, TODAY)
    assert (account.source, account.holder) == ("insurer", "李四")
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.entity == "beneficiary_bank_account")).all()
    assert entry.after["account_no"] == "6217********2222" and entry.after["request"] == "本人书面申请 2026-07-01"


def test_only_an_insurer_may_change_an_account(session, family):
    w, f = family
    change = AccountChange("李四", "建设银行", "6217000011112222", date(2026, 7, 1), "来电", "变更")
    for who in ("mia_admin", "pr_op"):
        with pytest.raises(Forbidden):
            services.change_bank_account(session, f.inpatient.id, change, actor=_actor(w.users[who]), now=AS_OF,
                                         today=TODAY)
    with pytest.raises(ValidationFailed):
        services.change_bank_account(session, f.inpatient.id, AccountChange("李四", "建设银行", "12ab", TODAY, "来电",
                                                                             "变更"),
                                     actor=_actor(w.users["ins_op"]), now=AS_OF, today=TODAY)


def test_marking_the_list_paid_pays_the_payable_lines_and_keeps_the_held_one(session, family):
    w, f = family
    refresh(session, family)
    paid = services.mark_paid(session, w.users["ins_op"], JUNE, paid_on=date(2026, 7, 20), bank_reference="YH-0720",
                              actor=_actor(w.users["ins_op"]), now=AS_OF)
    assert (paid.lines, paid.amount) == (2, Decimal("850.00"))
    found = lines(session)
    assert (found[f.banked.id].status, found[f.banked.id].paid_on, found[f.banked.id].bank_reference) == (
        "paid", date(2026, 7, 20), "YH-0720")
    assert found[f.inpatient.id].status == "held"
    with pytest.raises(ValidationFailed):
        services.mark_paid(session, w.users["ins_op"], JUNE, paid_on=date(2026, 7, 21), bank_reference="YH-0721",
                           actor=_actor(w.users["ins_op"]), now=AS_OF)
    assert session.scalars(select(DepositEntry)).all() == []        # no deposit on allowances


def test_a_refresh_keeps_paid_lines_and_changes_nothing_when_nothing_changed(session, family):
    w, f = family
    refresh(session, family)
    services.mark_paid(session, w.users["ins_op"], JUNE, paid_on=date(2026, 7, 20), bank_reference="YH-0720",
                       actor=_actor(w.users["ins_op"]), now=AS_OF)
    before = {p: (line.status, line.amount) for p, line in lines(session).items()}
    assert refresh(session, family).counts() == {"payable": 0, "held": 1, "removed": 0}
    assert {p: (line.status, line.amount) for p, line in lines(session).items()} == before


def test_the_family_providers_of_a_month_are_those_with_family_entitlements(session, family):
    _w, f = family
    assert services.family_providers(session, JUNE) == [f.provider.id]


def _actor(user):
    from ltc.auth.services import actor_of

    return actor_of(user)
