"""Care-plan revisions after the grant on the web (SPEC §4.2, issue 8 point 14): the provider's
operator saves a revision with a requested date and submits it in the review pages, the district
insurer approves there, and the plan page shows the version in force on any chosen date."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from ltc.core.clock import local_today
from ltc.entitlements.models import Entitlement
from ltc.providers.care_plans.models import CarePlan
from ltc.reviews.models import ReviewCase
from tests.conftest import login
from tests.review_builders import approve_through, opened, plan_for, review_cast


@pytest.fixture
def granted(session, world):
    r = review_cast(session, world)
    request, case = opened(session, r)
    first = plan_for(session, request)
    approve_through(session, r, case, "provider", "agency", "insurer", "mia")
    session.commit()
    return session.get(Entitlement, request.entitlement_id), first


def html(response) -> str:
    return response.get_data(as_text=True)


def revision_form(requested: str, weekdays=("1", "4")) -> dict:
    return {"level": "4", "note": "增加助浴", "requested_from": requested, "visit_types-0-name": "生活照料",
            "visit_types-0-frequency": "4", "visit_types-0-frequency_unit": "week",
            "visit_types-0-planned_minutes": "60", "visit_types-0-items": ["SH01", "SH02"],
            "visit_types-0-weekdays": list(weekdays), "visit_types-0-start_time": "09:00", "submit": "1"}


def decide(client, case: ReviewCase, decision: str = "approve"):
    return client.post(f"/reviews/{case.id}/decision", data={"decision": decision, "reason_code": "",
                                                             "reason_text": "", "expected_version": str(case.version)})


def test_a_revision_is_submitted_by_the_provider_approved_by_the_insurer_and_shown_in_force(
        client, session, granted):
    entitlement, first = granted
    requested = local_today() + timedelta(days=40)
    login(client, "pr_op")
    form = html(client.get(f"/care-plans/{first.id}/edit"))
    assert 'data-testid="revision-note"' in form and 'name="requested_from"' in form
    assert 'name="visit_types-0-weekdays"' in form
    saved = client.post(f"/care-plans/{first.id}/edit", data=revision_form(requested.isoformat()))
    assert saved.status_code == 302
    second = session.scalars(select(CarePlan).where(CarePlan.version == 2)).one()
    assert (second.status, second.requested_from, second.visit_types[0].weekdays) == ("pending", requested, "14")
    page = html(client.get(saved.headers["Location"]))
    assert "变更审核中" in page and 'data-testid="revision-case"' in page
    case = session.scalars(select(ReviewCase).where(ReviewCase.case_type == "plan_revision")).one()
    case_page = html(client.get(f"/reviews/{case.id}"))
    assert f"/care-plans/{second.id}" in case_page and "护理计划变更" in case_page
    assert decide(client, case).status_code == 302                       # the provider's operator submits
    session.refresh(case)
    client.post("/logout")
    login(client, "ins_rev")
    insurer_page = html(client.get(f"/reviews/{case.id}"))
    assert re.findall(r'name="decision"[^>]*value="(\w+)"', insurer_page) == ["approve", "return", "reject"]
    assert "护理需求无变化，无需变更" in insurer_page and "超出失能等级的待遇上限" in insurer_page
    assert decide(client, case).status_code == 302                       # the district insurer approves
    session.refresh(second)
    assert (second.status, second.effective_from) == ("final", requested)
    before = html(client.get(f"/care-plans/{second.id}?on={(requested - timedelta(days=1)).isoformat()}"))
    assert re.search(r'data-testid="in-force">\s*\S+ 执行第 1 版', before)
    on_the_day = html(client.get(f"/care-plans/{second.id}?on={requested.isoformat()}"))
    assert re.search(r'data-testid="in-force">\s*\S+ 执行第 2 版', on_the_day)
    assert f"自 {requested} 起生效" in on_the_day and f"自 {entitlement.valid_from} 起生效" in on_the_day
    assert "周一" in on_the_day and "周四" in on_the_day


def test_the_plan_page_says_when_no_entitlement_covers_the_date_and_refuses_a_bad_date(client, session, granted):
    _, first = granted
    login(client, "ins_rev")
    page = html(client.get(f"/care-plans/{first.id}?on=2026-03-31"))   # the day before the entitlement starts
    assert "2026-03-31 没有本机构该服务形式的待遇" in page
    bad = client.get(f"/care-plans/{first.id}?on=not-a-date")
    assert bad.status_code == 200 and "is-invalid" in html(bad)


def test_a_requested_date_after_the_entitlement_ends_is_shown_on_the_field(client, session, granted):
    entitlement, first = granted
    login(client, "pr_op")
    response = client.post(f"/care-plans/{first.id}/edit", data=revision_form(entitlement.valid_to.isoformat()))
    assert response.status_code == 400 and "申请生效日期应早于待遇终止日期" in html(response)
    assert session.scalars(select(CarePlan).where(CarePlan.version == 2)).first() is None


def test_weekdays_that_do_not_divide_the_frequency_are_refused_on_the_row(client, session, granted):
    _, first = granted
    login(client, "pr_op")
    response = client.post(f"/care-plans/{first.id}/edit",
                           data=revision_form((local_today() + timedelta(days=5)).isoformat(), ("1", "3", "5")))
    assert response.status_code == 400 and "每周 4 次不能平均安排在 3 个服务日" in html(response)
