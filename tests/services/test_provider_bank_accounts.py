"""The provider's settlement bank account (SPEC §7.3 payment, §0.2 dated attributes): periods entered by the
provider's admin or the MIA with a reason, audited with the number masked; another organisation may not."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.billing.review import bank_accounts
from ltc.billing.review.bank_accounts import AccountChange
from ltc.core.audit import AuditEntry
from ltc.core.errors import Forbidden, NotFound, ValidationFailed
from tests.settlement_review_builders import NOW, actor, bank_account


def _change(account_no="6222020200998877665", valid_from=date(2026, 7, 1), **kw):
    values = dict(holder="某护理院", bank_name="建设银行西城支行", account_no=account_no, valid_from=valid_from,
                  reason="更换开户行") | kw
    return AccountChange(**values)


def test_a_change_is_dated_keeps_the_history_and_is_audited_masked(session, world):
    first = bank_account(session, world, world.provider)
    second = bank_accounts.change_account(session, world.provider.id, _change(account_no="6222 0202 0099 8877 665"),
                                          actor=actor(world, "pr_admin"), now=NOW)
    assert bank_accounts.account_on(session, world.provider.id, date(2026, 6, 30)).id == first.id
    assert bank_accounts.account_on(session, world.provider.id, date(2026, 7, 1)).id == second.id
    assert second.account_no == "6222020200998877665" and first.last_day == date(2026, 6, 30)
    assert [p.id for p in bank_accounts.history(session, world.provider.id)] == [first.id, second.id]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "provider_bank_account")
                            .order_by(AuditEntry.id.desc())).first()
    assert entry.after["account_no"] == "6222***********7665" and entry.before["account_no"] == "6222***********3445"
    assert "6222020200998877665" not in str(entry.after) + str(entry.before)
    assert bank_accounts.account_on(session, world.provider2.id, date(2026, 7, 1)) is None


def test_only_the_provider_itself_or_the_mia_changes_its_account(session, world):
    with pytest.raises(Forbidden):
        bank_accounts.change_account(session, world.provider.id, _change(), actor=actor(world, "pr2_op"), now=NOW)
    with pytest.raises(Forbidden):
        bank_accounts.change_account(session, world.provider.id, _change(), actor=actor(world, "ins_op"), now=NOW)
    with pytest.raises(NotFound):
        bank_accounts.change_account(session, world.insurer.id, _change(), actor=actor(world, "mia_admin"), now=NOW)
    bank_accounts.change_account(session, world.provider.id, _change(), actor=actor(world, "mia_admin"), now=NOW)


@pytest.mark.parametrize("field, value", [("account_no", "12ab5678"), ("account_no", "1234567"), ("holder", " "),
                                          ("reason", ""), ("bank_name", "x" * 101)])
def test_an_incomplete_or_invalid_account_is_refused(session, world, field, value):
    with pytest.raises(ValidationFailed):
        bank_accounts.change_account(session, world.provider.id, _change(**{field: value}),
                                     actor=actor(world, "pr_admin"), now=NOW)
