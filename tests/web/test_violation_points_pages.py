"""Violation points pages (SPEC §6, §8): the provider sees each carer's points and why, the insurer and
the MIA see them for their scope, another provider gets a 404; the provider's home page notices a
carer suspended by points; Chinese first, English complete."""
from datetime import datetime, timezone

from ltc.core.clock import local_today
from ltc.ratings.points.services.attach import attach_settlement
from tests.conftest import login
from tests.points_builders import approved

NOW = datetime(2026, 7, 16, 16, 45, tzinfo=timezone.utc)
FRAUD = ("FRAUD", "监控录像显示当日未上门")


def _fraud(session, world):
    built = approved(session, world, extra_flags={1: "S01"}, refusals={1: FRAUD})
    attach_settlement(session, built.settlement, today=local_today(), now=NOW)
    return built


def test_the_provider_sees_its_carers_points_and_why(client, world, session):
    built = _fraud(session, world)
    carer = built.carers[1]
    login(client, "pr_admin")
    listing = client.get("/ratings/points/").data.decode()
    assert "护理人员违规记分" in listing and carer.name in listing and f'data-carer="{carer.id}"' in listing
    assert f"/ratings/points/carers/{carer.id}" in client.get(f"/carers/{carer.id}").data.decode()
    page = client.get(f"/ratings/points/carers/{carer.id}").data.decode()
    assert "欺诈（商保公司认定）" in page and "商保公司有证据认定欺诈" in page and "监控录像显示当日未上门" in page
    assert "申诉期满未申诉" in page and "因违规记分暂停服务" in page
    assert 'data-rule="FRAUD"' in page and "FRAUD" not in page.replace('data-rule="FRAUD"', "")


def test_the_insurer_and_the_mia_see_the_points_of_their_scope_and_another_provider_gets_404(client, world, session):
    built = _fraud(session, world)
    carer = built.carers[1]
    for username in ("ins_rev", "mia_admin"):
        client.post("/logout")
        login(client, username)
        assert carer.name in client.get("/ratings/points/").data.decode()
        assert client.get(f"/ratings/points/carers/{carer.id}").status_code == 200
    client.post("/logout")
    login(client, "pr2_admin")
    assert carer.name not in client.get("/ratings/points/").data.decode()
    assert client.get(f"/ratings/points/carers/{carer.id}").status_code == 404


def test_the_provider_home_page_notices_a_carer_suspended_by_points(client, world, session):
    built = _fraud(session, world)
    login(client, "pr_admin")
    home = client.get("/").data.decode()
    assert "因违规记分暂停服务的护理人员" in home and built.carers[1].name in home
    client.post("/logout")
    login(client, "pr2_admin")
    assert "因违规记分暂停服务的护理人员" not in client.get("/").data.decode()


def test_the_pages_in_english(client, world, session):
    built = _fraud(session, world)
    login(client, "pr_admin")
    client.post("/lang/en")
    listing = client.get("/ratings/points/").data.decode()
    assert "Carer violation points" in listing
    page = client.get(f"/ratings/points/carers/{built.carers[1].id}").data.decode()
    assert "Fraud (found by the insurer)" in page and "Suspended for violation points" in page
