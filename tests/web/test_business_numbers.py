"""Numbers people know instead of database ids (issue 9 point 14): the care plan's 第 N 版 and
the ENT- number of the entitlement that replaced another, on the entitlement page."""
from datetime import date

from ltc.assessment.applications.models import Application
from ltc.core.audit import SYSTEM
from ltc.entitlements.notice import issue_entitlement_notice
from tests.conftest import NOW, login
from tests.entitlement_builders import grant
from tests.review_builders import opened, plan_for, review_cast


def test_the_entitlement_page_names_the_plan_version_and_the_replacing_entitlements_number(client, session, world):
    r = review_cast(session, world)
    request, _case = opened(session, r)
    plan_for(session, request)
    plan = plan_for(session, request)                                  # the second version
    person, app = r.c.persons[0], session.get(Application, request.application_id)
    first = grant(session, person, world.provider, care_type="home", conclusion_of=app, care_plan_id=plan.id)
    second = grant(session, person, world.provider2, care_type="institution", conclusion_of=app,
                   starts_on=date(2026, 6, 1), replaces=first)
    notice = issue_entitlement_notice(session, second, actor=SYSTEM, now=NOW)
    session.commit()
    login(client, "ins_op")
    page = client.get(f"/entitlements/{first.id}").data.decode()
    assert f'data-testid="plan-version">第 {plan.version} 版<' in page and plan.version == 2
    assert f'data-testid="replaced-by">{notice.number}<' in page and notice.number.startswith("ENT-")


def test_the_notice_names_the_plan_by_its_version_and_a_conclusion_without_notice_by_its_number(session, world):
    from ltc.entitlements.notice import conclusion_no, notice_data
    r = review_cast(session, world)
    request, _case = opened(session, r)
    plan_for(session, request)
    plan = plan_for(session, request)
    app = session.get(Application, request.application_id)
    entitlement = grant(session, r.c.persons[0], world.provider, care_type="home", conclusion_of=app,
                        care_plan_id=plan.id)
    assert notice_data(session, entitlement)["plan_version"] == "护理计划第 2 版"
    assert conclusion_no(session, entitlement) == f"申请 {app.number}"      # no conclusion notice in the test
