"""Stay pages (SPEC §5.4): the provider's operators and admins enter stays and leaves and see the
findings of each save; the MIA and insurers read in scope; agencies, carers and other providers
get a 404; the monthly census with its month picker and export."""
import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from ltc.auth.services import actor_of
from ltc.providers.records import census as census_service
from ltc.providers.records import stays as services
from ltc.providers.records.models import Leave, RecordVersion, Stay
from tests.conftest import NOW, login
from tests.people_builders import person
from tests.stay_builders import admit, fake_checker, resident  # noqa: F401  (fixture)

D = date


@pytest.fixture
def setup(session, world, monkeypatch):
    monkeypatch.setattr(census_service, "leave_limit_on", lambda s, day: 3)
    anna = resident(session, world, 1, name="陈安娜")
    bo = resident(session, world, 2, name="林博", district="朝阳区")   # outside the insurer's districts
    stay = admit(session, world, anna, D(2026, 3, 1))
    services.open_leave(session, stay, out_on=D(2026, 3, 5), back_on=D(2026, 3, 9),
                        actor=actor_of(world.users["pr2_op"]), now=NOW)
    old = admit(session, world, bo, D(2026, 1, 1), D(2026, 2, 1))
    session.commit()
    return world, anna, bo, stay, old


def relogin(client, username):
    client.post("/logout")
    login(client, username)


def test_the_provider_lists_its_stays_current_residents_first(client, setup):
    world, anna, bo, stay, old = setup
    login(client, "pr2_op")
    response = client.get("/stays/", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.index("陈安娜") < page.index("林博")
    assert 'data-testid="admit"' in page and "在院记录" in page


@pytest.mark.parametrize("query, shown, hidden", [
    ({"q": "安娜"}, "陈安娜", "林博"),
    ({"status": "discharged"}, "林博", "陈安娜"),
    ({"status": "in"}, "陈安娜", "林博"),
    ({"month": "2026-01"}, "林博", "陈安娜"),
    ({"care_type": "institution", "month": "2026-03"}, "陈安娜", "林博"),
])
def test_the_list_filters(client, setup, query, shown, hidden):
    world = setup[0]
    login(client, "pr2_op")
    page = client.get(f"/stays/provider/{world.provider2.id}", query_string=query).get_data(as_text=True)
    assert shown in page and hidden not in page


def test_a_bad_month_filter_is_shown_not_a_500(client, setup):
    world = setup[0]
    login(client, "pr2_op")
    response = client.get(f"/stays/provider/{world.provider2.id}", query_string={"month": "2026-13"})
    assert response.status_code == 200 and "YYYY-MM" in response.get_data(as_text=True)


def test_admitting_through_the_form_shows_the_findings(client, session, setup, fake_checker):  # noqa: F811
    world, anna, bo = setup[:3]
    other = resident(session, world, 3, name="周新")
    session.commit()
    login(client, "pr2_op")
    form = client.get(f"/stays/provider/{world.provider2.id}/admit")
    assert form.status_code == 200 and 'name="id_number"' in form.get_data(as_text=True)
    assert '<option selected value="institution">' in form.get_data(as_text=True)  # the nursing home's care type
    response = client.post(f"/stays/provider/{world.provider2.id}/admit", follow_redirects=True, data={
        "id_number": other.id_number, "care_type": "institution", "admitted_on": "2026-04-01", "note": "三楼"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "已登记入院" in page and "无有效待遇" in page
    stay = session.scalars(select(Stay).where(Stay.person_id == other.id)).one()
    assert stay.admitted_on == D(2026, 4, 1) and fake_checker == [("stay", stay.id)]


@pytest.mark.parametrize("data, message", [
    ({"admitted_on": "2026-03-20"}, "重叠"),
    ({"admitted_on": "2099-01-01"}, "晚于今天"),
    ({"admitted_on": ""}, "is-invalid"),
])
def test_a_refused_admission_keeps_the_form_with_the_reason(client, session, setup, data, message):
    world, anna = setup[:2]
    login(client, "pr2_op")
    response = client.post(f"/stays/provider/{world.provider2.id}/admit",
                           data={"id_number": anna.id_number, "care_type": "institution", **data})
    assert response.status_code in (400, 409) and message in response.get_data(as_text=True)
    assert len(session.scalars(select(Stay).where(Stay.person_id == anna.id)).all()) == 1


def test_a_person_the_provider_does_not_serve_is_refused(client, session, setup):
    world = setup[0]
    stranger = person(session, 8, name="路人")
    session.commit()
    login(client, "pr2_op")
    response = client.post(f"/stays/provider/{world.provider2.id}/admit",
                           data={"id_number": stranger.id_number, "care_type": "institution",
                                 "admitted_on": "2026-03-01"})
    assert response.status_code == 400 and "不是本机构的服务对象" in response.get_data(as_text=True)


def test_the_stay_page_shows_leaves_versions_and_the_entry_forms(client, session, setup):
    world, anna, bo, stay = setup[:4]
    login(client, "pr2_admin")  # a provider admin enters too
    response = client.post(f"/stays/{stay.id}/correct", follow_redirects=True, data={
        "care_type": "institution", "admitted_on": "2026-03-02", "discharged_on": "", "note": "",
        "reason": "入院日期录错"})
    page = response.get_data(as_text=True)
    assert "已保存更正（第 2 版）" in page and "入院日期录错" in page and "2026-03-01" in page
    assert "pr2_admin" in page[page.index('data-testid="versions"'):]  # who corrected it
    assert 'data-testid="leave"' in page and 'data-testid="discharge-form"' in page
    assert session.scalars(select(RecordVersion)).one().reason == "入院日期录错"


def test_a_correction_without_a_reason_is_refused(client, session, setup):
    world, anna, bo, stay = setup[:4]
    login(client, "pr2_op")
    response = client.post(f"/stays/{stay.id}/correct", data={"care_type": "institution",
                                                                "admitted_on": "2026-03-02", "reason": ""})
    assert response.status_code == 400 and session.get(Stay, stay.id).version == 1


def test_leaves_are_opened_closed_and_corrected_from_the_pages(client, session, setup):
    world, anna, bo, stay = setup[:4]
    login(client, "pr2_op")
    response = client.post(f"/stays/{stay.id}/leaves/new", follow_redirects=True,
                           data={"out_on": "2026-03-20", "leave_reason": "探亲"})
    assert "已登记请假" in response.get_data(as_text=True)
    leave = session.scalars(select(Leave).where(Leave.out_on == D(2026, 3, 20))).one()
    response = client.post(f"/stays/{stay.id}/leaves/{leave.id}/close", follow_redirects=True,
                           data={"back_on": "2026-03-19"})
    assert "返回日期须晚于离开日期" in response.get_data(as_text=True) and session.get(Leave, leave.id).back_on is None
    client.post(f"/stays/{stay.id}/leaves/{leave.id}/close", data={"back_on": "2026-03-22"})
    assert session.get(Leave, leave.id).back_on == D(2026, 3, 22)
    assert client.get(f"/stays/{stay.id}/leaves/{leave.id}/correct").status_code == 200
    client.post(f"/stays/{stay.id}/leaves/{leave.id}/correct",
                data={"out_on": "2026-03-20", "back_on": "2026-03-21", "leave_reason": "探亲", "reason": "提前返回"})
    assert session.get(Leave, leave.id).version == 2


def test_discharge_from_the_stay_page(client, session, setup):
    world, anna, bo, stay = setup[:4]
    login(client, "pr2_op")
    response = client.post(f"/stays/{stay.id}/discharge", follow_redirects=True, data={"discharged_on": "2026-03-25"})
    assert "已登记出院" in response.get_data(as_text=True)
    assert session.get(Stay, stay.id).discharged_on == D(2026, 3, 25)


def test_a_settled_stay_shows_no_entry_forms_and_refuses_corrections(client, session, setup):
    world, anna, bo, stay = setup[:4]
    session.get(Stay, stay.id).settled_at = NOW
    session.commit()
    login(client, "pr2_op")
    page = client.get(f"/stays/{stay.id}").get_data(as_text=True)
    assert 'data-testid="settled"' in page and 'data-testid="correct-stay"' not in page
    response = client.post(f"/stays/{stay.id}/correct", data={"care_type": "institution",
                                                                "admitted_on": "2026-03-02", "reason": "x"})
    assert response.status_code == 409 and "已结算" in response.get_data(as_text=True)


@pytest.mark.parametrize("who, status", [("mia_rev", 200), ("ins_op", 200), ("pr2_op", 200),
                                         ("pr_op", 404), ("pr_carer", 404), ("ag_admin", 404), ("ag_assessor", 404)])
def test_the_stay_page_is_scoped(client, setup, who, status):
    stay = setup[3]
    login(client, who)
    assert client.get(f"/stays/{stay.id}").status_code == status


def test_the_insurer_does_not_see_stays_outside_its_districts(client, setup):
    world, anna, bo, stay, old = setup
    login(client, "ins_op")
    assert client.get(f"/stays/{old.id}").status_code == 404
    page = client.get(f"/stays/provider/{world.provider2.id}").get_data(as_text=True)
    assert "陈安娜" in page and "林博" not in page
    assert "养老院乙" in client.get("/stays/").get_data(as_text=True)


@pytest.mark.parametrize("who", ["pr_op", "pr_carer", "ag_admin"])
def test_another_providers_list_census_and_entry_are_404(client, setup, who):
    world, anna, bo, stay = setup[:4]
    login(client, who)
    assert client.get(f"/stays/provider/{world.provider2.id}").status_code == 404
    assert client.get(f"/stays/provider/{world.provider2.id}/census").status_code == 404
    assert client.post(f"/stays/{stay.id}/discharge", data={"discharged_on": "2026-03-25"}).status_code in (403, 404)


def test_readers_cannot_enter(client, setup):
    world, anna, bo, stay = setup[:4]
    login(client, "mia_op")
    assert client.get(f"/stays/provider/{world.provider2.id}/admit").status_code == 403
    assert client.post(f"/stays/{stay.id}/leaves/new", data={"out_on": "2026-03-20"}).status_code == 403
    relogin(client, "pr_op")
    assert client.get(f"/stays/provider/{world.provider2.id}/admit").status_code == 404


def test_the_census_page_and_its_exports(client, setup):
    world = setup[0]
    login(client, "pr2_op")
    page = client.get(f"/stays/provider/{world.provider2.id}/census", query_string={"month": "2026-03"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="census-row"' in text and "陈安娜" in text
    totals = text[text.index('data-testid="census-totals"'):]
    assert "27" in totals and "4" in totals  # 31 days, 4 of them on a 4-day leave
    exported = client.get(f"/stays/provider/{world.provider2.id}/census",
                          query_string={"month": "2026-03", "format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "姓名" and rows[1][0] == "陈安娜" and rows[1][5:] == ["27", "0", "4", "27"]
    assert "*" in rows[1][1]  # the ID number masked
    xlsx = client.get(f"/stays/provider/{world.provider2.id}/census",
                      query_string={"month": "2026-03", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[2]][5:] == [27, 0, 4, 27]


def test_the_insurer_census_counts_only_persons_in_its_scope(client, setup):
    world = setup[0]
    login(client, "ins_op")
    text = client.get(f"/stays/provider/{world.provider2.id}/census", query_string={"month": "2026-01"}).get_data(
        as_text=True)
    assert "林博" not in text and 'data-testid="no-census"' in text


def test_the_menu_leads_to_the_stays(client, setup):
    login(client, "pr2_op")
    assert "/stays/" in client.get("/").get_data(as_text=True)


def test_the_stay_pages_speak_english(client, setup):
    world, anna, bo, stay = setup[:4]
    login(client, "pr2_op")
    client.post("/lang/en", data={"next": "/"})
    page = client.get(f"/stays/{stay.id}").get_data(as_text=True)
    assert "Record leave" in page and "Findings" in page and "No corrections" in page
    census = client.get(f"/stays/provider/{world.provider2.id}/census", query_string={"month": "2026-03"})
    assert "Bed-day census" in census.get_data(as_text=True) and "Payable bed-days" in census.get_data(as_text=True)
