"""The menu (issue 9 point 12): entries grouped by area, every role's main work one click away
with its pending count, and the missing-calendar banner only where calendar admins load it."""
import re
from datetime import date

import pytest

from ltc.auth.permissions import allowed
from ltc.home.nav import CARER_MAIN, GROUPS, MAIN
from tests import assessment_builders as ab
from tests import assessment_web_builders as wb
from tests.conftest import login

ALL_USERS = ("mia_admin", "mia_op", "mia_rev", "ins_admin", "ins_op", "ins_rev", "ag_admin", "ag_assessor",
             "pr_admin", "pr_op", "pr_carer")


def menu(page: str) -> str:
    return page.split('data-testid="menu"', 1)[1].split("</ul>\n      <ul", 1)[0]


def top_level(page: str) -> list[str]:
    """The top-level entries of the menu: plain links (by href) and area menus (by test id)."""
    return re.findall(r'<a class="nav-link[^"]*"\s+(?:href="([^"#][^"]*)"|href="#"[^>]*data-testid="(menu-\w+)")',
                      menu(page))


def test_the_menu_groups_the_entries_by_area(client, world):
    login(client, "mia_admin")
    page = client.get("/").data.decode()
    entries = top_level(page)
    assert len(entries) <= 7, entries
    assert {key for _href, key in entries if key} == {"menu-cases", "menu-persons", "menu-visits", "menu-admin",
                                                      "menu-billing"}
    assert ("/supervision/", "") in entries  # the dashboard, one click away (issue 13)
    for endpoint in ("orgs.list_orgs", "calendar.overrides", "audit.log", "people.list_persons"):
        assert f'href="{_path(client, endpoint)}"' in menu(page), endpoint


@pytest.mark.parametrize("username", ALL_USERS)
def test_every_role_reaches_its_main_work_in_one_click(client, world, username):
    user = world.users[username]
    login(client, username)
    page = client.get("/").data.decode()
    direct = [href for href, _key in top_level(page) if href]
    carer_only = user.roles == frozenset({"carer"})     # a carer's whole menu: their week and today
    main = [item for item in (CARER_MAIN if carer_only else MAIN) if allowed(user.org_kind, user.roles, item.action)]
    assert all(any(href.startswith(_path(client, item.endpoint)) for href in direct) for item in main), direct
    every = [] if carer_only else [item for group in GROUPS for item in group.items
                                   if allowed(user.org_kind, user.roles, item.action)]
    assert all(_path(client, item.endpoint) in page for item in every)


def _path(client, endpoint: str) -> str:
    from flask import url_for
    with client.application.test_request_context():
        return url_for(endpoint)


def test_pending_counts_show_as_badges_beside_the_main_work(client, session, world):
    c = ab.cast(session, world)
    session.commit()
    for _ in range(2):
        wb.submitted(session, c)
    session.commit()
    login(client, "ins_op")
    page = client.get("/people/").data.decode()
    link = re.search(r'href="/assessment/">[^<]*(<span[^>]*data-testid="nav-badge">(\d+)</span>)?', menu(page))
    assert link and link.group(2) == "2"
    wb.switch_to(client, "ins_admin")
    assert 'data-testid="nav-badge"' not in client.get("/").data.decode()  # no queue, no badge


@pytest.fixture
def calendar_missing(monkeypatch):
    monkeypatch.setattr("ltc.home.context.local_today", lambda: date(2027, 3, 1))


def test_the_calendar_banner_shows_only_to_calendar_admins_on_home_and_calendar(client, world,
                                                                                calendar_missing):
    login(client, "mia_admin")
    assert 'data-testid="calendar-banner"' in client.get("/").data.decode()
    assert 'data-testid="calendar-banner"' in client.get("/admin/calendar/").data.decode()
    assert 'data-testid="calendar-banner"' not in client.get("/people/").data.decode()
    for username in ("ins_admin", "ins_op", "mia_rev", "ag_admin", "pr_admin"):
        wb.switch_to(client, username)
        assert 'data-testid="calendar-banner"' not in client.get("/").data.decode(), username
