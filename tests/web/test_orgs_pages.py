"""Organisation pages: MIA admin only; forms show errors and write nothing on error."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.clock import local_today, utcnow
from ltc.core.periods import periods_of
from ltc.orgs.models import Organisation, OrgStatusPeriod
from ltc.orgs.services import set_status
from ltc.providers.models import ProviderCareTypePeriod, ProviderPricePeriod
from tests.builders import PASSWORD, uscc
from tests.conftest import login


def org_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Organisation))


def statuses(response) -> list[str]:
    return re.findall(r'data-testid="org-status">([^<]*)<', response.data.decode())


def new_org_form(**overrides):
    data = {"kind": "provider", "name": "新护理站", "uscc": uscc(801), "address": "民生路 8 号",
            "phone": "0571-1234567", "active_from": "2026-01-01"}
    return {**data, **overrides}


@pytest.mark.parametrize("username", ["pr_admin", "ins_admin", "ag_admin", "mia_op", "mia_rev"])
def test_everyone_but_the_mia_admin_gets_403_on_organisation_pages(client, world, username):
    login(client, username)
    org_id = world.provider.id
    assert client.get("/orgs/").status_code == 403
    assert client.get("/orgs/new").status_code == 403
    assert client.post("/orgs/new", data=new_org_form()).status_code == 403
    assert client.get(f"/orgs/{org_id}").status_code == 403
    assert client.get(f"/orgs/{org_id}/edit").status_code == 403
    response = client.post(f"/orgs/{org_id}/periods/status",
                           data={"status-status": "exited", "status-valid_from": "2026-01-01"})
    assert response.status_code == 403
    assert [p.status for p in world.provider.statuses] == ["active"]


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    response = client.get("/orgs/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_list_shows_todays_status_and_filters_by_kind_and_name(client, world, session):
    set_status(session, world.provider2, actor=SYSTEM, now=utcnow(), status="suspended",
               valid_from=local_today() - timedelta(days=1))
    set_status(session, world.agency, actor=SYSTEM, now=utcnow(), status="exited",
               valid_from=local_today() + timedelta(days=1))
    login(client, "mia_admin")
    page = client.get("/orgs/?kind=provider").data.decode()
    assert page.count('data-testid="org-row"') == 2
    assert "养老院乙" in page and "暂停" in page and "评估机构甲" not in page
    assert sorted(statuses(client.get("/orgs/?kind=provider"))) == ["暂停", "正常"]
    page = client.get("/orgs/?q=评估").data.decode()
    assert page.count('data-testid="org-row"') == 1 and "评估机构甲" in page
    assert statuses(client.get("/orgs/?q=评估")) == ["正常"]  # the exit starts tomorrow


def test_list_is_paginated(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    login(client, "mia_admin")
    first = client.get("/orgs/").data.decode()
    third = client.get("/orgs/?page=3").data.decode()
    assert first.count('data-testid="org-row"') == 2 and "1 / 3 (5)" in first
    assert third.count('data-testid="org-row"') == 1


def test_mia_admin_creates_a_provider_and_lands_on_its_detail_page(client, world, session):
    login(client, "mia_admin")
    assert client.get("/orgs/new").status_code == 200
    response = client.post("/orgs/new", data=new_org_form())
    assert response.status_code == 302
    org = session.scalars(select(Organisation).where(Organisation.uscc == uscc(801))).one()
    assert (org.kind, org.name) == ("provider", "新护理站")
    statuses_of_org = periods_of(session, OrgStatusPeriod, org_id=org.id)
    assert [(p.status, p.valid_from.isoformat()) for p in statuses_of_org] == [("active", "2026-01-01")]
    detail = client.get(response.headers["Location"]).data.decode()
    assert "新护理站" in detail and 'data-testid="form-care-types"' in detail
    assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "organisation",
                                                    AuditEntry.action == "create",
                                                    AuditEntry.entity_id == str(org.id))).one()


@pytest.mark.parametrize("overrides, status, message", [
    ({"uscc": "91110000802100433A"}, 400, "校验位不正确"),
    ({"uscc": "123"}, 400, "应为 18 位"),
    ({"name": ""}, 400, "必填"),
])
def test_a_bad_organisation_form_shows_the_error_and_writes_nothing(client, world, session, overrides,
                                                                     status, message):
    login(client, "mia_admin")
    before = org_count(session)
    response = client.post("/orgs/new", data=new_org_form(**overrides))
    assert response.status_code == status
    assert message in response.data.decode()
    assert org_count(session) == before


def test_a_duplicate_uscc_is_shown_on_the_form(client, world, session):
    login(client, "mia_admin")
    response = client.post("/orgs/new", data=new_org_form(uscc=world.agency.uscc))
    assert response.status_code == 409
    assert "已被其他机构使用" in response.data.decode()


def test_an_insurer_is_created_without_districts_and_its_page_shows_those_of_its_contracts(client, world, session):
    """An insurer's districts are its contracts (承办合同): none on creation, today's on its page."""
    login(client, "mia_admin")
    client.post("/orgs/new", data=new_org_form(kind="insurer", uscc=uscc(802)))
    org = session.scalars(select(Organisation).where(Organisation.uscc == uscc(802))).one()
    page = client.get(f"/orgs/{org.id}").data.decode()
    assert 'data-testid="today-districts">—' in page and "/orgs/contracts/" in page
    page = client.get(f"/orgs/{world.insurer.id}").data.decode()
    assert 'data-testid="today-districts">东城区、西城区' in page


def test_editing_never_changes_the_kind(client, world, session):
    login(client, "mia_admin")
    page = client.get(f"/orgs/{world.agency.id}/edit").data.decode()
    assert 'name="kind"' not in page
    response = client.post(f"/orgs/{world.agency.id}/edit",
                           data={"kind": "provider", "name": "评估机构甲（更名）", "uscc": world.agency.uscc})
    assert response.status_code == 302
    session.refresh(world.agency)
    assert (world.agency.kind, world.agency.name) == ("agency", "评估机构甲（更名）")


def test_detail_page_shows_the_dated_history(client, world):
    login(client, "mia_admin")
    page = client.get(f"/orgs/{world.provider2.id}").data.decode()
    assert "XY-0005" in page and "2025-01-01" in page and "养老机构" in page and "60" in page
    agency = client.get(f"/orgs/{world.agency.id}").data.decode()
    assert 'data-testid="form-status"' in agency and 'data-testid="form-care-types"' not in agency


def test_a_status_change_is_recorded_from_its_date(client, world, session):
    login(client, "mia_admin")
    response = client.post(f"/orgs/{world.provider.id}/periods/status",
                           data={"status-status": "suspended", "status-valid_from": "2026-02-01"})
    assert response.status_code == 302
    spans = [(p.status, p.valid_from.isoformat(), p.valid_to and p.valid_to.isoformat())
             for p in periods_of(session, OrgStatusPeriod, org_id=world.provider.id)]
    assert spans == [("active", "2025-01-01", "2026-02-01"), ("suspended", "2026-02-01", None)]


def test_an_overlapping_agreement_is_refused_on_the_form_and_nothing_changes(client, world, session):
    login(client, "mia_admin")
    response = client.post(f"/orgs/{world.provider.id}/periods/agreement",
                           data={"agreement-agreement_no": "XY-NEW", "agreement-valid_from": "2026-01-01",
                                 "agreement-valid_to": "2027-01-01"})
    assert response.status_code == 409
    page = response.data.decode()
    assert "重叠" in page and 'value="XY-NEW"' in page
    assert [a.agreement_no for a in world.provider.agreements] == ["XY-0004"]


def test_care_types_price_and_beds_are_set_from_a_date(client, world, session):
    login(client, "mia_admin")
    pid = world.provider2.id
    assert client.post(f"/orgs/{pid}/periods/care-types", data={
        "care-types-care_types": ["institution", "family"], "care-types-valid_from": "2026-03-01"}
    ).status_code == 302
    assert client.post(f"/orgs/{pid}/periods/price", data={
        "price-daily_price": "58.50", "price-valid_from": "2026-03-01"}).status_code == 302
    spans = sorted((p.care_type, p.valid_from.isoformat()) for p in
                   periods_of(session, ProviderCareTypePeriod, org_id=pid))
    assert spans == [("family", "2026-03-01"), ("institution", "2025-01-01")]
    [price] = periods_of(session, ProviderPricePeriod, org_id=pid)
    assert str(price.daily_price) == "58.50"
    bad = client.post(f"/orgs/{pid}/periods/beds", data={"beds-beds": "-3", "beds-valid_from": "2026-03-01"})
    assert bad.status_code == 400 and "is-invalid" in bad.data.decode()


def test_provider_attributes_do_not_exist_for_other_kinds(client, world, session):
    login(client, "mia_admin")
    response = client.post(f"/orgs/{world.agency.id}/periods/grade",
                           data={"grade-grade": "clinic", "grade-valid_from": "2026-03-01"})
    assert response.status_code == 404


def test_unknown_attribute_or_organisation_is_404(client, world):
    login(client, "mia_admin")
    assert client.post(f"/orgs/{world.agency.id}/periods/colour", data={}).status_code == 404
    assert client.get("/orgs/999999").status_code == 404


def _csrf_token(client, path: str) -> str:
    page = client.get(path).data.decode()
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_organisation_forms_need_the_csrf_token(csrf_client, world, session):
    token = _csrf_token(csrf_client, "/login")
    csrf_client.post("/login", data={"username": "mia_admin", "password": PASSWORD, "csrf_token": token})
    before = org_count(session)
    assert csrf_client.post("/orgs/new", data=new_org_form()).status_code == 400
    assert org_count(session) == before
    token = _csrf_token(csrf_client, "/orgs/new")
    assert csrf_client.post("/orgs/new", data={**new_org_form(), "csrf_token": token}).status_code == 302
    assert org_count(session) == before + 1


def test_period_forms_need_the_csrf_token_of_their_prefix(csrf_client, world, session):
    token = _csrf_token(csrf_client, "/login")
    csrf_client.post("/login", data={"username": "mia_admin", "password": PASSWORD, "csrf_token": token})
    data = {"status-status": "exited", "status-valid_from": "2026-06-01"}
    url = f"/orgs/{world.agency.id}/periods/status"
    assert csrf_client.post(url, data=data).status_code == 400
    page = csrf_client.get(f"/orgs/{world.agency.id}").data.decode()
    token = page.split('name="status-csrf_token" type="hidden" value="')[1].split('"')[0]
    assert csrf_client.post(url, data={**data, "status-csrf_token": token}).status_code == 302
    spans = periods_of(session, OrgStatusPeriod, org_id=world.agency.id)
    assert [p.status for p in spans] == ["active", "exited"]
