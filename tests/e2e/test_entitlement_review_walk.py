"""A four-party entitlement review walked in a real browser (SPEC §4.2), with one return.

The concluded application and its entitlement request are made through the services against
the live server's database (as the assessment conclusion would); then, in the browser, each
party finds the case in its inbox (待审核案件) and acts on the case page: the provider drafts
the care plan through the editor linked from the case and approves step 1, the agency
approves, the insurer returns it with a reason, the agency approves again (round 2), the
insurer approves and the MIA approves. The case is then completed with its trail in two
rounds, and the entitlement is on the entitlement pages.
"""
import re
from datetime import date, datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ltc.assessment.applications.models import Application
from ltc.auth.models import User
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today
from ltc.core.months import add_months
from ltc.demo.data import person_rows
from ltc.entitlements.dates import first_start
from ltc.entitlements.opening import request_entitlement
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.providers.catalogue import services as catalogue_services
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("real_pdf")]  # notices rendered by WeasyPrint

PERSON = person_rows(40)[1]  # the demo applications use persons 20 and up
RETURN_TEXT = "结论通知书扫描件缺页，请评估机构补充后重新提交"


def _one(model, **where):
    return db.session.scalars(select(model).filter_by(**where)).one()


def open_review(app, row: dict) -> tuple[int, date]:
    """A level 4 conclusion of today for demo person ``row``, preferring home care at
    安康居家护理服务中心, dispatched to 康评失能评估中心, and the entitlement review it opens
    (request_entitlement, by the insurer). Returns the case id and the conclusion date."""
    now = datetime.now(timezone.utc)
    today = local_today(now)
    with app.app_context():
        catalogue_services.load_catalogue(db.session, catalogue_services.read_catalogue_csv(), actor=SYSTEM,
                                          now=now)  # idempotent: the demo may load it one day
        person = _one(InsuredPerson, id_number=row["id_number"])
        application = Application(
            person_id=person.id, kind="initial", status="concluded", applicant_name="李小光",
            applicant_relation="child", applicant_phone="13900001111", declared_disability_6m=True,
            submitted_at=now, submitted_on=today, accepted_on=today, concluded_on=today, level=4,
            valid_from=today, valid_to=add_months(today, 24), final_on=today,
            agency_id=_one(Organisation, name="康评失能评估中心").id, preferred_care_type="home",
            preferred_provider_id=_one(Organisation, name="安康居家护理服务中心").id)
        db.session.add(application)
        db.session.flush()
        request = request_entitlement(db.session, application, care_type="home",
                                      provider_id=application.preferred_provider_id,
                                      actor=actor_of(_one(User, username="insurer")), now=now)
        assert request.status == "open", request.reason
        db.session.commit()
        found = request.case_id
        db.session.remove()
    return found, today


def logout(page):
    page.click("text=退出")


def open_from_inbox(page, base_url: str, case_id: int, round_: int) -> None:
    """The case is in this organisation's inbox (in the given round); open it from there."""
    page.goto(f"{base_url}/reviews/")
    expect(page.locator("h1")).to_contain_text("待审核案件")
    row = page.locator(f"[data-testid=inbox-row][data-case='{case_id}']")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(4)).to_have_text(str(round_))
    row.locator("a").click()
    page.wait_for_url(f"{base_url}/reviews/{case_id}")


def expect_step(page, step: str) -> None:
    expect(page.locator("[data-testid=case-status]")).to_have_attribute("data-status", "open")
    expect(page.locator(f"[data-testid=step][data-step={step}]")).to_have_attribute("data-state", "current")


def decide(page, base_url: str, case_id: int, decision: str, reason: str | None = None, text: str | None = None):
    page.check(f"[data-testid=decision-form] [name=decision][value={decision}]")
    if reason:
        page.select_option("[data-testid=decision-form] [name=reason_code]", reason)
    if text:
        page.fill("[data-testid=decision-form] [name=reason_text]", text)
    page.click("[data-testid=decision-form] button[type=submit]")
    page.wait_for_url(f"{base_url}/reviews/{case_id}")
    expect(page.locator(".alert-success").first).to_contain_text("已记录")


def act(page, base_url: str, username: str, case_id: int, *, step: str, round_: int, decision: str = "approve",
        **reason) -> None:
    login(page, base_url, username)
    open_from_inbox(page, base_url, case_id, round_)
    expect_step(page, step)
    decide(page, base_url, case_id, decision, **reason)
    expect(page.locator(f"[data-testid=step][data-step={step}]")).not_to_have_attribute("data-state", "current")
    logout(page)


def fill_visit(form, index: int, *, name: str, frequency: str, unit: str, minutes: str, items: list[str]) -> None:
    form.locator(f"[name=visit_types-{index}-name]").fill(name)
    form.locator(f"[name=visit_types-{index}-frequency]").fill(frequency)
    form.locator(f"[name=visit_types-{index}-frequency_unit]").select_option(unit)
    form.locator(f"[name=visit_types-{index}-planned_minutes]").fill(minutes)
    form.locator(f"[name=visit_types-{index}-items]").select_option(items)
    if unit == "week":
        form.locator(f"[name=visit_types-{index}-start_time]").fill("09:00")


def save_plan_form(page, version: int) -> None:
    page.locator("[data-testid=plan-form] [name=submit]").click()
    page.wait_for_url(re.compile(r".*/care-plans/\d+$"))
    expect(page.locator(".alert-success").first).to_contain_text(f"第 {version} 版")


def draft_care_plan(page, base_url: str, case_id: int) -> None:
    """From the case page, the provider's link to the care plan editor: no plan yet, so a new
    one for the request's level; one visit type, 3 one-hour visits a week of SH01 and SH02."""
    page.click("[data-testid=subject-link]:has-text('护理计划')")
    page.wait_for_url(re.compile(r".*/care-plans/new\?.*"))
    form = page.locator("[data-testid=plan-form]")
    expect(form.locator("[name=level]")).to_have_value("4")
    fill_visit(form, 0, name="生活照料", frequency="3", unit="week", minutes="60", items=["SH01", "SH02"])
    save_plan_form(page, 1)
    page.goto(f"{base_url}/reviews/{case_id}")


def test_entitlement_review_through_four_parties_with_one_return(app, page, live_server):
    base = live_server
    case_id, concluded_on = open_review(app, PERSON)

    # step 1: the provider drafts the care plan from the case page, then approves
    login(page, base, "provider")
    open_from_inbox(page, base, case_id, 1)
    expect_step(page, "provider")
    expect(page.locator("[data-testid=check][data-check=plan]")).to_contain_text("护理机构尚未制定护理计划")
    expect(page.locator("[data-testid=check][data-check=plan]")).to_have_attribute("data-passed", "fail")
    draft_care_plan(page, base, case_id)
    expect(page.locator("[data-testid=check][data-check=plan]")).to_contain_text("第 1 版")
    expect(page.locator("[data-testid=checks] [data-passed=fail]")).to_have_count(0)
    decide(page, base, case_id, "approve")
    expect_step(page, "agency")
    logout(page)

    act(page, base, "agency", case_id, step="agency", round_=1)
    act(page, base, "insurer", case_id, step="insurer", round_=1, decision="return", reason="DOCS",
        text=RETURN_TEXT)
    act(page, base, "agency", case_id, step="agency", round_=2)
    act(page, base, "insurer", case_id, step="insurer", round_=2)
    act(page, base, "mia", case_id, step="mia", round_=2)

    login(page, base, "mia")
    page.goto(f"{base}/reviews/{case_id}")
    expect(page.locator("[data-testid=case-status]")).to_have_attribute("data-status", "completed")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已通过")
    expect(page.locator("[data-testid=decision-form]")).to_have_count(0)
    rounds = page.locator("[data-testid=round]")
    expect(rounds).to_have_count(2)
    first, second = rounds.nth(0), rounds.nth(1)
    expect(first.locator("[data-testid=stage]")).to_have_count(3)  # provider, agency, insurer (returned)
    expect(first.locator("[data-testid=event][data-action=return]")).to_have_count(1)
    expect(first.locator("[data-testid=event-reason]")).to_have_text("材料不全或有误")  # words, not the code DOCS
    expect(first.locator("[data-testid=event][data-action=return] [data-testid=event-text]")).to_have_text(RETURN_TEXT)
    # the plan saved at step 1 is the case's second subject revision
    expect(first.locator("[data-testid=event][data-action=revised]")).to_contain_text("护理计划第 1 版")
    expect(second.locator("[data-testid=stage]")).to_have_count(3)  # agency, insurer, MIA
    expect(second.locator("[data-testid=event][data-action=approve]")).to_have_count(3)
    expect(page.locator("[data-testid=step][data-state=done]")).to_have_count(4)

    # the entitlement exists: found by ID number on the list; its detail shows the level, the
    # care type, the provider, the start (1st of the month after the conclusion), the plan and the notice
    page.goto(f"{base}/entitlements/?q={PERSON['id_number']}")
    row = page.locator("[data-testid=entitlement-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("安康居家护理服务中心")
    row.locator("a", has_text=PERSON["name"]).click()
    page.wait_for_url(re.compile(r".*/entitlements/\d+$"))
    facts = page.locator("[data-testid=entitlement-facts] dd")
    expect(facts.nth(1)).to_have_text("4 重度失能Ⅱ级")
    expect(facts.nth(2)).to_have_text("居家上门护理")
    expect(facts.nth(3)).to_have_text("安康居家护理服务中心")
    expect(page.locator("[data-testid=period]")).to_contain_text(first_start("home", concluded_on).isoformat())
    expect(facts.nth(6)).to_have_text("第 1 版")  # the version of the care plan the entitlement rests on
    expect(page.locator("[data-testid=entitlement-notices] a")).to_have_count(1)
    logout(page)

    # every party's inbox is empty of the case now
    for username in ("provider", "agency", "insurer", "mia"):
        login(page, base, username)
        page.goto(f"{base}/reviews/")
        expect(page.locator(f"[data-testid=inbox-row][data-case='{case_id}']")).to_have_count(0)
        logout(page)

