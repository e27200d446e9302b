"""The quality deposit pages (SPEC §7.3): a provider sees its own ledger (balance by year, net
payments with a carried-forward negative shown as such, clearings), the insurer the providers of its
districts, the MIA all; any other ledger is a 404; CSV/XLSX; Chinese and English."""
from datetime import date

import pytest

from ltc.billing.deposits import services
from ltc.core.audit import SYSTEM
from tests.conftest import login
from tests.deposit_builders import NOW, settlement
from tests.settlement_builders import provider as district_provider


@pytest.fixture
def ledgers(session, world):
    """The world's home-care provider with a positive and a negative month; a provider of 东城区."""
    for month, fund, adjustments in ((date(2026, 1, 1), "1000.00", "-2000.00"), (date(2026, 2, 1), "3000.00", "0")):
        services.book_net(session, settlement(session, world.provider, month, fund, adjustments=adjustments),
                          actor=SYSTEM, now=NOW)
    east = district_provider(session, 90, care_type="home", grade="home_care", name="东城居家护理")
    services.book_net(session, settlement(session, east, date(2026, 1, 1), "500.00"), actor=SYSTEM, now=NOW)
    session.commit()
    return east


def test_a_provider_is_sent_to_its_own_ledger_and_sees_the_carried_negative(client, world, ledgers):
    login(client, "pr_admin")
    response = client.get("/billing/deposits/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/billing/deposits/{world.provider.id}")
    page = client.get(response.headers["Location"]).data.decode()
    assert "质量保证金台账" in page and "负数结转下期" in page and "-1100.00" in page
    assert "400.00" in page        # 2026 withheld 100.00 + 300.00
    assert "1600.00" in page       # February: 3000 − 300 − 1100 carried in
    assert client.get(f"/billing/deposits/{ledgers.id}").status_code == 404


def test_the_insurer_sees_the_providers_of_its_districts_only(client, world, ledgers):
    login(client, "ins_op")
    page = client.get("/billing/deposits/").data.decode()
    assert "东城居家护理" in page and "居家护理甲" not in page
    assert client.get(f"/billing/deposits/{ledgers.id}").status_code == 200
    assert client.get(f"/billing/deposits/{world.provider.id}").status_code == 404


def test_the_ledger_exports_as_csv_and_xlsx(client, world, ledgers):
    login(client, "mia_op")
    csv = client.get(f"/billing/deposits/{world.provider.id}?format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.data.decode("utf-8-sig")
    assert "扣留" in text and "300.00" in text and "2026-02" in text
    xlsx = client.get(f"/billing/deposits/{world.provider.id}?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_others_may_not_open_the_deposit_pages(client, world, ledgers):
    login(client, "ag_admin")
    assert client.get("/billing/deposits/").status_code == 403
    assert client.get(f"/billing/deposits/{world.provider.id}").status_code == 403


def test_the_ledger_in_english(client, world, ledgers):
    login(client, "mia_admin")
    client.post("/lang/en", data={"next": "/"})
    page = client.get(f"/billing/deposits/{world.provider.id}").data.decode()
    assert "Quality deposit ledger" in page and "Negative, carried forward" in page and "Withheld" in page
    assert "质量保证金台账" not in page


def test_the_settlement_page_shows_the_net_and_the_negative_carried_forward(client, world, ledgers, session):
    from sqlalchemy import select

    from ltc.billing.models import Settlement

    january, february = session.scalars(select(Settlement).where(Settlement.provider_id == world.provider.id)
                                        .order_by(Settlement.month)).all()
    login(client, "pr_admin")
    page = client.get(f"/settlements/{january.id}").data.decode()
    assert "负数结转下期" in page and "-1100.00" in page
    page = client.get(f"/settlements/{february.id}").data.decode()
    assert 'data-testid="carried-in">-1100.00' in page and 'data-testid="total-net">1600.00' in page
