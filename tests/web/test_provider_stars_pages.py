"""The provider stars page (SPEC §1, §8): the MIA admin enters a star with a reason and sees its
history; a provider sees its own stars only; others are refused; Chinese and English."""
from datetime import date

from sqlalchemy import select

from ltc.billing.stars.models import ProviderStarEvent
from ltc.core.clock import local_today
from ltc.core.months import add_months, first_of_month
from tests.conftest import login


def _last_month() -> str:
    return add_months(first_of_month(local_today()), -1).strftime("%Y-%m")


def test_the_mia_admin_enters_a_monthly_star_with_a_reason_and_sees_its_history(client, world, session):
    login(client, "mia_admin")
    page = client.get("/billing/stars/").data.decode()
    assert "机构星级" in page and 'data-testid="new-star"' in page and "居家护理甲" in page
    response = client.post("/billing/stars/", data={"provider_id": world.provider.id, "kind": "monthly",
                                                    "month": _last_month(), "stars": 4, "reason": "评级上线前人工录入"})
    assert response.status_code == 302
    history = client.get(response.headers["Location"]).data.decode()
    assert "★★★★" in history and "评级上线前人工录入" in history and "人工录入" in history
    assert "★★★★" in client.get("/billing/stars/").data.decode()
    event = session.scalars(select(ProviderStarEvent).where(ProviderStarEvent.org_id == world.provider.id)).one()
    assert (event.stars, event.kind) == (4, "monthly")


def test_a_star_for_a_month_not_over_is_refused_in_words(client, world, session):
    login(client, "mia_admin")
    response = client.post("/billing/stars/", data={
        "provider_id": world.provider.id, "kind": "monthly", "month": local_today().strftime("%Y-%m"), "stars": 3,
        "reason": "x"})
    assert response.status_code == 400 and "只能评定已结束的月份" in response.data.decode()
    response = client.post("/billing/stars/", data={"provider_id": world.provider.id, "kind": "annual", "stars": 3,
                                                    "reason": "x"})
    assert response.status_code == 400 and "请填写年度" in response.data.decode()


def test_a_provider_sees_its_own_stars_and_another_providers_are_a_404(client, world):
    login(client, "pr_admin")
    page = client.get("/billing/stars/").data.decode()
    assert "居家护理甲" in page and "养老院乙" not in page and 'data-testid="new-star"' not in page
    assert client.get(f"/billing/stars/{world.provider.id}").status_code == 200
    assert client.get(f"/billing/stars/{world.provider2.id}").status_code == 404
    assert client.post("/billing/stars/", data={"provider_id": world.provider.id, "kind": "annual",
                                                "year": date.today().year - 1, "stars": 5,
                                                "reason": "x"}).status_code == 403


def test_only_the_mia_admin_enters_stars_and_insurers_do_not_see_the_page(client, world):
    login(client, "mia_op")
    assert client.get("/billing/stars/").status_code == 200
    assert client.post("/billing/stars/", data={}).status_code == 403
    client.post("/logout")
    login(client, "ins_op")
    assert client.get("/billing/stars/").status_code == 403


def test_the_stars_page_in_english(client, world):
    login(client, "mia_admin")
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/billing/stars/").data.decode()
    assert "Provider stars" in page and "Monthly star in force" in page and "Enter a star" in page
    assert "机构星级" not in page
