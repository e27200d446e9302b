"""Entitlement pages: scoped list and detail, the provider's list of today with exports, and
the go-live import (MIA admins: upload → preview → confirm)."""
import io
import os
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ltc.core.audit import SYSTEM
from ltc.entitlements import services, views
from ltc.entitlements.models import Entitlement
from ltc.policy.ref import seed_ref
from tests.conftest import NOW, TODAY, login
from tests.entitlement_builders import conclusion, grant, plain_conclusion
from tests.people_builders import csv_bytes, person

HEADER = "id_number,level,concluded_on,valid_until,care_type,provider,valid_from"


@pytest.fixture(autouse=True)
def business_day(monkeypatch):
    """The pages' "today" is the suite's business day, so the fixed dates below stay meaningful."""
    monkeypatch.setattr(views, "local_today", lambda: TODAY)


@pytest.fixture
def granted(session, world):
    """东 at provider2 (institution), 西 at provider (home), 朝 (朝阳区) at provider2, and 北,
    whose entitlement at provider2 ended in 2025."""
    east, west, chaoyang, north = (person(session, 1, name="张东", district="东城区"),
                                   person(session, 2, name="李西", district="西城区"),
                                   person(session, 3, name="王朝", district="朝阳区"),
                                   person(session, 4, name="赵北", district="东城区"))
    made = {
        "east": grant(session, east, world.provider2, conclusion_of=conclusion(session, east, agency=world.agency)),
        "west": grant(session, west, world.provider, care_type="home", conclusion_of=conclusion(session, west)),
        "chaoyang": grant(session, chaoyang, world.provider2, conclusion_of=conclusion(session, chaoyang)),
        "north": grant(session, north, world.provider2, conclusion_of=conclusion(
            session, north, concluded_on=date(2023, 3, 5))),   # valid to 2025-03-05
    }
    services.shorten(session, made["east"], to=date(2027, 1, 1), reason="change", actor=SYSTEM, now=NOW,
                     note="测试变更")
    session.commit()
    return made


def names(response) -> list[str]:
    return sorted(re.findall(r'<td><a href="/entitlements/\d+">([^<]*)</a></td>', response.data.decode()))


@pytest.mark.parametrize("username, expected", [
    ("mia_op", ["张东", "李西", "王朝", "赵北"]), ("ins_op", ["张东", "李西", "赵北"]),
    ("pr2_op", ["张东", "王朝", "赵北"]), ("pr_admin", ["李西"]), ("ag_admin", ["张东"]),
])
def test_the_list_is_scoped(client, granted, username, expected):
    login(client, username)
    assert names(client.get("/entitlements/")) == expected


def test_the_list_filters_by_care_type_state_and_name(client, granted):
    login(client, "mia_op")
    assert names(client.get("/entitlements/?care_type=home")) == ["李西"]
    assert names(client.get("/entitlements/?state=ended")) == ["赵北"]
    assert names(client.get("/entitlements/?q=王")) == ["王朝"]
    assert names(client.get("/entitlements/?care_type=nonsense")) == ["张东", "李西", "王朝", "赵北"]
    assert client.get("/entitlements/", follow_redirects=False).status_code == 200


def test_the_detail_shows_the_events_and_is_not_found_outside_the_scope(client, granted):
    login(client, "pr2_op")
    page = client.get(f"/entitlements/{granted['east'].id}").data.decode()
    assert "机构护理" in page and "重度失能Ⅱ级" in page and page.count('data-testid="entitlement-event"') == 1
    assert "测试变更" in page and "2028-01-20" in page and "2027-01-01" in page
    assert client.get(f"/entitlements/{granted['west'].id}").status_code == 404


def test_the_entitlement_notice_shows_as_being_generated_until_rendered(client, session, granted):
    from ltc.entitlements.notice import issue_entitlement_notice
    from ltc.notices.rendering import render_pending, using
    from ltc.notices.services import take_issued

    notice = issue_entitlement_notice(session, granted["east"], actor=SYSTEM, now=NOW)
    session.commit()
    take_issued(session)  # left pending, as after a failed render
    login(client, "pr2_op")
    page = client.get(f"/entitlements/{granted['east'].id}").data.decode()
    assert f'<span data-testid="notice-pending">{notice.number}</span>' in page and "正在生成" in page
    render_pending(using(session), [notice.id])
    page = client.get(f"/entitlements/{granted['east'].id}").data.decode()
    assert f'<a href="/notices/{notice.id}.pdf">{notice.number}</a>' in page and "正在生成" not in page


def test_a_carer_and_an_anonymous_visitor_cannot_see_the_list(client, granted):
    assert client.get("/entitlements/").status_code == 302
    login(client, "pr_carer")
    assert client.get("/entitlements/").status_code == 403


def test_the_provider_sees_who_is_entitled_with_it_today_and_exports_it(client, granted):
    login(client, "pr2_op")
    page = client.get("/entitlements/today")
    assert page.status_code == 200 and names(page) == ["张东", "王朝"]  # 赵北's ended in 2025
    csv = client.get("/entitlements/today?format=csv")
    text = csv.data.decode("utf-8-sig")
    assert csv.status_code == 200 and csv.mimetype == "text/csv" and "张东" in text and "王朝" in text
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once (issue #9 point 9)
    assert "赵北" not in text and "李西" not in text and "机构护理" in text
    assert granted["east"].person_id and "1101**" in text  # masked ID numbers
    xlsx = client.get("/entitlements/today?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "姓名" and sorted(r[0] for r in values[1:]) == ["张东", "王朝"]


def test_the_today_page_is_for_providers_only(client, granted):
    login(client, "mia_op")
    assert client.get("/entitlements/today").status_code == 403
    client.post("/logout")
    login(client, "pr_op")
    assert names(client.get("/entitlements/today")) == ["李西"]


# --- import ----------------------------------------------------------------------------------

@pytest.fixture
def roster(session, world):
    seed_ref(session, now=NOW)
    made = [person(session, 1, name="迁移甲"), person(session, 2, name="迁移乙")]
    session.commit()
    return made


def upload(client, data: bytes, filename: str = "beneficiaries.csv"):
    return client.post("/entitlements/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Entitlement))


def import_rows(world, roster) -> list[str]:
    return [f"{roster[0].id_number},4,2025-06-10,,institution,{world.provider2.uscc},2025-06-01",
            f"{roster[1].id_number},3,2025-08-15,,home,{world.provider.uscc},2025-09-01"]


@pytest.mark.parametrize("username", ["mia_op", "ins_admin", "pr_admin"])
def test_only_mia_admins_may_import(client, roster, username):
    login(client, username)
    assert client.get("/entitlements/import").status_code == 403
    assert client.post("/entitlements/import/confirm").status_code == 403


def test_upload_preview_confirm_then_a_second_import_changes_nothing(client, session, world, roster, app):
    login(client, "mia_admin")
    assert "上线迁移导入" in client.get("/entitlements/").data.decode()
    preview = upload(client, csv_bytes(*import_rows(world, roster), header=HEADER))
    page = preview.data.decode()
    assert preview.status_code == 200 and "确认导入" in page and page.count('data-testid="import-row"') == 2
    assert count(session) == 0
    done = client.post("/entitlements/import/confirm", follow_redirects=True)
    assert "导入完成：新增 2，未变 0" in done.data.decode() and count(session) == 2
    assert names(done) == ["迁移乙", "迁移甲"]
    upload(client, csv_bytes(*import_rows(world, roster), header=HEADER))
    again = client.post("/entitlements/import/confirm", follow_redirects=True)
    assert "新增 0，未变 2" in again.data.decode() and count(session) == 2
    folder = os.path.join(app.instance_path, "uploads")
    assert not [n for n in os.listdir(folder) if n.startswith("entitlements-import-")]


def test_a_bad_row_rejects_the_file_with_its_row_number(client, session, world, roster):
    login(client, "mia_admin")
    bad = f"{roster[1].id_number},3,2025-08-15,,special,{world.provider.uscc},2025-09-01"
    response = upload(client, csv_bytes(import_rows(world, roster)[0], bad, header=HEADER))
    page = response.data.decode()
    assert response.status_code == 400 and "确认导入" not in page
    assert "<td>3</td>" in page and "不能享受医疗专护" in page and "未导入任何数据" in page
    assert client.post("/entitlements/import/confirm").status_code == 302  # nothing pending
    assert count(session) == 0


def test_the_import_page_names_the_go_live_date_and_the_template_says_valid_until_is_inclusive(client, world):
    login(client, "mia_admin")
    page = client.get("/entitlements/import").data.decode()
    assert "上线日期 2026-01-01" in page and "最后有效日（含当日）" in page
    template = client.get("/entitlements/import/template?format=csv")
    assert template.status_code == 200 and "attachment" in template.headers["Content-Disposition"]
    header = template.data.decode("utf-8-sig").splitlines()
    assert header[0].split(",")[3] == "有效期至（最后有效日，含当日）" and len(header) == 1
    client.post("/lang/en", data={"next": "/"})
    english = client.get("/entitlements/import/template?format=xlsx")
    sheet = load_workbook(io.BytesIO(english.data)).active
    assert [c.value for c in sheet[1]][3] == "Valid until (last valid day, inclusive)"
    assert "Go-live date 2026-01-01" in client.get("/entitlements/import").data.decode()


def test_the_downloaded_english_template_filled_in_is_imported(client, session, world, roster):
    login(client, "mia_admin")
    client.post("/lang/en", data={"next": "/"})
    book = load_workbook(io.BytesIO(client.get("/entitlements/import/template?format=xlsx").data))
    book.active.append([roster[0].id_number, 4, "2025-06-10", "2027-06-09", "institution", world.provider2.uscc,
                        "2025-06-01"])
    out = io.BytesIO()
    book.save(out)
    assert upload(client, out.getvalue(), "template.xlsx").status_code == 200
    client.post("/entitlements/import/confirm")
    [e] = session.scalars(select(Entitlement)).all()
    assert e.valid_to == date(2027, 6, 10) and e.origin == "migrated"


def test_without_a_go_live_date_the_import_is_refused(client, session, world, roster, app, monkeypatch):
    monkeypatch.setitem(app.config, "GO_LIVE_DATE", None)
    login(client, "mia_admin")
    assert "尚未设置上线日期" in client.get("/entitlements/import").data.decode()
    response = upload(client, csv_bytes(*import_rows(world, roster), header=HEADER))
    assert response.status_code == 400 and "未设置上线日期" in response.data.decode() and count(session) == 0


@pytest.mark.parametrize("username", ["mia_admin", "ins_op"])
def test_a_migrated_conclusion_has_a_page_that_says_what_it_is(client, session, world, roster, username):
    seed_ref(session, now=NOW)
    e = grant(session, roster[0], world.provider2, conclusion_of=plain_conclusion(), origin="migrated",
              starts_on=date(2026, 1, 1), actor=SYSTEM)
    login(client, username)
    page = client.get(f"/assessment/{e.application_id}")
    text = page.data.decode()
    assert page.status_code == 200 and "上线迁移结论" in text and "上线迁移导入" in text


def test_the_list_finds_by_part_of_a_name_id_digits_or_application_number(client, granted, session):
    from ltc.people.models import InsuredPerson
    west = granted["west"]
    id_number = session.get(InsuredPerson, west.person_id).id_number
    login(client, "mia_op")
    assert names(client.get("/entitlements/?q=朝")) == ["王朝"]                  # not only a name prefix
    assert names(client.get(f"/entitlements/?q={id_number[-6:]}")) == ["李西"]
    assert names(client.get(f"/entitlements/?q=SQ-2026-{west.application_id:06d}")) == ["李西"]


def test_the_list_shows_the_state_the_end_reason_only_once_ended_and_exports(client, granted):
    login(client, "mia_op")
    page = client.get("/entitlements/").data.decode()

    def cells(entitlement, testid):
        row = page[page.index(f'data-entitlement="{entitlement.id}"'):]
        return re.search(rf'data-testid="{testid}">([^<]*)<', row[:row.index("</tr>")]).group(1)
    assert cells(granted["north"], "state") == "已终止"
    assert cells(granted["west"], "state") == "享受中" and cells(granted["west"], "end-reason") == ""
    assert cells(granted["east"], "state") == "享受中"                  # shortened to 2027 for a change:
    assert cells(granted["east"], "end-reason") == ""                   # not ended yet, no end reason
    assert "至" in page and "止" in page
    import csv
    import io
    exported = client.get("/entitlements/?format=csv&q=赵北")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["姓名", "身份证号"] and "状态" in rows[0] and len(rows) == 2
    assert rows[1][0] == "赵北" and rows[1][rows[0].index("状态")] == "已终止"
    assert 'data-testid="export-xlsx"' in page


def test_periods_are_shown_one_way_with_their_last_day(client, granted):
    from datetime import timedelta
    west = granted["west"]
    login(client, "mia_op")
    page = client.get(f"/entitlements/{west.id}").data.decode()
    last = west.valid_to - timedelta(days=1)
    assert f'data-testid="period">{west.valid_from} 至 {last} 止' in page
    assert f"{west.conclusion_date} 至 {west.conclusion_valid_to - timedelta(days=1)} 止" in page
    assert "（不含）</dd>" not in page
    listing = client.get("/entitlements/").data.decode()
    assert f"{west.valid_from} 至 {last} 止" in listing
