"""An application walked from intake to conclusion in a real browser (SPEC §3.1):
the insurer files, accepts and dispatches; the agency admin names two on-site assessors, who
each make the recusal declaration in their own session; one enters the joint record (graded
live by grading.js), the other co-signs; two experts, one of them not on site, confirm; the
level is below the threshold so the case concludes at once and the conclusion notice is issued."""
import re

import pytest
from playwright.sync_api import expect

from ltc.core.clock import local_today
from ltc.demo.data import person_rows
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("real_pdf")]  # notices rendered by WeasyPrint

# SPEC §3.2 example 2: ADL 65 (grade 1), cognition 1 (grade 3), perception 9 (grade 1) → level 2
ITEMS = {"feeding": 10, "dressing": 5, "face_oral_hygiene": 5, "bowel": 10, "bladder": 10, "toileting": 5,
         "walking": 10, "transfer": 10, "stairs": 0, "bathing": 0, "time_orientation": 0,
         "person_orientation": 1, "space_orientation": 0, "memory": 0, "vision": 3, "hearing": 3,
         "communication": 3}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def logout(page):
    page.click("text=退出")


def select_by_text(page, name: str, text: str):
    value = page.locator(f"[name='{name}'] option", has_text=text).first.get_attribute("value")
    page.select_option(f"[name='{name}']", value)


def submit(page, name: str):
    page.click(f"[name='{name}']")


def grade_and_confirm(page, base_url: str, detail_url: str, items: dict[str, int], level: str,
                      level_name: str | None = None) -> None:
    """The agency admin schedules today's visit with assessor1 (an expert) and assessor3, who each
    declare no tie in their own session; assessor1 enters the joint record (graded live in the browser to ``level``),
    assessor3 co-signs; assessor1 and assessor2 (not on site) confirm."""
    login(page, base_url, "agency")
    page.goto(detail_url)
    page.fill("[name=schedule-visit_on]", local_today().isoformat())
    select_by_text(page, "schedule-assessor_1", "钱评估员")  # assessor1, expert
    select_by_text(page, "schedule-assessor_2", "周评估员")  # assessor3
    submit(page, "schedule-submit")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "scheduled")
    expect(page.locator("[data-testid=recusal-form]")).to_have_count(0)   # the admin does not declare for them
    logout(page)

    for assessor in ("assessor3", "assessor1"):  # each declares personally, in their own session
        login(page, base_url, assessor)
        page.goto(detail_url)
        expect(page.locator("[data-testid=enter-link]")).to_have_count(0)
        submit(page, "recusal-submit")
        expect(page.locator("[data-testid=recusal-form]")).to_have_count(0)
        if assessor == "assessor3":
            logout(page)
    expect(page.locator("[data-testid=assessor][data-declared=yes]")).to_have_count(2)
    page.click("[data-testid=enter-link]")
    page.wait_for_url(detail_url + "/record")
    for code, value in items.items():
        page.select_option(f"[name={code}]", str(value))
    expect(page.locator("[data-grading=level]")).to_have_text(level)  # computed live in the browser
    if level_name:
        expect(page.locator("[data-grading=level_name]")).to_have_text(level_name)
    submit(page, "submit")
    page.wait_for_url(detail_url)
    logout(page)

    login(page, base_url, "assessor3")
    page.goto(detail_url)
    submit(page, "cosign-submit")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "assessed")
    logout(page)

    for expert in ("assessor1", "assessor2"):  # assessor2 was not on site
        login(page, base_url, expert)
        page.goto(detail_url)
        submit(page, "confirm-submit")
        logout(page)


def test_application_from_intake_to_conclusion(page, live_server):
    person = person_rows(40)[0]
    login(page, live_server, "insurer")
    page.goto(f"{live_server}/assessment/new")
    page.fill("[name=id_number]", person["id_number"])
    page.fill("[name=person_name]", person["name"])
    page.fill("[name=applicant_name]", "王家属")
    page.fill("[name=applicant_phone]", "13900000000")
    page.check("[name=declared_disability_6m]")
    for item in ("feeding", "bowel_bladder", "bathing", "dressing", "toileting", "transfer"):
        page.check(f"[name=sa_{item}][value=dependent]")
    page.set_input_files("[name=documents]", files=[
        {"name": "病历.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.select_option("[name=care_type]", "institution")
    select_by_text(page, "provider_id", "颐年养老院")
    submit(page, "submit")
    page.wait_for_url(re.compile(r".*/assessment/\d+$"))
    detail_url = page.url
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "submitted")
    expect(page.locator("[data-testid=self-grade]")).to_have_text("G")

    submit(page, "accept-submit")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "accepted")
    page.check("[name=dispatch-method][value=manual]")
    select_by_text(page, "dispatch-agency_id", "康评失能评估中心")
    page.fill("[name=dispatch-reason]", "就近评估")
    submit(page, "dispatch-submit")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "dispatched")
    expect(page.locator("[data-testid=notice-link]")).to_have_count(1)  # the acceptance notice
    logout(page)

    grade_and_confirm(page, live_server, detail_url, ITEMS, "2", "中度失能")

    login(page, live_server, "insurer")
    page.goto(detail_url)
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "concluded")
    expect(page.locator("[data-testid=level]")).to_have_text("2")
    numbers = page.locator("[data-testid=notice-link]").all_inner_texts()
    assert any(n.startswith("ACC-") for n in numbers) and any(n.startswith("CON-") for n in numbers)
    response = page.request.get(
        live_server + page.locator("[data-testid=notice-link]", has_text="CON-").get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
