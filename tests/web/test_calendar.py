"""Admin page of the working-day calendar (MIA admins only): overrides, a year's schedule from a
file, marking a year loaded."""
import io
from datetime import date

import pytest
from sqlalchemy import select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.calendar import CalendarOverride, CalendarYear, mark_year_loaded
from tests.conftest import NOW, login


@pytest.mark.parametrize("username", ["mia_op", "ins_admin", "ag_admin", "pr_carer"])
def test_only_mia_admins_reach_the_calendar(client, world, username):
    login(client, username)
    assert client.get("/admin/calendar/").status_code == 403
    r = client.post("/admin/calendar/", data={"day": "2027-10-01", "kind": "holiday", "note": "国庆"})
    assert r.status_code == 403
    assert client.post("/admin/calendar/2027-10-01/delete").status_code == 403


def test_anonymous_users_are_sent_to_login(client):
    r = client.get("/admin/calendar/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_admin_adds_lists_and_deletes_an_override(client, world, session):
    login(client, "mia_admin")
    r = client.post("/admin/calendar/?year=2027", data={"day": "2027-10-01", "kind": "holiday", "note": "国庆节"})
    assert r.status_code == 302 and "year=2027" in r.headers["Location"]
    row = session.get(CalendarOverride, date(2027, 10, 1))
    assert row.is_workday is False and row.note == "国庆节"
    assert row.updated_by == world.users["mia_admin"].id
    page = client.get("/admin/calendar/?year=2027").data.decode()
    assert "2027-10-01" in page and "国庆节" in page and "节假日（休息）" in page

    client.post("/admin/calendar/", data={"day": "2027-10-09", "kind": "workday", "note": "国庆调休"})
    assert session.get(CalendarOverride, date(2027, 10, 9)).is_workday is True

    r = client.post("/admin/calendar/2027-10-01/delete")
    assert r.status_code == 302
    assert session.get(CalendarOverride, date(2027, 10, 1)) is None
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "calendar_override")
                              .order_by(AuditEntry.id)).all()
    assert actions == ["create", "create", "delete"]


def test_a_year_page_lists_only_that_year(client, world):
    login(client, "mia_admin")
    client.post("/admin/calendar/", data={"day": "2027-10-01", "kind": "holiday", "note": "国庆节"})
    page = client.get("/admin/calendar/?year=2026").data.decode()
    assert "<td>2027-10-01</td>" not in page and 'data-testid="official-known"' in page
    page = client.get("/admin/calendar/?year=2027").data.decode()
    assert 'data-testid="official-unknown"' in page


def test_an_invalid_date_is_refused_with_the_form_shown_again(client, world, session):
    login(client, "mia_admin")
    r = client.post("/admin/calendar/", data={"day": "2027-02-30", "kind": "holiday"})
    assert r.status_code == 400
    assert session.scalars(select(CalendarOverride)).first() is None


def test_deleting_a_missing_override_is_a_404(client, world):
    login(client, "mia_admin")
    assert client.post("/admin/calendar/2027-10-01/delete").status_code == 404
    assert client.post("/admin/calendar/not-a-date/delete").status_code == 404


def test_writes_need_the_csrf_token(csrf_client, world, session):
    login_page = csrf_client.get("/login").data.decode()
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    csrf_client.post("/login", data={"username": "mia_admin", "password": "test-pass-123", "csrf_token": token})
    r = csrf_client.post("/admin/calendar/", data={"day": "2027-10-01", "kind": "holiday"})
    assert r.status_code == 400
    assert session.get(CalendarOverride, date(2027, 10, 1)) is None


def test_admins_see_the_banner_until_the_year_is_marked_loaded(client, world, monkeypatch, session):
    monkeypatch.setattr("ltc.home.context.local_today", lambda: date(2027, 3, 1))
    login(client, "mia_admin")
    page = client.get("/admin/calendar/?year=2027").data.decode()
    assert 'data-testid="calendar-banner"' in page and "2027 年工作日历未加载" in page
    client.post("/admin/calendar/", data={"day": "2027-10-01", "kind": "holiday", "note": "国庆节"})
    page = client.get("/admin/calendar/?year=2027").data.decode()
    assert 'data-testid="calendar-banner"' in page                   # one override row is not enough
    mark_year_loaded(session, 2027, loaded=True, actor=SYSTEM, now=NOW)
    session.commit()
    page = client.get("/admin/calendar/?year=2027").data.decode()
    assert 'data-testid="calendar-banner"' not in page


# --- a year's official schedule from a file; marking the year loaded ---------------------------

SCHEDULE_2027 = "\n".join(["date,type,note", "2027-01-01,holiday,元旦",
                           *[f"2027-10-{day:02d},holiday,国庆节" for day in range(1, 8)],
                           "2027-10-09,workday,国庆节调休"]).encode() + b"\n"


def upload(client, data: bytes, filename: str = "2027.csv"):
    return client.post("/admin/calendar/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("username", ["mia_op", "ins_admin", "ag_admin", "pr_admin"])
def test_only_mia_admins_import_a_schedule_or_mark_a_year_loaded(client, world, session, username):
    login(client, username)
    assert client.get("/admin/calendar/import").status_code == 403
    assert upload(client, SCHEDULE_2027).status_code == 403
    assert client.post("/admin/calendar/import/confirm").status_code == 403
    assert client.post("/admin/calendar/2027/loaded", data={"loaded": "1"}).status_code == 403
    assert session.scalars(select(CalendarOverride)).first() is None and session.get(CalendarYear, 2027) is None


def test_the_calendar_page_links_to_the_schedule_import(client, world):
    login(client, "mia_admin")
    page = client.get("/admin/calendar/?year=2027").data.decode()
    assert 'data-testid="import-schedule"' in page and 'data-testid="year-not-loaded"' in page
    form = client.get("/admin/calendar/import").data.decode()
    assert "date,type,note" in form and 'type="file"' in form


def test_a_schedule_is_previewed_then_confirmed_into_that_years_page(client, world, session):
    login(client, "mia_admin")
    preview = upload(client, SCHEDULE_2027)
    page = preview.data.decode()
    assert preview.status_code == 200 and "2027 年放假安排导入预览" in page and "确认导入" in page
    assert page.count('data-testid="import-row"') == 9 and "周六" in page
    assert session.scalars(select(CalendarOverride)).first() is None          # a preview writes nothing
    done = client.post("/admin/calendar/import/confirm")
    assert done.status_code == 302 and "year=2027" in done.headers["Location"]
    year_page = client.get(done.headers["Location"]).data.decode()
    assert "2027 年放假安排已导入：新增 9，更新 0，未变 0" in year_page and "<td>2027-10-09</td>" in year_page
    assert session.get(CalendarOverride, date(2027, 10, 9)).updated_by == world.users["mia_admin"].id
    upload(client, SCHEDULE_2027)
    again = client.post("/admin/calendar/import/confirm", follow_redirects=True).data.decode()
    assert "新增 0，更新 0，未变 9" in again
    imports = session.scalars(select(AuditEntry).where(AuditEntry.entity == "calendar_year",
                                                       AuditEntry.action == "import")).all()
    assert [e.user_id for e in imports] == [world.users["mia_admin"].id] * 2


def test_a_schedule_with_a_bad_row_shows_the_row_and_cannot_be_confirmed(client, world, session):
    login(client, "mia_admin")
    response = upload(client, SCHEDULE_2027 + b"2027-10-11,workday,\xe8\xb0\x83\xe4\xbc\x91\n")  # a Monday
    page = response.data.decode()
    assert response.status_code == 400 and "确认导入" not in page
    assert "<td>11</td>" in page and "调休工作日应为周六或周日" in page
    assert client.post("/admin/calendar/import/confirm", follow_redirects=True).status_code == 200
    assert session.scalars(select(CalendarOverride)).first() is None


def test_the_banner_goes_only_when_the_year_is_marked_loaded_on_its_page(client, world, session, monkeypatch):
    monkeypatch.setattr("ltc.home.context.local_today", lambda: date(2026, 12, 3))
    login(client, "mia_admin")
    refused = client.post("/admin/calendar/2027/loaded", data={"loaded": "1"})  # nothing entered yet
    assert refused.status_code == 400 and 'data-testid="loaded-error"' in refused.data.decode()
    upload(client, SCHEDULE_2027)
    client.post("/admin/calendar/import/confirm")
    page = client.get("/admin/calendar/?year=2027").data.decode()
    assert 'data-testid="calendar-banner"' in page and 'data-testid="mark-loaded"' in page
    marked = client.post("/admin/calendar/2027/loaded", data={"loaded": "1"}, follow_redirects=True)
    page = marked.data.decode()
    assert "2027 年工作日历已标记为已加载" in page and 'data-testid="calendar-banner"' not in page
    assert 'data-testid="year-loaded"' in page and f"由 {world.users['mia_admin'].full_name} 于" in page
    row = session.get(CalendarYear, 2027)
    assert (row.loaded, row.loaded_by) == (True, world.users["mia_admin"].id)
    unmarked = client.post("/admin/calendar/2027/loaded", data={"loaded": "0"}, follow_redirects=True)
    assert 'data-testid="calendar-banner"' in unmarked.data.decode()
    assert client.post("/admin/calendar/2027/loaded", data={"loaded": "yes"}).status_code == 400


def test_the_year_status_and_the_import_read_in_english(client, world):
    login(client, "mia_admin")
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/admin/calendar/?year=2027").data.decode()
    assert "Not loaded" in page and "Mark as loaded" in page and "Import from a file" in page
    assert ">Import the year's holiday schedule</h1>" in client.get("/admin/calendar/import").data.decode()


def test_a_schedule_of_a_year_the_official_calendar_knows_says_so_in_the_preview(client, world):
    login(client, "mia_admin")
    page = upload(client, b"date,type,note\n2026-10-09,holiday,\xe4\xb8\xb4\xe6\x97\xb6\n").data.decode()
    assert "2026 年放假安排导入预览" in page and 'data-testid="official-known"' in page
