"""Two entitlement walks in a real browser (issue 8 point 15; SPEC §2, §3.1, §4.2).

Death before start: an entitlement granted to start on the 1st of next month; the MIA records
the death on the person's page; the entitlement shows 已作废 (void, death) and the provider
sees its termination notice (TRM).

Renewal: a home-care beneficiary whose conclusion expires within the reassessment lead time
(SPEC §3.1: 90 days; the policy's value is read); the daily 00:30 job opens the reassessment;
the insurer accepts and dispatches it, the agency schedules the visit, the assessors grade it
and the experts confirm it (publicity); the clock moves past the publicity and the daily job
makes the conclusion final, which opens the change review; the four parties approve it and
the new entitlement starts exactly when the old one ends (no gap).

The histories before the walks are made through the services against the live server's
database, as the earlier steps would have made them.
"""
import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.policy import AssessmentPolicy
from ltc.auth.models import User
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM
from ltc.core.clock import LOCAL_TZ, local_today, utcnow
from ltc.core.months import add_months, first_of_next_month
from ltc.demo.data import person_rows
from ltc.demo.reviews import VISITS
from ltc.entitlements import dates
from ltc.entitlements.models import EntitlementRequest
from ltc.entitlements.services import grant_entitlement
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.policy.services import policy_on
from ltc.providers.catalogue import services as catalogue_services
from ltc.providers.care_plans.services import save_plan
from ltc.scheduler.registry import get_job
from ltc.scheduler.runner import run_job
from tests.e2e.clock import travel
from tests.e2e.conftest import login
from tests.e2e.test_assessment_walk import grade_and_confirm, select_by_text, submit
from tests.e2e.test_entitlement_review_walk import _one, act, decide, expect_step, logout, open_from_inbox

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("real_pdf")]  # notices rendered by WeasyPrint

DIES, RENEWED = person_rows(40)[2], person_rows(40)[3]  # the demo applications use persons 20 and up
HOME_CARE, AGENCY = "安康居家护理服务中心", "康评失能评估中心"
# SPEC §3.2: ADL 0 (grade 4), cognition 2 (grade 2), perception 12 (grade 4) → level 4
LEVEL_4 = {"feeding": 0, "dressing": 0, "face_oral_hygiene": 0, "bowel": 0, "bladder": 0, "toileting": 0,
           "walking": 0, "transfer": 0, "stairs": 0, "bathing": 0, "time_orientation": 1, "person_orientation": 1,
           "space_orientation": 0, "memory": 0, "vision": 4, "hearing": 4, "communication": 4}


def granted(app, row: dict, *, concluded_on) -> tuple[int, int]:
    """A final level-4 conclusion of ``concluded_on`` for demo person ``row`` (home care at
    安康居家护理服务中心, assessed by 康评失能评估中心), its care plan and the home-care entitlement it
    grants from its first start date. Returns the person's and the entitlement's ids."""
    now = utcnow()
    with app.app_context():
        catalogue_services.load_catalogue(db.session, catalogue_services.read_catalogue_csv(), actor=SYSTEM,
                                          now=now)  # idempotent: the demo may have loaded it
        person = _one(InsuredPerson, id_number=row["id_number"])
        provider, insurer = _one(Organisation, name=HOME_CARE), _one(User, username="insurer")
        application = Application(
            person_id=person.id, kind="initial", status="concluded", applicant_name="李小光",
            applicant_relation="child", applicant_phone="13900001111", declared_disability_6m=True,
            submitted_at=now, submitted_on=concluded_on, accepted_on=concluded_on, concluded_on=concluded_on,
            level=4, valid_from=concluded_on, valid_to=add_months(concluded_on, 24), final_on=concluded_on,
            agency_id=_one(Organisation, name=AGENCY).id, preferred_care_type="home", preferred_provider_id=provider.id)
        db.session.add(application)
        db.session.flush()
        plan = save_plan(db.session, person_id=person.id, provider_id=provider.id, care_type="home", level=4,
                         visit_types=VISITS, actor=actor_of(_one(User, username="provider")), now=now)
        entitlement = grant_entitlement(db.session, person_id=person.id, level=4, care_type="home",
                                        provider_id=provider.id, conclusion=application,
                                        starts_on=dates.first_start("home", concluded_on), care_plan_id=plan.id,
                                        actor=actor_of(insurer), now=now)
        db.session.commit()
        found = person.id, entitlement.id
        db.session.remove()
    return found


def entitlement_page(page, base: str, entitlement_id: int) -> None:
    page.goto(f"{base}/entitlements/{entitlement_id}")
    expect(page.locator("h1")).to_contain_text("待遇资格")


def test_death_before_start_voids_the_entitlement_and_the_provider_sees_the_termination_notice(app, page,
                                                                                               live_server):
    base, today = live_server, local_today()
    person_id, entitlement_id = granted(app, DIES, concluded_on=today)
    login(page, base, "provider")
    entitlement_page(page, base, entitlement_id)
    expect(page.locator("[data-testid=period]")).to_contain_text(first_of_next_month(today).isoformat())
    expect(page.locator("[data-testid=entitlement-status]")).to_have_text("有效")
    logout(page)

    login(page, base, "mia")
    page.goto(f"{base}/people/{person_id}")
    page.fill("[name=death-death_date]", today.isoformat())
    page.click("[name=death-submit]")
    expect(page.locator("[data-testid=death-date]")).to_have_text(today.isoformat())
    logout(page)

    login(page, base, "provider")
    entitlement_page(page, base, entitlement_id)
    expect(page.locator("[data-testid=entitlement-status]")).to_have_text("已作废（死亡）")
    expect(page.locator("[data-testid=entitlement-event]")).to_contain_text("作废")
    notice = page.locator("[data-testid=entitlement-notices] a", has_text="TRM-")
    expect(notice).to_have_count(1)
    response = page.request.get(base + notice.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"


def lead_days(app, day) -> int:
    """How many days before a conclusion expires the daily job opens its reassessment (REF: 90)."""
    with app.app_context():
        lead = policy_on(db.session, day).section(AssessmentPolicy).reassessment_days_before_expiry
        db.session.remove()
    return lead


def run_daily(app, day) -> dict:
    """The scheduler process's 00:30 run of the assessment job for ``day``."""
    outcome = run_job(app, get_job("assessment_daily"), datetime.combine(day, time(0, 30), LOCAL_TZ))
    assert outcome.status == "success", outcome
    return outcome.counts


def accept_and_dispatch(page, base: str, detail_url: str, application_id: int) -> None:
    """The insurer finds the reassessment the job opened in its 待受理 queue, records the
    self-assessment (none yet), accepts it and dispatches it to the agency."""
    login(page, base, "insurer")
    page.goto(f"{base}/assessment/queues/to_accept")
    row = page.locator(f"[data-testid=queue-row][data-application='{application_id}']")
    expect(row).to_contain_text("重新评估")
    row.locator("a").first.click()
    page.wait_for_url(detail_url)
    expect(page.locator("[data-testid=kind]")).to_have_text("重新评估")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "submitted")
    for item in ("feeding", "bowel_bladder", "bathing", "dressing", "toileting", "transfer"):  # opened by the
        page.check(f"[name=sa-{item}][value=dependent]")                                    # system: none yet
    submit(page, "sa-submit")
    expect(page.locator("[data-testid=self-grade]")).to_have_text("G")
    submit(page, "accept-submit")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "accepted")
    page.check("[name=dispatch-method][value=manual]")
    select_by_text(page, "dispatch-agency_id", AGENCY)
    page.fill("[name=dispatch-reason]", "原评估机构复核")
    submit(page, "dispatch-submit")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "dispatched")
    logout(page)


def reassessment_of(app, person_id: int) -> Application:
    with app.app_context():
        found = db.session.scalars(select(Application).where(Application.person_id == person_id,
                                                             Application.kind == "reassessment")).one()
        db.session.expunge(found)
        db.session.remove()
    return found


def change_case(app, application_id: int) -> int:
    with app.app_context():
        request = _one(EntitlementRequest, application_id=application_id)
        assert request.status == "open", request.reason
        found = request.case_id
        db.session.remove()
    return found


def test_renewal_from_the_expiry_reassessment_to_a_new_entitlement_without_a_gap(app, page, live_server, monkeypatch):
    base, today = live_server, local_today()
    concluded_on = add_months(today + timedelta(days=lead_days(app, today) - 10), -24)
    person_id, old_id = granted(app, RENEWED, concluded_on=concluded_on)

    assert run_daily(app, today)["opened_expiry"] == 1  # the conclusion expires within the lead time
    reassessment = reassessment_of(app, person_id)
    detail_url = f"{base}/assessment/{reassessment.id}"
    accept_and_dispatch(page, base, detail_url, reassessment.id)
    grade_and_confirm(page, base, detail_url, LEVEL_4, "4")
    login(page, base, "insurer")
    page.goto(detail_url)
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "publicized")
    expect(page.locator("[data-testid=level]")).to_have_text("4")
    logout(page)

    publicity_end = reassessment_of(app, person_id).publicity_end
    travel(monkeypatch, publicity_end + timedelta(days=1))  # the morning after the last day of publicity
    run_daily(app, publicity_end + timedelta(days=1))
    login(page, base, "insurer")
    page.goto(detail_url)
    expect(page.locator("[data-testid=final-on]")).to_have_text((publicity_end + timedelta(days=1)).isoformat())
    logout(page)

    case_id = change_case(app, reassessment.id)
    login(page, base, "provider")
    open_from_inbox(page, base, case_id, 1)
    expect_step(page, "provider")
    expect(page.locator("[data-testid=checks] [data-passed=fail]")).to_have_count(0)
    decide(page, base, case_id, "approve")
    logout(page)
    for username in ("agency", "insurer", "mia"):
        act(page, base, username, case_id, step=username, round_=1)

    new_start = min(first_of_next_month(today), add_months(concluded_on, 24))  # SPEC §4.2: a change of level only
    login(page, base, "insurer")
    page.goto(f"{base}/entitlements/?q={RENEWED['id_number']}")
    expect(page.locator("[data-testid=entitlement-row]")).to_have_count(2)
    entitlement_page(page, base, old_id)
    old_last_day = new_start - timedelta(days=1)
    expect(page.locator("[data-testid=period]")).to_contain_text(f"至 {old_last_day.isoformat()} 止（待遇变更）")
    page.click("[data-testid=entitlement-facts] a[href*='/entitlements/']")
    page.wait_for_url(re.compile(r".*/entitlements/\d+$"))
    expect(page.locator("[data-testid=period]")).to_contain_text(f"{new_start.isoformat()} 至")
    expect(page.locator("[data-testid=entitlement-status]")).to_have_text("有效")
