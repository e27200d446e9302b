"""The provider's settlement bank account page: masked, with its history; the provider's admin edits its own,
the MIA any; another provider or an insurer gets a 404, an operator no form."""
from sqlalchemy import select

from ltc.billing.review.models import ProviderBankAccount
from tests.conftest import login
from tests.settlement_review_builders import bank_account


def _url(provider) -> str:
    return f"/settlements/review/providers/{provider.id}/bank-account"


def test_the_provider_admin_enters_its_account_and_the_page_shows_it_masked(client, session, world):
    session.commit()
    login(client, "pr_admin")
    page = client.get(_url(world.provider)).get_data(as_text=True)
    assert 'data-testid="no-account"' in page and 'data-testid="change-account"' in page
    bad = client.post(_url(world.provider), data={"holder": "某护理院", "bank_name": "工商银行", "account_no": "12ab",
                                                  "valid_from": "2026-07-01", "reason": "开户"})
    assert bad.status_code == 400 and "银行账号须为至少 8 位数字" in bad.get_data(as_text=True)
    done = client.post(_url(world.provider), data={"holder": "某护理院", "bank_name": "工商银行",
                                                   "account_no": "6222020200112233445", "valid_from": "2026-07-01",
                                                   "reason": "开户"})
    assert done.status_code == 302
    page = client.get(_url(world.provider)).get_data(as_text=True)
    assert 'data-testid="current-account-no">6222***********3445<' in page and "6222020200112233445" not in page
    assert session.scalar(select(ProviderBankAccount.set_by_org)) == world.provider.id


def test_other_organisations_get_a_404_and_an_operator_no_form(client, session, world):
    bank_account(session, world, world.provider)
    session.commit()
    for username in ("pr2_admin", "ins_op"):
        client.post("/logout")
        login(client, username)
        assert client.get(_url(world.provider)).status_code == 404, username
    client.post("/logout")
    login(client, "pr2_admin")
    assert client.post(_url(world.provider), data={"holder": "x", "bank_name": "y", "account_no": "12345678",
                                                   "valid_from": "2026-07-01", "reason": "z"}).status_code == 404
    assert client.get("/settlements/review/providers/999999/bank-account").status_code == 404
    client.post("/logout")
    login(client, "pr_op")
    page = client.get(_url(world.provider))
    assert page.status_code == 200 and 'data-testid="change-account"' not in page.get_data(as_text=True)
    assert client.post(_url(world.provider), data={}).status_code == 403


def test_the_mia_admin_changes_a_providers_account(client, session, world):
    bank_account(session, world, world.provider)
    session.commit()
    login(client, "mia_admin")
    done = client.post(_url(world.provider), data={"holder": "某护理院", "bank_name": "建设银行",
                                                   "account_no": "6217000011112222", "valid_from": "2026-08-01",
                                                   "reason": "机构申请变更"})
    assert done.status_code == 302
    page = client.get(_url(world.provider)).get_data(as_text=True)
    assert page.count('data-testid="account-row"') == 2 and "6217********2222" in page
