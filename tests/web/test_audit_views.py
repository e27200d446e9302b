"""The audit log page: filters, newest first, scope by organisation, exports."""
import csv
import io
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from ltc.auth.services import actor_of
from ltc.core import audit
from tests.conftest import login

pytestmark = pytest.mark.usefixtures("unseeded")  # the audit log from empty

# 2026-03-10 23:30 UTC is 2026-03-11 07:30 in Shanghai: the local date decides the filter
T1 = datetime(2026, 3, 10, 23, 30, tzinfo=timezone.utc)
T2 = datetime(2026, 3, 12, 2, 0, tzinfo=timezone.utc)
T3 = datetime(2026, 3, 14, 15, 59, tzinfo=timezone.utc)   # 23:59 on the 14th local


@pytest.fixture
def entries(session, world):
    u = world.users
    made = {
        "ins_update": audit.record(session, actor_of(u["ins_op"]), "update", "person", 7, now=T1,
                                   before={"address": "1"}, after={"address": "2"}),
        "ins_admin_view": audit.record(session, actor_of(u["ins_admin"]), "view", "person", 8, now=T2),
        "pr_create": audit.record(session, actor_of(u["pr_op"]), "create", "care_plan", 3, now=T2,
                                  detail="=cmd|' /C calc'!A0"),
        "pr2_view": audit.record(session, actor_of(u["pr2_op"]), "view", "person", 7, now=T3),
        "mia_publish": audit.record(session, actor_of(u["mia_admin"]), "publish", "policy_version", 2, now=T3),
    }
    session.commit()
    return made


def shown(response) -> set[int]:
    import re
    assert response.status_code == 200
    return {int(i) for i in re.findall(r'data-entry="(\d+)"', response.data.decode())}


def ids(entries, *names) -> set[int]:
    return {entries[n].id for n in names}


def test_mia_admin_sees_every_entry_newest_first(client, world, entries):
    login(client, "mia_admin")
    page = client.get("/admin/audit/?per_page=100").data.decode()
    order = [entries[n].id for n in ("mia_publish", "pr2_view", "pr_create", "ins_admin_view", "ins_update")]
    positions = [page.index(f'data-entry="{i}"') for i in order]
    assert positions == sorted(positions)
    assert "承办保险公司" in page and "ins_op" in page


@pytest.mark.parametrize("username, expected", [
    ("ins_admin", ("ins_update", "ins_admin_view")),
    ("pr_admin", ("pr_create",)),
    ("pr2_admin", ("pr2_view",)),
    ("ag_admin", ()),
])
def test_an_org_admin_sees_only_entries_of_own_org_users(client, world, entries, username, expected):
    login(client, username)
    rows = shown(client.get("/admin/audit/"))
    assert rows == ids(entries, *expected)
    # an org filter cannot widen the scope
    assert shown(client.get(f"/admin/audit/?org={world.provider.id}")) == ids(entries, *expected)


@pytest.mark.parametrize("username", ["ins_op", "pr_op", "mia_op", "ag_assessor", "pr_carer"])
def test_non_admins_are_refused(client, world, username):
    login(client, username)
    assert client.get("/admin/audit/").status_code == 403


def test_filters(client, world, entries):
    login(client, "mia_admin")
    cases = {
        "date_from=2026-03-11&date_to=2026-03-11": ("ins_update",),
        "date_from=2026-03-12": ("ins_admin_view", "pr_create", "pr2_view", "mia_publish"),
        "date_from=2026-03-01&date_to=2026-03-12": ("ins_update", "ins_admin_view", "pr_create"),
        "date_from=2026-03-14&date_to=2026-03-14": ("pr2_view", "mia_publish"),
        "user=PR_OP": ("pr_create",),
        f"org={world.insurer.id}": ("ins_update", "ins_admin_view"),
        "action=view": ("ins_admin_view", "pr2_view"),
        "entity=person&entity_id=7": ("ins_update", "pr2_view"),
        "entity=person&action=view&date_to=2026-03-12": ("ins_admin_view",),
        "user=nobody": (),
    }
    for query, expected in cases.items():
        assert shown(client.get(f"/admin/audit/?{query}")) == ids(entries, *expected), query


def test_an_invalid_filter_shows_nothing(client, world, entries):
    login(client, "mia_admin")
    assert shown(client.get("/admin/audit/?date_from=yesterday")) == set()


def test_the_list_is_paginated(client, world, entries, app, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    login(client, "ins_admin")
    assert shown(client.get("/admin/audit/")) == ids(entries, "ins_admin_view", "ins_update")
    client.post("/logout")
    login(client, "mia_admin")
    first, second = shown(client.get("/admin/audit/")), shown(client.get("/admin/audit/?page=2"))
    assert len(first) == 2 and len(second) == 2 and not first & second


def test_csv_export_follows_filter_and_scope(client, world, entries):
    login(client, "pr_admin")
    response = client.get("/admin/audit/?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once (issue #9 point 9)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == "pr_op" and rows[1][4:6] == ["新建", "护理计划"]
    assert rows[1][9].startswith("'=")   # formula neutralised
    client.post("/logout")
    login(client, "mia_admin")
    response = client.get("/admin/audit/?format=csv&entity=person&entity_id=7")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["pr2_op", "ins_op"]
    assert rows[2][7] == '{"address": "1"}' and rows[2][8] == '{"address": "2"}'


def test_exports_say_action_actor_and_record_type_in_the_users_language(client, session, world, entries):
    """Issue 9 point 10: the export writes words, not codes, in the language of the page."""
    from ltc.core.audit import SYSTEM

    audit.record(session, SYSTEM, "grant", "entitlement", 5, now=T3)
    session.commit()
    login(client, "mia_admin")
    export = "/admin/audit/?format=csv&entity=entitlement"
    zh = list(csv.reader(io.StringIO(client.get(export).data.decode("utf-8-sig"))))
    assert zh[1][1:3] == ["", "系统"] and zh[1][4:6] == ["核定待遇", "待遇资格"]
    client.post("/lang/en", data={"next": "/"})
    sheet = load_workbook(io.BytesIO(client.get("/admin/audit/?format=xlsx&entity=care_plan").data)).active
    header, row = list(sheet.values)
    assert header[4:6] == ("Action", "Object type") and row[4:6] == ("New", "Care plans")
    en = list(csv.reader(io.StringIO(client.get(export).data.decode("utf-8-sig"))))
    assert en[1][2] == "System"


def test_xlsx_export(client, world, entries):
    login(client, "ins_admin")
    response = client.get("/admin/audit/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert len(values) == 3 and {v[1] for v in values[1:]} == {"ins_op", "ins_admin"}


def test_the_page_is_in_the_admin_navigation(client, world):
    login(client, "ins_admin")
    assert 'href="/admin/audit/"' in client.get("/").data.decode()
    client.post("/logout")
    login(client, "ins_op")
    assert 'href="/admin/audit/"' not in client.get("/").data.decode()


def test_personal_numbers_are_masked_on_the_page_and_in_exports(client, session, world):
    audit.record(session, actor_of(world.users["mia_op"]), "update", "insured_person", 1, now=T1,
                 before={"phone": "13812345678", "name": "张三"},
                 after={"id_number": "330102199001011234", "rows": [{"bank_account": "6222020000001234"}]})
    session.commit()
    login(client, "mia_admin")
    page = client.get("/admin/audit/?entity=insured_person").data.decode()
    assert "138****5678" in page and "3301**********1234" in page and "6222********1234" in page
    assert "13812345678" not in page and "330102199001011234" not in page and "张三" in page
    export = client.get("/admin/audit/?entity=insured_person&format=csv").data.decode("utf-8-sig")
    assert "3301**********1234" in export and "330102199001011234" not in export


def test_actions_objects_and_values_are_shown_in_words(client, session, world):
    """Issue 9 point 10: no raw action codes or JSON; enum values through the label table; masks kept."""
    audit.record(session, actor_of(world.users["pr_op"]), "create", "user", 9, now=T2,
                 after={"username": "carer2", "roles": ["operator", "carer"], "id_number": "110101195001011237"})
    session.commit()
    login(client, "mia_admin")
    page = client.get("/admin/audit/").data.decode()
    assert '<td data-action="create">新建</td>' in page and "用户 #9" in page
    assert "角色</span>：经办员、护理员" in page and '{"' not in page and "&#34;roles&#34;" not in page
    assert "110101195001011237" not in page
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/admin/audit/").data.decode()
    assert '<td data-action="create">New</td>' in page and "Roles</span>：Operator, Care worker" in page
