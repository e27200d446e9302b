"""The district list page (MIA admin only) and the district section of a provider's page."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.clock import utcnow
from ltc.core.periods import periods_of
from ltc.orgs import services as orgs
from ltc.orgs.models import District
from ltc.providers import services as providers
from ltc.providers.models import ProviderDistrictPeriod
from tests.conftest import login


@pytest.fixture
def listed(session, world):
    """东城区 and 西城区 (named by the world's insurer's contracts, hence already listed), 南湖区 unused,
    旧城区 deactivated."""
    for code, name in (("330104", "南湖区"), ("旧城区", "旧城区")):
        orgs.add_district(session, actor=SYSTEM, now=utcnow(), code=code, name=name)
    districts = {d.code: d for d in orgs.list_districts(session)}
    orgs.set_district_active(session, districts["旧城区"], actor=SYSTEM, now=utcnow(), active=False)
    session.commit()
    return districts


def names(response) -> list[str]:
    return re.findall(r'<tr data-testid="district-row">\s*<td>\d+</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>',
                      response.data.decode())


@pytest.mark.parametrize("username", ["pr_admin", "ins_admin", "ag_admin", "mia_op", "mia_rev"])
def test_everyone_but_the_mia_admin_gets_403_on_the_district_list(client, listed, username, session):
    login(client, username)
    district = listed["330104"]
    assert client.get("/orgs/districts/").status_code == 403
    assert client.post("/orgs/districts/", data={"code": "X1", "name": "某区"}).status_code == 403
    assert client.get(f"/orgs/districts/{district.id}/edit").status_code == 403
    assert client.post(f"/orgs/districts/{district.id}/edit",
                       data={"name": "改名", "sort_order": "1"}).status_code == 403
    for action in ("deactivate", "delete"):
        assert client.post(f"/orgs/districts/{district.id}/{action}").status_code == 403
    session.refresh(district)
    assert (district.name, district.active) == ("南湖区", True) and len(orgs.list_districts(session)) == 4


def test_the_mia_admin_finds_the_list_in_the_navigation_and_sees_each_state(client, listed):
    login(client, "mia_admin")
    assert 'href="/orgs/districts/"' in client.get("/").data.decode()
    response = client.get("/orgs/districts/")
    assert names(response) == ["东城区", "西城区", "南湖区", "旧城区"]
    states = re.findall(r'data-testid="district-state">([^<]*)<', response.data.decode())
    assert states == ["启用", "启用", "启用", "停用"]
    page = response.data.decode()  # only districts no record names may be deleted
    assert 'data-testid="delete-330104"' in page and 'data-testid="delete-东城区"' not in page


def test_the_mia_admin_adds_a_district_and_a_taken_code_is_shown_on_the_form(client, listed, session):
    login(client, "mia_admin")
    response = client.post("/orgs/districts/", data={"code": "330105", "name": "北山区", "sort_order": ""})
    assert response.status_code == 302
    assert names(client.get("/orgs/districts/"))[-1] == "北山区"
    taken = client.post("/orgs/districts/", data={"code": "330105", "name": "北山新区"})
    assert taken.status_code == 409 and "已在名录中" in taken.data.decode()
    empty = client.post("/orgs/districts/", data={"code": "330106", "name": ""})
    assert empty.status_code == 400 and "is-invalid" in empty.data.decode()
    assert set(orgs.district_names(session)) == {"东城区", "西城区", "330104", "旧城区", "330105"}


def test_the_mia_admin_renames_a_district_and_the_rename_is_audited(client, listed, session):
    login(client, "mia_admin")
    district = listed["330104"]
    assert 'value="南湖区"' in client.get(f"/orgs/districts/{district.id}/edit").data.decode()
    response = client.post(f"/orgs/districts/{district.id}/edit", data={"name": "南湖新区", "sort_order": "1"})
    assert response.status_code == 302
    assert names(client.get("/orgs/districts/"))[0] == "南湖新区"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "district")
                            .order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.entity_id, entry.after) == ("update", "330104", {"name": "南湖新区", "sort_order": 1})


def test_deactivating_activating_and_deleting_from_the_list(client, listed, session):
    login(client, "mia_admin")
    east, south = listed["东城区"], listed["330104"]
    assert client.post(f"/orgs/districts/{east.id}/deactivate").status_code == 302
    session.refresh(east)
    assert not east.active
    assert client.post(f"/orgs/districts/{east.id}/activate").status_code == 302
    refused = client.post(f"/orgs/districts/{east.id}/delete")  # the world's insurer's contract names it
    assert refused.status_code == 409 and "已被使用" in refused.data.decode()
    assert client.post(f"/orgs/districts/{south.id}/delete").status_code == 302
    assert "南湖区" not in names(client.get("/orgs/districts/"))
    assert session.get(District, east.id).active


def test_unknown_district_or_action_is_404(client, listed):
    login(client, "mia_admin")
    assert client.get("/orgs/districts/999999/edit").status_code == 404
    assert client.post("/orgs/districts/999999/deactivate").status_code == 404
    assert client.post(f"/orgs/districts/{listed['东城区'].id}/explode").status_code == 404


def test_the_district_list_forms_need_the_csrf_token(csrf_client, listed, session):
    from tests.builders import PASSWORD

    page = csrf_client.get("/login").data.decode()
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    csrf_client.post("/login", data={"username": "mia_admin", "password": PASSWORD, "csrf_token": token})
    district = listed["330104"]
    assert csrf_client.post(f"/orgs/districts/{district.id}/delete").status_code == 400
    assert csrf_client.post("/orgs/districts/", data={"code": "X9", "name": "某区"}).status_code == 400
    assert set(orgs.district_names(session)) == {"东城区", "西城区", "330104", "旧城区"}


# --- a provider's district on its page ------------------------------------------------------

def test_the_provider_page_shows_the_districts_name_and_history(client, world, listed, session):
    providers.set_district(session, world.provider, actor=SYSTEM, now=utcnow(), district="330104",
                           valid_from=date(2025, 1, 1))
    session.commit()
    login(client, "mia_admin")
    page = client.get(f"/orgs/{world.provider.id}").data.decode()
    assert re.search(r'data-testid="today-district">南湖区<', page)
    history = page.split('data-testid="history-district"')[1]
    assert "2025-01-01" in history and "南湖区" in history and "330104</td>" not in history
    form = page.split('data-testid="form-district"')[1].split("</form>")[0]
    assert "东城区" in form and "旧城区" not in form  # only active districts are offered


def test_the_mia_admin_records_a_providers_district_from_a_date(client, world, listed, session):
    login(client, "mia_admin")
    url = f"/orgs/{world.provider.id}/periods/district"
    assert client.post(url, data={"district-district": "东城区",
                                  "district-valid_from": "2025-06-01"}).status_code == 302
    assert client.post(url, data={"district-district": "330104",
                                  "district-valid_from": "2026-02-01"}).status_code == 302
    spans = [(p.district, p.valid_from.isoformat(), p.valid_to and p.valid_to.isoformat())
             for p in periods_of(session, ProviderDistrictPeriod, org_id=world.provider.id)]
    assert spans == [("东城区", "2025-06-01", "2026-02-01"), ("330104", "2026-02-01", None)]
    inactive = client.post(url, data={"district-district": "旧城区", "district-valid_from": "2026-05-01"})
    assert inactive.status_code == 400 and "is-invalid" in inactive.data.decode()
    overlap = client.post(url, data={"district-district": "西城区", "district-valid_from": "2025-01-01"})
    assert overlap.status_code == 409 and "重叠" in overlap.data.decode()
    assert len(periods_of(session, ProviderDistrictPeriod, org_id=world.provider.id)) == 2


def test_other_kinds_of_organisation_have_no_district_period(client, world, listed):
    login(client, "mia_admin")
    assert 'data-testid="form-district"' not in client.get(f"/orgs/{world.agency.id}").data.decode()
    response = client.post(f"/orgs/{world.agency.id}/periods/district",
                           data={"district-district": "东城区", "district-valid_from": "2026-01-01"})
    assert response.status_code == 404


def test_a_provider_cannot_set_its_own_district(client, world, listed, session):
    login(client, "pr_admin")
    response = client.post(f"/orgs/{world.provider.id}/periods/district",
                           data={"district-district": "东城区", "district-valid_from": "2026-01-01"})
    assert response.status_code == 403
    assert periods_of(session, ProviderDistrictPeriod, org_id=world.provider.id) == []


def test_the_district_pages_speak_english_on_request(client, world, listed, session):
    providers.set_district(session, world.provider, actor=SYSTEM, now=utcnow(), district="东城区",
                           valid_from=date(2025, 1, 1))
    session.commit()
    login(client, "mia_admin")
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/orgs/districts/").data.decode()
    assert "District list</h1>" in page and "District code" in page and "Add district" in page
    assert re.findall(r'data-testid="district-state">([^<]*)<', page) == ["Active"] * 3 + ["Inactive"]
    detail = client.get(f"/orgs/{world.provider.id}").data.decode()
    assert "Record district" in detail and "东城区" in detail
