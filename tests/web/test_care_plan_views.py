"""Care plan pages (SPEC §5.3): the provider operator drafts and edits its own plans, every save
a new version; reviewers read the plans in their scope; others get 403 or 404."""
import re
from datetime import datetime, timezone, time

import pytest
from sqlalchemy import func, select

from ltc.assessment.applications.services import intake
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM
from ltc.policy.ref import seed_ref
from ltc.providers.care_plans import services as plans
from ltc.providers.catalogue import services as cs
from ltc.providers.care_plans.services import VisitTypeInput
from ltc.providers.care_plans.models import CarePlan, CarePlanVisitType
from tests.assessment_builders import ANSWERS_E, APPLICANT
from tests.builders import PASSWORD
from tests.conftest import login
from tests.people_builders import person

NINE = time(9, 0)  # a weekly visit type's usual start time

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def setup(session, world):
    seed_ref(session, now=NOW)
    cs.load_catalogue(session, cs.read_catalogue_csv(), actor=SYSTEM, now=NOW)
    east = person(session, 1, name="王东城", district="东城区")
    north = person(session, 2, name="李朝阳", district="朝阳区")
    plan = plans.save_plan(session, person_id=east.id, provider_id=world.provider.id, care_type="home", level=3,
                           visit_types=[VisitTypeInput("日常照护", 3, "week", 60, ("SH01", "SH02"), start_time=NINE)],
                           actor=actor_of(world.users["pr_op"]), now=NOW)
    session.commit()
    return world, east, north, plan


def relogin(client, username: str) -> None:
    client.post("/logout")
    login(client, username)


def plan_count(session) -> int:
    return session.scalar(select(func.count()).select_from(CarePlan))


def row(i: int, name="", frequency="", unit="week", minutes="", items=()) -> dict:
    return {f"visit_types-{i}-name": name, f"visit_types-{i}-frequency": frequency,
            f"visit_types-{i}-frequency_unit": unit, f"visit_types-{i}-planned_minutes": minutes,
            f"visit_types-{i}-items": list(items),
            f"visit_types-{i}-start_time": "09:00" if name and unit == "week" else ""}


def test_edit_saves_a_new_version_and_keeps_the_old_one(client, session, setup):
    world, east, _, plan = setup
    login(client, "pr_op")
    form = client.get(f"/care-plans/{plan.id}/edit").data.decode()
    assert form.count('data-testid="visit-row"') == 2                      # the visit type + one empty row
    assert 'value="日常照护"' in form and "<script>" not in form
    data = {"level": "4", "note": "增加测量", **row(0, "日常照护", "3", "week", "60", ["SH01", "SH02"]),
            **row(1, "测量", "2", "month", "30", ["SH03"]), "submit": "1"}
    response = client.post(f"/care-plans/{plan.id}/edit", data=data)
    assert response.status_code == 302
    latest = plans.current_plan(session, person_id=east.id, provider_id=world.provider.id, care_type="home")
    assert (latest.version, latest.previous_id, latest.level, latest.note) == (2, plan.id, 4, "增加测量")
    assert [v.name for v in latest.visit_types] == ["日常照护", "测量"]
    session.expire_all()
    assert [v.name for v in session.get(CarePlan, plan.id).visit_types] == ["日常照护"]
    page = client.get(response.location).data.decode()
    assert page.count('data-testid="version"') == 2
    assert 'data-testid="check-home_hours_cap" data-passed="yes"' in page
    assert "840.00 分钟 ÷ 60 = 14.00 小时" in page and "4 级每月上限 21 小时" in page


def test_the_plan_page_shows_the_checks_with_their_figures(client, setup):
    world, east, _, plan = setup
    login(client, "pr_op")
    page = client.get(f"/care-plans/{plan.id}").data.decode()
    assert 'data-testid="check-items_allowed" data-passed="yes"' in page
    assert 'data-testid="check-home_hours_cap" data-passed="yes"' in page
    assert "780.00 分钟 ÷ 60 = 13.00 小时" in page and "3 级每月上限 13 小时" in page
    assert 'data-testid="edit-plan"' in page


def test_one_minute_over_the_cap_is_shown_failing(client, session, setup):
    world, east, _, plan = setup
    login(client, "pr_op")
    data = {"level": "3", **row(0, "日常照护", "13", "month", "60", ["SH01"]),
            **row(1, "加一分钟", "1", "month", "1", ["SH03"]), "submit": "1"}
    page = client.get(client.post(f"/care-plans/{plan.id}/edit", data=data).location).data.decode()
    assert 'data-testid="check-home_hours_cap" data-passed="no"' in page and "超过上限" in page


def test_add_row_re_renders_with_one_more_row_and_saves_nothing(client, session, setup):
    world, east, _, plan = setup
    login(client, "pr_op")
    data = {"level": "3", **row(0, "日常照护", "3", "week", "60", ["SH01"]), **row(1), "add_row": "1"}
    response = client.post(f"/care-plans/{plan.id}/edit", data=data)
    assert response.status_code == 200
    page = response.data.decode()
    assert page.count('data-testid="visit-row"') == 3 and 'value="日常照护"' in page
    assert plan_count(session) == 1


@pytest.mark.parametrize("rows, field, message", [
    ({**row(0, "日常照护", "0", "week", "60", ["SH01"])}, "visit_types-0-frequency", None),
    ({**row(0, "日常照护", "3", "week", "60", ["ZZ99"])}, "visit_types-0-items", None),
    ({**row(0, "日常照护", "", "week", "60", ["SH01"])}, "visit_types-0-frequency", "频次应为 1 至 21 次"),
    ({**row(0, "日常照护", "3", "week", "60", []), **row(1, "", "2")}, "visit_types-0-items", "至少选择一个服务项目"),
    ({**row(0), **row(1)}, None, "至少填写一种服务"),
])
def test_bad_rows_are_refused_on_their_fields_and_nothing_written(client, session, setup, rows, field, message):
    world, east, _, plan = setup
    login(client, "pr_op")
    response = client.post(f"/care-plans/{plan.id}/edit", data={"level": "3", **rows, "submit": "1"})
    assert response.status_code == 400
    page = response.data.decode()
    if field:
        tag = re.search(rf'<(input|select)[^>]*id="{field}"[^>]*>', page).group(0)
        assert "is-invalid" in tag
    if message:
        assert message in page
    assert plan_count(session) == 1


def test_item_outside_the_care_type_is_refused(client, session, setup):
    world, east, _, plan = setup
    login(client, "pr_op")
    response = client.post("/care-plans/new?person_id=%d&care_type=outreach" % east.id,
                           data={"level": "5", **row(0, "巡护", "4", "month", "30", ["SH01"]), "submit": "1"})
    assert response.status_code == 400 and plan_count(session) == 1


def test_a_first_plan_is_drafted_for_a_person_the_provider_filed_for(client, session, setup):
    world, east, north, plan = setup
    intake.file_application(session, actor=actor_of(world.users["pr_op"]), now=NOW, person_id=north.id,
                            applicant=APPLICANT, declared_disability_6m=True, self_assessment=ANSWERS_E)
    session.commit()
    login(client, "pr_op")
    assert client.get(f"/care-plans/new?id_number={east.id_number}&care_type=home").location.endswith(
        f"/care-plans/{plan.id}/edit")                                     # a plan exists: edit it
    url = f"/care-plans/new?id_number={north.id_number}&care_type=outreach&level=5"
    form = client.get(url).data.decode()
    assert form.count('data-testid="visit-row"') == 3 and "SH28" in form and "SH01 " not in form
    response = client.post(url, data={"level": "5", **row(0, "巡护", "12", "month", "30", ["SH28"]), **row(1),
                                      **row(2), "submit": "1"})
    assert response.status_code == 302
    new = plans.current_plan(session, person_id=north.id, provider_id=world.provider.id, care_type="outreach")
    assert (new.version, new.level, len(new.visit_types)) == (1, 5, 1)
    page = client.get(response.location).data.decode()
    assert 'data-testid="check-outreach_fund_cap" data-passed="no"' in page and "职工基金支付比例 90%" in page


def test_new_plan_for_a_person_outside_the_scope_is_404(client, setup):
    world, east, north, plan = setup
    login(client, "pr2_op")
    assert client.get(f"/care-plans/new?person_id={east.id}&care_type=home").status_code == 404
    assert client.get(f"/care-plans/new?id_number={east.id_number}&care_type=home").status_code == 404
    relogin(client, "pr_op")
    assert client.get(f"/care-plans/new?person_id={east.id}&care_type=spa").status_code == 404


@pytest.mark.parametrize("username, view, edit", [
    ("pr_op", 200, 200), ("pr2_op", 404, 404), ("mia_rev", 200, 403), ("ins_rev", 200, 403),
    ("pr_admin", 403, 403), ("ag_admin", 403, 403), ("mia_admin", 403, 403),
])
def test_who_sees_and_edits_a_plan(client, setup, username, view, edit):
    world, east, north, plan = setup
    login(client, username)
    assert client.get(f"/care-plans/{plan.id}").status_code == view
    assert client.get(f"/care-plans/{plan.id}/edit").status_code == edit
    assert client.post(f"/care-plans/{plan.id}/edit", data={"level": "3", "submit": "1"}).status_code in (edit, 400)


def test_insurer_sees_only_plans_of_its_districts(client, session, setup, world):
    _, east, north, plan = setup
    other = plans.save_plan(session, person_id=north.id, provider_id=world.provider2.id, care_type="institution",
                            level=4, visit_types=[VisitTypeInput("日常", 7, "week", 30, ("SH01",), start_time=NINE)],
                            actor=actor_of(world.users["pr2_op"]), now=NOW)
    session.commit()
    login(client, "ins_rev")
    assert client.get(f"/care-plans/{other.id}").status_code == 404
    listing = client.get("/care-plans/").data.decode()
    assert listing.count('data-testid="plan-row"') == 1 and "王东城" in listing and "李朝阳" not in listing
    relogin(client, "mia_rev")
    assert client.get("/care-plans/").data.decode().count('data-testid="plan-row"') == 2
    relogin(client, "pr2_op")
    listing = client.get("/care-plans/").data.decode()
    assert "李朝阳" in listing and "王东城" not in listing and 'data-testid="new-plan"' in listing


def _token(page: str) -> str:
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_saving_needs_the_csrf_token(csrf_client, session, setup):
    world, east, _, plan = setup
    csrf_client.post("/login", data={"username": "pr_op", "password": PASSWORD,
                                     "csrf_token": _token(csrf_client.get("/login").data.decode())})
    data = {"level": "3", **row(0, "日常照护", "2", "week", "60", ["SH01"]), "submit": "1"}
    assert csrf_client.post(f"/care-plans/{plan.id}/edit", data=data).status_code == 400
    assert plan_count(session) == 1
    token = _token(csrf_client.get(f"/care-plans/{plan.id}/edit").data.decode())
    assert csrf_client.post(f"/care-plans/{plan.id}/edit", data={**data, "csrf_token": token}).status_code == 302
    assert session.scalar(select(func.count()).select_from(CarePlanVisitType)) == 2


def test_opening_a_plan_is_an_audited_view(client, session, setup):
    """A care plan is personal data: opening it leaves an audit entry naming who (issue #9 point 9)."""
    from ltc.core.audit import AuditEntry

    world, east, _north, plan = setup
    login(client, "pr_op")
    assert client.get(f"/care-plans/{plan.id}").status_code == 200
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "care_plan", AuditEntry.action == "view",
                                                     AuditEntry.entity_id == str(plan.id))).one()
    assert entry.user_id == world.users["pr_op"].id and entry.detail == f"person {east.id}"


def test_form_errors_of_a_visit_row_follow_the_language(client, setup):
    """The rows are sub-forms: their built-in messages are translated like the plan form's (issue 9 point 10)."""
    world, east, _, plan = setup
    login(client, "pr_op")
    data = {"level": "3", **row(0, "日常照护", "100", "week", "60", ["SH01"]), "submit": "1"}
    page = client.post(f"/care-plans/{plan.id}/edit", data=data).data.decode()
    assert "数值大小必须介于 1 到 93 之间。" in page and "Number must be between" not in page
    client.post("/lang/en", data={"next": "/"})
    page = client.post(f"/care-plans/{plan.id}/edit", data=data).data.decode()
    assert "Number must be between 1 and 93." in page


def test_plan_refusals_are_shown_in_english_in_the_english_ui(client, setup):
    world, east, _, plan = setup
    login(client, "pr_op")
    client.post("/lang/en", data={"next": "/"})
    page = client.post(f"/care-plans/{plan.id}/edit", data={"level": "3", **row(0), **row(1), "submit": "1"}).data
    assert "The care plan has errors: Fill in at least one service" in page.decode()


def test_the_agency_of_the_conclusion_opens_the_plan_under_review(client, session, setup, world):
    from ltc.entitlements.opening import request_entitlement
    from tests import builders
    from tests.entitlement_builders import conclusion
    _, east, north, plan = setup
    app = conclusion(session, east, level=3, agency=world.agency)
    request_entitlement(session, app, care_type="home", provider_id=world.provider.id,
                        actor=actor_of(world.users["mia_rev"]), now=NOW)
    builders.user(session, world.agency, "ag_rev", "reviewer")
    elsewhere = builders.org(session, "agency", "评估机构乙", 6)
    builders.user(session, elsewhere, "ag2_rev", "reviewer")
    session.commit()
    login(client, "ag_rev")
    assert client.get(f"/care-plans/{plan.id}").status_code == 200
    assert "王东城" in client.get("/care-plans/").data.decode()
    relogin(client, "ag2_rev")
    assert client.get(f"/care-plans/{plan.id}").status_code == 404


def test_the_plan_list_finds_plans_by_name_or_id_number(client, session, setup, world):
    _, east, north, plan = setup
    plans.save_plan(session, person_id=north.id, provider_id=world.provider.id, care_type="home", level=4,
                    visit_types=[VisitTypeInput("日常", 3, "week", 30, ("SH01",), start_time=NINE)],
                    actor=actor_of(world.users["pr_op"]), now=NOW)
    session.commit()
    login(client, "mia_rev")
    assert client.get("/care-plans/").data.decode().count('data-testid="plan-row"') == 2
    found = client.get("/care-plans/", query_string={"q": "朝阳"}).data.decode()
    assert found.count('data-testid="plan-row"') == 1 and "李朝阳" in found and 'value="朝阳"' in found
    found = client.get("/care-plans/", query_string={"q": east.id_number}).data.decode()
    assert found.count('data-testid="plan-row"') == 1 and "王东城" in found


def test_the_level_caps_are_shown_while_the_plan_is_drafted(client, session, setup):
    world, east, north, plan = setup
    login(client, "pr_op")
    form = client.get(f"/care-plans/{plan.id}/edit").data.decode()
    caps = form[form.index('data-testid="level-caps"'):form.index('data-testid="visit-row"')]
    assert "3 级待遇标准" in caps and "每月服务时长上限" in caps and "基金支付比例" in caps
    hours = re.search(r'每月服务时长上限</dt><dd class="col-sm-8" data-testid="level-cap">(\d+) 小时<', caps).group(1)
    response = client.post(f"/care-plans/{plan.id}/edit", data={"level": "4", **row(0, "日常", "3", "week", "0",
                                                                                   ["SH01"]), "submit": "1"})
    assert response.status_code == 400
    again = response.data.decode()
    assert "4 级待遇标准" in again                                          # follows the level chosen
    assert re.search(r'每月服务时长上限</dt><dd class="col-sm-8" data-testid="level-cap">(\d+) 小时<', again).group(1) \
        != hours


def test_a_home_care_agency_drafts_home_care_by_default(client, setup):
    login(client, "pr_op")
    page = client.get("/care-plans/").data.decode()
    select = re.search(r'<select[^>]*id="care_type"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option[^>]*value="(\w+)"', select) == ["home"]
    relogin(client, "mia_rev")   # a reader drafts nothing: no choice offered
    assert 'data-testid="new-plan"' not in client.get("/care-plans/").data.decode()


def test_a_weekly_row_without_a_start_time_is_refused_on_its_field_in_both_languages(client, session, setup):
    world, east, _, plan = setup
    login(client, "pr_op")
    data = {"level": "3", **row(0, "日常照护", "3", "week", "60", ["SH01"]), "visit_types-0-start_time": "",
            "submit": "1"}
    before = plan_count(session)
    page = client.post(f"/care-plans/{plan.id}/edit", data=data).data.decode()
    assert "按周的服务须填写开始时间" in page and plan_count(session) == before
    client.post("/lang/en", data={"next": "/"})
    page = client.post(f"/care-plans/{plan.id}/edit", data=data).data.decode()
    assert "A weekly service needs a start time" in page


def test_the_plan_page_shows_the_start_time_or_the_default_the_schedule_uses(client, session, setup):
    world, east, _, plan = setup
    login(client, "pr_op")
    page = client.get(f"/care-plans/{plan.id}").data.decode()
    assert "09:00 开始" in page
    plan.visit_types[0].start_time = None     # a row saved before start times existed
    session.commit()
    page = client.get(f"/care-plans/{plan.id}").data.decode()
    assert "未填写开始时间（排班按 08:00）" in page and plan.visit_types[0].start_time is None
