"""Visit pages (SPEC §5.4, §6): week views per carer and per beneficiary in scope, today's visits,
check-in and check-out with the findings shown before a final confirm, corrections, settled visits,
the schedule page, the carer's menu."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ltc.core.audit import AuditEntry
from ltc.core.clock import local_today
from ltc.core.months import first_of_month
from ltc.providers.records import schedule
from ltc.providers.records.models import RecordVersion, Visit
from ltc.providers.records.week import monday_of
from tests.conftest import NOW, login
from tests.people_builders import person
from tests.visit_builders import home_care, home_plan, stand_in_rules


@pytest.fixture
def found(monkeypatch):
    return stand_in_rules(monkeypatch)


@pytest.fixture
def hc(session, world):
    data = home_care(session, world)
    other = person(session, 2, name="赵另一", district="东城区")
    home_plan(session, world, other)
    month = first_of_month(local_today())
    schedule.set_default_carer(session, provider_id=world.provider.id, person_id=data.person.id,
                               carer_id=data.carer.id, actor=data.operator, now=NOW)
    schedule.set_default_carer(session, provider_id=world.provider.id, person_id=other.id,
                               carer_id=data.other_carer.id, actor=data.operator, now=NOW)
    schedule.schedule_month(session, provider_id=world.provider.id, month=month, actor=data.operator, now=NOW)
    session.commit()
    data.stranger = other
    return data


def html(response) -> str:
    return response.get_data(as_text=True)


def first_visit(session, hc, person=None) -> Visit:
    return session.scalars(select(Visit).where(Visit.person_id == (person or hc.person).id)
                           .order_by(Visit.scheduled_start)).first()


def test_the_carer_sees_their_own_week_and_only_their_beneficiaries(client, session, hc):
    login(client, "pr_carer")
    mine, theirs = first_visit(session, hc), first_visit(session, hc, hc.stranger)
    page = html(client.get(f"/visits/week?week={mine.service_date}&carer={hc.other_carer.id}"))
    assert "week-grid" in page and f'data-visit="{mine.id}"' in page and f'data-visit="{theirs.id}"' not in page
    assert page.count('data-testid="day"') == 7 and "<script>" not in page.split("</nav>", 1)[1].split("<footer")[0]
    assert client.get(f"/visits/week/person/{hc.person.id}").status_code == 200
    assert client.get(f"/visits/week/person/{hc.stranger.id}").status_code == 404   # another carer's beneficiary
    assert client.get(f"/visits/{theirs.id}").status_code == 404
    assert client.get(f"/visits/{mine.id}").status_code == 200


def test_the_week_view_moves_by_a_week(client, session, hc):
    login(client, "pr_op")
    monday = monday_of(first_visit(session, hc).service_date)
    page = html(client.get(f"/visits/week?carer={hc.carer.id}&week={monday + timedelta(days=3)}"))
    assert f"{monday.isoformat()} — {(monday + timedelta(days=6)).isoformat()}" in page
    assert f"week={(monday - timedelta(days=7)).isoformat()}" in page and f"week={(monday + timedelta(days=7))}" in page


@pytest.mark.parametrize("username, status", [("pr_op", 200), ("pr_admin", 200), ("ins_op", 200), ("mia_op", 200),
                                              ("ag_admin", 404), ("pr2_op", 404)])
def test_who_sees_a_beneficiarys_week(client, session, hc, username, status):
    login(client, username)
    assert client.get(f"/visits/week/person/{hc.person.id}").status_code == status
    assert client.get(f"/visits/{first_visit(session, hc).id}").status_code == status


def test_check_in_at_23_50_shows_the_findings_before_the_final_confirm(client, session, hc, found):
    login(client, "pr_carer")
    visit = first_visit(session, hc)
    day = visit.service_date
    response = client.post(f"/visits/{visit.id}/check-in", data={"at": f"{day}T23:50", "device_id": "pad-7",
                                                                  "submit": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/visits/{visit.id}/review")
    session.refresh(visit)
    assert (visit.status, visit.service_date, visit.device_id) == ("in_progress", day, "pad-7")
    page = html(client.get(f"/visits/{visit.id}/review"))
    assert 'data-rule="V01"' in page and "没有定位" in page and "confirm-form" in page
    assert client.post(f"/visits/{visit.id}/review", data={"submit": "1"}).status_code == 302
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity == "visit",
                                                          AuditEntry.action == "confirm_findings")) is not None


def test_check_out_preselects_the_plans_items_and_stores_the_delivered_ones(client, session, hc, found):
    login(client, "pr_carer")
    visit = first_visit(session, hc)
    day = visit.service_date
    client.post(f"/visits/{visit.id}/check-in", data={"at": f"{day}T09:00", "lat": "39.9", "lon": "116.4",
                                                      "submit": "1"})
    page = html(client.get(f"/visits/{visit.id}/check-out"))
    selected = re.findall(r'<option selected value="(\d+)"|<option value="(\d+)" selected', page)
    assert len(selected) == 2                         # SH01, SH02 of the plan
    sh01 = [i.service_item_id for i in visit.items][0]
    response = client.post(f"/visits/{visit.id}/check-out", data={"at": f"{day}T09:58", "items": [str(sh01)],
                                                                  "notes": "顺利", "submit": "1"})
    assert response.status_code == 302
    session.refresh(visit)
    assert (visit.status, visit.actual_minutes, [i.service_item_id for i in visit.items]) == ("done", 58, [sh01])
    assert 'data-testid="no-findings"' in html(client.get(f"/visits/{visit.id}/review"))


def test_a_correction_keeps_the_version_and_the_visit_page_shows_it(client, session, hc, found):
    login(client, "pr_op")
    visit = first_visit(session, hc)
    day = visit.service_date
    client.post(f"/visits/{visit.id}/check-in", data={"at": f"{day}T09:00", "carer_id": hc.carer.id, "submit": "1"})
    response = client.post(f"/visits/{visit.id}/correct", data={"check_in_at": f"{day}T08:30", "reason": "签到时间录错",
                                                                "submit": "1"})
    assert response.status_code == 302
    kept = session.scalars(select(RecordVersion).where(RecordVersion.record_id == visit.id)).one()
    assert kept.reason == "签到时间录错"
    page = html(client.get(f"/visits/{visit.id}"))
    assert 'data-testid="version"' in page and "签到时间录错" in page and 'data-rule="V01"' in page
    assert f"{day} 09:00 / —" in page                  # the kept check-in, in local time
    assert f"{day} 08:30" in page.split('data-testid="check-in"')[1][:40]


def test_a_settled_visit_cannot_be_corrected(client, session, hc):
    visit = first_visit(session, hc)
    visit.settled_at = NOW
    session.commit()
    login(client, "pr_op")
    response = client.get(f"/visits/{visit.id}/correct", follow_redirects=True)
    assert "已结算的服务记录不可修改" in html(response)
    response = client.post(f"/visits/{visit.id}/correct", data={"reason": "x", "submit": "1"}, follow_redirects=True)
    assert "已结算的服务记录不可修改" in html(response)
    assert session.scalar(select(func.count()).select_from(RecordVersion)) == 0


def test_the_schedule_page_regenerates_without_duplicates(client, session, hc):
    login(client, "pr_op")
    month = first_of_month(local_today())
    before = session.scalar(select(func.count()).select_from(Visit))
    page = html(client.get(f"/visits/schedule/?month={month:%Y-%m}"))
    assert page.count('data-testid="beneficiary"') == 2
    response = client.post("/visits/schedule/", data={"month": f"{month:%Y-%m}", "person_id": "0", "submit": "1"},
                           follow_redirects=True)
    assert "新增 0 次" in html(response) and session.scalar(select(func.count()).select_from(Visit)) == before
    assert client.get("/visits/schedule/").status_code == 200
    client.post("/logout")
    login(client, "pr_carer")
    assert client.get("/visits/schedule/").status_code == 403


def test_the_operator_moves_and_cancels_a_single_visit(client, session, hc):
    login(client, "pr_op")
    visit = first_visit(session, hc)
    day = visit.service_date
    client.post(f"/visits/schedule/{visit.id}/move", data={"start": f"{day}T15:00", "reason": "家属要求"})
    session.refresh(visit)
    assert (visit.version, visit.scheduled_start.hour) == (2, 7)         # 15:00 Shanghai
    client.post(f"/visits/schedule/{visit.id}/cancel", data={"reason": "住院"})
    session.refresh(visit)
    assert visit.status == "cancelled"


def test_a_carers_menu_is_their_week_and_today(client, hc):
    login(client, "pr_carer")
    menu = html(client.get("/visits/today")).split('data-testid="menu"')[1].split("</ul>")[0]
    assert "我的排班" in menu and "今日服务" in menu and "护理计划" not in menu
    client.post("/lang/en", data={"next": "/"})
    page = html(client.get("/visits/today"))
    assert "My schedule" in page and "Today's visits" in page


def test_a_carers_unscheduled_visit_is_for_their_own_beneficiaries_only(client, session, hc, found):
    login(client, "pr_carer")
    page = html(client.get("/visits/check-in"))
    assert hc.person.name in page and hc.stranger.name not in page
    day = monday_of(local_today()) + timedelta(days=6)      # a Sunday: nothing scheduled
    refused = client.post("/visits/check-in", data={"person_id": hc.stranger.id, "at": f"{day}T10:00", "submit": "1"})
    assert refused.status_code == 404
    response = client.post("/visits/check-in", data={"person_id": hc.person.id, "at": f"{day}T10:00", "submit": "1"})
    assert response.status_code == 302
    visit = session.scalars(select(Visit).where(Visit.slot_start.is_(None))).one()
    assert (visit.carer_id, visit.person_id, visit.status, visit.source) == (hc.carer.id, hc.person.id, "in_progress",
                                                                             "web")


def test_a_check_out_before_the_check_in_is_refused_on_its_field_in_english(client, session, hc):
    login(client, "pr_op")
    visit = first_visit(session, hc)
    day = visit.service_date
    client.post(f"/visits/{visit.id}/check-in", data={"at": f"{day}T09:00", "carer_id": hc.carer.id, "submit": "1"})
    client.post("/lang/en", data={"next": "/"})
    response = client.post(f"/visits/{visit.id}/check-out", data={"at": f"{day}T08:00", "items": [
        str(visit.items[0].service_item_id)], "submit": "1"})
    assert response.status_code == 400 and "The check-out cannot be before the check-in" in html(response)


def test_an_operator_checking_in_without_a_carer_is_asked_for_one(client, session, hc):
    login(client, "pr_op")
    day = monday_of(local_today()) + timedelta(days=6)
    response = client.post("/visits/check-in", data={"person_id": hc.person.id, "carer_id": "", "at": f"{day}T10:00",
                                                      "submit": "1"})
    assert response.status_code == 400 and "请选择护理人员" in html(response)
    response = client.post("/visits/check-in", data={"carer_id": hc.carer.id, "at": f"{day}T10:00", "submit": "1"})
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(Visit).where(Visit.slot_start.is_(None))) == 0


def test_the_insurer_opens_a_carers_week_from_a_link_and_an_agency_gets_404(client, session, hc):
    login(client, "ins_op")
    visit = first_visit(session, hc)
    page = html(client.get(f"/visits/week?carer={hc.carer.id}&week={visit.service_date}"))
    assert f'data-visit="{visit.id}"' in page
    client.post("/logout")
    login(client, "ag_admin")
    assert client.get(f"/visits/week?carer={hc.carer.id}").status_code == 404


def test_a_large_month_is_queued_and_the_page_shows_its_progress(client, session, hc, monkeypatch):
    monkeypatch.setattr(schedule, "IN_REQUEST_MAX", 1)
    login(client, "pr_op")
    month = first_of_month(local_today())
    response = client.post("/visits/schedule/", data={"month": f"{month:%Y-%m}", "person_id": "0", "submit": "1"},
                           follow_redirects=True)
    page = html(response)
    assert "排班已排队由后台生成" in page and 'data-testid="schedule-run"' in page and "排队中" in page


def test_the_operator_reassigns_a_visit_from_its_page(client, session, hc):
    login(client, "pr_op")
    visit = first_visit(session, hc)
    page = html(client.get(f"/visits/{visit.id}"))
    assert "assign-form" in page and "move-form" in page
    assert 'name="at"' in html(client.get(f"/visits/{visit.id}/check-in"))
    client.post(f"/visits/schedule/{visit.id}/assign", data={"carer_id": hc.other_carer.id})
    session.refresh(visit)
    assert (visit.carer_id, visit.version) == (hc.other_carer.id, 2)
    client.post("/logout")
    login(client, "pr_carer")                        # no longer theirs
    assert client.get(f"/visits/{visit.id}").status_code == 404


def test_the_operator_opens_the_week_of_a_beneficiary_not_scheduled_yet(client, session, hc, world):
    unscheduled = person(session, 5, name="孙未排", district="东城区")
    home_plan(session, world, unscheduled)
    session.commit()
    login(client, "pr_op")
    page = html(client.get(f"/visits/week/person/{unscheduled.id}"))
    assert "孙未排" in page and 'data-testid="visit-card"' not in page
    client.post("/logout")
    login(client, "pr_carer")
    assert client.get(f"/visits/week/person/{unscheduled.id}").status_code == 404
