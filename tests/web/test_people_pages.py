"""Roster pages: masked list, audited detail, create / edit, dated changes, scope and permissions."""
from datetime import date

import pytest
from sqlalchemy import func, select

from ltc.core.audit import AuditEntry
from ltc.people import scope, services
from ltc.people.models import InsuredPerson
from tests.conftest import TODAY, login
from tests.people_builders import id_number, person


@pytest.fixture
def people(session, world):
    """Two persons in the insurer's districts and one outside; committed so that a request's
    rollback (on a 404 or a refused form) keeps them."""
    made = {"east": person(session, 1, name="张三丰", district="东城区", phone="13812345678"),
            "west": person(session, 2, name="李四", district="西城区"),
            "north": person(session, 3, name="王五", district="朝阳区")}
    session.commit()
    return made


def views_of(session, person_id: int) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "insured_person", AuditEntry.action == "view",
        AuditEntry.entity_id == str(person_id)))


def person_count(session) -> int:
    return session.scalar(select(func.count()).select_from(InsuredPerson))


def test_the_list_masks_id_numbers_and_phones(client, people):
    login(client, "mia_op")
    page = client.get("/people/").data.decode()
    east = people["east"]
    assert "张三丰" in page and "王五" in page
    assert east.id_number not in page and "13812345678" not in page
    assert f"{east.id_number[:4]}**********{east.id_number[-4:]}" in page
    assert "138****5678" in page


def test_the_list_searches_by_name_id_suffix_and_district(client, people):
    login(client, "mia_op")
    assert "李四" not in client.get("/people/?q=张").data.decode()
    page = client.get(f"/people/?q={people['west'].id_number[-4:]}").data.decode()
    assert "李四" in page and "张三丰" not in page
    page = client.get("/people/?district=朝阳区").data.decode()
    assert "王五" in page and "李四" not in page


def test_the_list_is_paginated(client, session, people, app, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    login(client, "mia_op")
    first, second = client.get("/people/").data.decode(), client.get("/people/?page=2").data.decode()
    assert first.count('data-testid="person-row"') == 2 and second.count('data-testid="person-row"') == 1
    assert "1 / 2 (3)" in first


def test_the_detail_page_shows_full_values_and_is_audited(client, session, people):
    login(client, "ins_op")
    east = people["east"]
    page = client.get(f"/people/{east.id}").data.decode()
    assert east.id_number in page and "13812345678" in page
    assert views_of(session, east.id) == 1
    assert 'data-testid="editor-forms"' not in page  # insurers only view


def test_an_insurer_gets_404_outside_its_districts(client, session, people):
    login(client, "ins_op")
    assert "王五" not in client.get("/people/").data.decode()
    assert client.get(f"/people/{people['north'].id}").status_code == 404
    assert views_of(session, people["north"].id) == 0


def switch_user(client, username: str) -> None:
    client.post("/logout")
    login(client, username)


def test_agencies_and_providers_get_404_for_unlinked_persons(client, people):
    for username in ("ag_admin", "ag_assessor", "pr_admin", "pr_op"):
        switch_user(client, username)
        assert client.get(f"/people/{people['east'].id}").status_code == 404, username
        assert 'data-testid="no-persons"' in client.get("/people/").data.decode()


def test_a_provider_sees_a_person_linked_to_it(client, session, world, people, monkeypatch):
    east, provider_id = people["east"], world.provider.id
    link = lambda org_id: select(InsuredPerson.id).where(InsuredPerson.id == east.id, org_id == provider_id)  # noqa: E731
    monkeypatch.setattr(scope, "PERSON_LINKS", [link])
    login(client, "pr_op")
    assert client.get(f"/people/{east.id}").status_code == 200
    assert client.get(f"/people/{people['west'].id}").status_code == 404


EDIT_URLS = [
    ("get", "/people/new"), ("post", "/people/new"), ("get", "/people/{id}/edit"), ("post", "/people/{id}/edit"),
    ("get", "/people/import"), ("post", "/people/import"), ("post", "/people/import/confirm"),
    ("post", "/people/{id}/status"), ("post", "/people/{id}/category"), ("post", "/people/{id}/tags"),
    ("post", "/people/{id}/tags/end"), ("post", "/people/{id}/death"),
]


def test_roster_editing_is_forbidden_outside_the_mia(client, people):
    for username in ("ins_op", "ins_admin", "ag_admin", "pr_op"):
        switch_user(client, username)
        for method, url in EDIT_URLS:
            response = getattr(client, method)(url.format(id=people["east"].id), data={})
            assert response.status_code == 403, (username, method, url)


def test_the_list_needs_a_login(client):
    assert client.get("/people/").status_code == 302


def valid_form(**overrides) -> dict:
    return {"id_number": "330106194501011233", "name": "王秀英", "phone": "13900001111", "district": "东城区",
            "status": "active", "category": "resident", "tags": ["chronic_class_a"],
            "valid_from": "2026-03-01", **overrides}


def test_an_operator_registers_a_person(client, session, world):
    session.commit()
    login(client, "mia_op")
    response = client.post("/people/new", data=valid_form())
    assert response.status_code == 302
    p = session.scalars(select(InsuredPerson).where(InsuredPerson.id_number == "330106194501011233")).one()
    assert (p.name, p.birth_date, p.sex) == ("王秀英", date(1945, 1, 1), "M")
    assert services.tags_on(session, p.id, TODAY) == ["chronic_class_a"]
    assert response.headers["Location"].endswith(f"/people/{p.id}")


INVALID_CREATES = [
    ({"id_number": "330106194501011234"}, "校验位不正确"),
    ({"id_number": "33010619450101123"}, "应为 18 位"),
    ({"id_number": "11010119450230123X"}, "不是有效日期"),
    ({"id_number": id_number(birth=date(2099, 1, 1))}, "晚于今天"),
    ({"name": ""}, "该字段是必填字段"),
    ({"phone": "call me"}, "电话只能包含数字"),
    ({"latitude": "91"}, "纬度"),
    ({"status": "deceased"}, "不是有效的选择"),
]


def test_invalid_create_forms_show_the_error_and_write_nothing(client, session, world):
    session.commit()
    login(client, "mia_op")
    for overrides, message in INVALID_CREATES:
        response = client.post("/people/new", data=valid_form(**overrides))
        page = response.data.decode()
        assert response.status_code == 400 and message in page and "is-invalid" in page, overrides
    assert person_count(session) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "insured_person")) == 0


def test_a_duplicate_id_number_is_shown_on_the_field(client, session, people):
    login(client, "mia_op")
    response = client.post("/people/new", data=valid_form(id_number=people["east"].id_number))
    page = response.data.decode()
    assert response.status_code == 409 and "已登记" in page and "is-invalid" in page
    assert person_count(session) == 3


def test_editing_changes_fields_and_audits_the_difference(client, session, people):
    east = people["east"]
    login(client, "mia_op")
    form = client.get(f"/people/{east.id}/edit")
    assert east.id_number in form.data.decode() and views_of(session, east.id) == 1
    data = {"id_number": east.id_number, "name": "张三丰", "phone": "13700000000", "district": "东城区",
            "address": "幸福路 1 号", "township": "东华门街道", "village": "第一社区"}
    assert client.post(f"/people/{east.id}/edit", data=data).status_code == 302
    session.refresh(east)
    assert east.phone == "13700000000"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.before == {"phone": "13812345678"} and entry.after == {"phone": "13700000000"}


def test_an_edit_to_another_persons_id_number_is_refused(client, session, people):
    east, west = people["east"], people["west"]
    login(client, "mia_op")
    response = client.post(f"/people/{east.id}/edit", data={"id_number": west.id_number, "name": "张三丰",
                                                            "district": "东城区"})
    assert response.status_code == 400 and "已登记" in response.data.decode()
    session.refresh(east)
    assert east.id_number == id_number(1)


def test_dated_changes_from_the_detail_page(client, session, people):
    east = people["east"]
    login(client, "mia_op")
    url = f"/people/{east.id}"
    assert client.post(f"{url}/status", data={"status-status": "suspended", "status-valid_from": "2026-03-01"}
                       ).status_code == 302
    client.post(f"{url}/category", data={"category-category": "resident", "category-valid_from": "2026-03-01"})
    client.post(f"{url}/tags", data={"tag-tag": "medical_assistance", "tag-valid_from": "2026-03-01"})
    client.post(f"{url}/death", data={"death-death_date": "2026-03-10"})
    assert services.status_on(session, east.id, date(2026, 3, 10)) == "suspended"
    assert services.status_on(session, east.id, date(2026, 3, 11)) == "deceased"
    assert services.category_on(session, east.id, TODAY) == "resident"
    assert services.tags_on(session, east.id, TODAY) == ["medical_assistance"]
    page = client.get(url).data.decode()
    assert "2026-03-10" in page and page.count('data-testid="status-period"') == 3
    assert 'action="/people/%d/death"' % east.id not in page  # no second death form
    client.post(f"{url}/tags/end", data={"end_tag-tag": "medical_assistance", "end_tag-valid_to": "2026-03-05"})
    assert services.tags_on(session, east.id, date(2026, 3, 5)) == []


def test_a_refused_dated_change_is_flashed_and_writes_nothing(client, session, people):
    east = people["east"]
    login(client, "mia_op")
    response = client.post(f"/people/{east.id}/status", data={"status-status": "suspended",
                                                              "status-valid_from": "2025-06-01"},
                           follow_redirects=True)
    assert "2026-01-01 起已有登记" in response.data.decode()
    assert services.status_on(session, east.id, TODAY) == "active"
