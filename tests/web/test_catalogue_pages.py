"""Service catalogue pages: every staff user reads, only the MIA admin edits (SPEC §5.2)."""
import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.clock import local_today
from ltc.providers.catalogue import services as cs
from tests.builders import PASSWORD
from tests.conftest import login

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def catalogue(session, world):
    cs.load_catalogue(session, cs.read_catalogue_csv(), actor=SYSTEM, now=NOW)
    session.commit()
    return cs.items_by_code(session, ["SH01", "SH02", "SH28"])


def audits(session, action):
    return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


@pytest.mark.parametrize("username", ["mia_op", "ins_rev", "ag_assessor", "pr_carer"])
def test_every_staff_user_reads_the_catalogue_but_sees_no_edit_buttons(client, catalogue, username):
    login(client, username)
    page = client.get("/catalogue/").data.decode()
    per_page = client.application.config["PER_PAGE"]
    assert page.count('data-testid="catalogue-row"') == min(42, per_page)  # first page
    assert "头面部清洁、梳理" in page and "/edit" not in page
    assert 'href="/catalogue/"' in client.get("/").data.decode()  # nav entry
    detail = client.get(f"/catalogue/{catalogue['SH01'].id}").data.decode()
    assert "头面部清洁、梳理" in detail and 'data-testid="form-minutes"' not in detail


def test_the_list_filters_by_care_type_class_and_text(client, catalogue):
    login(client, "mia_op")
    assert client.get("/catalogue/?care_type=outreach").data.decode().count('data-testid="catalogue-row"') == 15
    page = client.get("/catalogue/?item_class=life&q=洗发").data.decode()
    assert page.count('data-testid="catalogue-row"') == 1 and "SH02" in page
    assert "没有符合条件的服务项目" in client.get("/catalogue/?item_class=medical&q=洗发").data.decode()
    per_page = client.application.config["PER_PAGE"]
    last = client.get(f"/catalogue/?page={-(-42 // per_page)}").data.decode()
    assert last.count('data-testid="catalogue-row"') == 42 - per_page * (42 // per_page) or per_page


def test_the_list_shows_todays_minutes(client, catalogue, session):
    today = local_today()
    cs.change_minutes(session, catalogue["SH02"], actor=SYSTEM, now=NOW, minutes=35, valid_from=today)
    cs.change_minutes(session, catalogue["SH02"], actor=SYSTEM, now=NOW, minutes=45,
                      valid_from=today + timedelta(days=1))
    session.commit()
    login(client, "mia_op")
    page = client.get("/catalogue/?q=SH02").data.decode()
    assert '<td data-testid="minutes-today">35</td>' in page


def test_the_list_exports_csv_and_xlsx_with_the_filters(client, catalogue):
    login(client, "pr_op")
    response = client.get("/catalogue/?format=csv&item_class=medical")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编码", "国家编码", "项目类别"] and len(rows) == 16
    assert rows[1][0] == "SH28" and rows[1][2] == "医疗护理"
    response = client.get("/catalogue/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.max_row == 43 and sheet["A2"].value == "SH01" and sheet["F2"].value == 10


def test_english_locale_shows_the_english_name(client, catalogue):
    login(client, "mia_op")
    client.post("/lang/en", data={"next": "/"})
    assert "Face and head cleaning and combing" in client.get("/catalogue/?q=SH01").data.decode()


@pytest.mark.parametrize("username", ["mia_op", "ins_admin", "pr_admin"])
def test_only_the_mia_admin_may_edit(client, catalogue, session, username):
    login(client, username)
    item = catalogue["SH01"]
    assert client.get(f"/catalogue/{item.id}/edit").status_code == 403
    assert client.post(f"/catalogue/{item.id}/edit", data={"name_zh": "x", "item_class": "life",
                       "staff_types": ["nurse"], "care_types": ["home"]}).status_code == 403
    assert client.post(f"/catalogue/{item.id}/minutes",
                       data={"minutes": "12", "valid_from": "2026-04-01"}).status_code == 403
    session.expire_all()
    assert item.name_zh == "头面部清洁、梳理" and len(cs.minutes_history(session, item.id)) == 1


def _form(item, **overrides):
    return {"name_zh": item.name_zh, "name_en": item.name_en, "national_code": "", "item_class": item.item_class,
            "staff_types": item.staff_types, "care_types": item.care_types, "active": "y", **overrides}


def test_the_mia_admin_edits_an_item(client, catalogue, session):
    login(client, "mia_admin")
    item = catalogue["SH28"]
    assert 'data-testid="form-item"' in client.get(f"/catalogue/{item.id}/edit").data.decode()
    response = client.post(f"/catalogue/{item.id}/edit",
                           data=_form(item, national_code="c1234567890abcdef", care_types=["home", "outreach"]))
    assert response.status_code == 302
    session.expire_all()
    assert item.national_code == "C1234567890ABCDEF" and item.care_types == ["home", "outreach"]
    assert audits(session, "update") == 1


@pytest.mark.parametrize("overrides", [
    {"staff_types": ["nurse", "cook"]},
    {"staff_types": []},
    {"national_code": "12345"},
    {"national_code": "1234567890ABCDEF!"},
    {"item_class": "leisure"},
    {"name_zh": "   "},
])
def test_bad_item_input_is_shown_on_the_form_and_changes_nothing(client, catalogue, session, overrides):
    login(client, "mia_admin")
    item = catalogue["SH01"]
    response = client.post(f"/catalogue/{item.id}/edit", data=_form(item, **overrides))
    assert response.status_code == 400
    assert "invalid-feedback" in response.data.decode()
    session.expire_all()
    assert item.staff_types == ["assistant", "nurse"] and item.national_code is None
    assert audits(session, "update") == 0


def test_the_mia_admin_changes_minutes_from_a_date(client, catalogue, session):
    login(client, "mia_admin")
    item = catalogue["SH01"]
    response = client.post(f"/catalogue/{item.id}/minutes", data={"minutes": "12", "valid_from": "2026-04-01"})
    assert response.status_code == 302
    assert cs.minutes_on(session, item.id, date(2026, 3, 31)) == 10
    assert cs.minutes_on(session, item.id, date(2026, 4, 1)) == 12
    page = client.get(f"/catalogue/{item.id}").data.decode()
    assert page.count('data-testid="minutes-period"') == 2 and 'data-testid="form-minutes"' in page


@pytest.mark.parametrize(("data", "status"), [
    ({"minutes": "0", "valid_from": "2026-04-01"}, 400),
    ({"minutes": "", "valid_from": "2026-04-01"}, 400),
    ({"minutes": "12", "valid_from": ""}, 400),
    ({"minutes": "10", "valid_from": "2026-04-01"}, 400),  # unchanged
])
def test_bad_minutes_are_shown_on_the_form_and_change_nothing(client, catalogue, session, data, status):
    login(client, "mia_admin")
    item = catalogue["SH01"]
    response = client.post(f"/catalogue/{item.id}/minutes", data=data)
    assert response.status_code == status
    assert "invalid-feedback" in response.data.decode()
    assert len(cs.minutes_history(session, item.id)) == 1 and audits(session, "change_minutes") == 0


def test_an_overlapping_minutes_change_is_refused_on_the_form(client, catalogue, session):
    login(client, "mia_admin")
    item = catalogue["SH01"]
    client.post(f"/catalogue/{item.id}/minutes", data={"minutes": "12", "valid_from": "2026-05-01"})
    response = client.post(f"/catalogue/{item.id}/minutes", data={"minutes": "14", "valid_from": "2026-04-01"})
    assert response.status_code == 409 and "重叠" in response.data.decode()
    assert [p.minutes for p in cs.minutes_history(session, item.id)] == [10, 12]


def _token(page: str) -> str:
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_edits_need_the_csrf_token(csrf_client, catalogue, session):
    csrf_client.post("/login", data={"username": "mia_admin", "password": PASSWORD,
                                     "csrf_token": _token(csrf_client.get("/login").data.decode())})
    item = catalogue["SH01"]
    data = {"minutes": "12", "valid_from": "2026-04-01"}
    assert csrf_client.post(f"/catalogue/{item.id}/minutes", data=data).status_code == 400
    assert len(cs.minutes_history(session, item.id)) == 1
    token = _token(csrf_client.get(f"/catalogue/{item.id}").data.decode())
    assert csrf_client.post(f"/catalogue/{item.id}/minutes", data={**data, "csrf_token": token}).status_code == 302
    assert len(cs.minutes_history(session, item.id)) == 2


def test_an_unknown_item_is_404(client, catalogue):
    login(client, "mia_admin")
    assert client.get("/catalogue/999999").status_code == 404
    assert client.get("/catalogue/999999/edit").status_code == 404
