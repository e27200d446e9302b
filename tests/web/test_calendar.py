"""Admin page of the working-day calendar (MIA admins only)."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.calendar import CalendarOverride, mark_year_loaded
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
