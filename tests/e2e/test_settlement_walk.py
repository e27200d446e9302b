"""One provider-month walked in a real browser from generation to payment (SPEC §7.3, §9; issue 11's
Done-when), with the real PDF renderer for the two documents at the end.

Last month's home care of one beneficiary of the demo's 安康居家护理服务中心 is stored through the
builders: a final plan, a qualified carer and a visit every Monday and Thursday, two of them checked
in a kilometre from the beneficiary's home (V01, held for the insurer). The monthly job (day 1, 02:00)
runs as the scheduler process runs it and generates the draft. Then, in the browser: the provider
opens its settlement, writes a remark on a flagged visit and submits; the insurer refuses that visit
with a reason and pays the other, draws the sample, pays the sampled records and finishes the audit;
the MIA approves it on the approval list; the insurer records the payment (date and bank reference);
the provider downloads the settlement statement and the beneficiary's statement, whose Chinese text
is read back from the PDFs with ``pdftotext``.
"""
import subprocess
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ltc.billing.kinds import GENERATE_JOB
from ltc.billing.models import Settlement
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today
from ltc.core.months import add_months, first_of_month
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.providers.care_plans.models import CarePlan, CarePlanVisitItem, CarePlanVisitType
from ltc.providers.catalogue import services as catalogue_services
from ltc.scheduler.registry import get_job
from ltc.scheduler.runner import run_job
from tests.compliance_db_builders import carer, item_id, visit
from tests.e2e.conftest import login
from tests.entitlement_builders import conclusion, grant
from tests.people_builders import person

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("real_pdf")]  # the two PDFs rendered by WeasyPrint

PROVIDER = "安康居家护理服务中心"
NAME = "钱结算"
HOME = (Decimal("30.250000"), Decimal("120.160000"))
AWAY = (Decimal("30.260000"), Decimal("120.160000"))  # about 1.1 km north: farther than V01's 300 m
REMARK = "老人当日在女儿家接受服务，地址已报备"
REFUSAL = "未见地址变更报备记录"
BANK_REFERENCE = "ICBC-20261205-0001"


def visit_days(month: date) -> list[date]:
    """The Mondays and Thursdays of ``month``."""
    days = [month + timedelta(days=n) for n in range(31)]
    return [d for d in days if d.month == month.month and d.weekday() in (0, 3)]


def home_care_month(app, month: date) -> dict:
    """The beneficiary (entitled from two months before ``month``, with a final plan of two one-hour
    visits a week), a qualified carer of the demo provider and the month's visits, each logged when
    it ended; the first two checked in away from home. Returns the ids the walk needs."""
    with app.app_context():
        session = db.session
        catalogue_services.load_catalogue(session, catalogue_services.read_catalogue_csv(), actor=SYSTEM,
                                          now=datetime.now(timezone.utc))  # idempotent: the demo may load it
        provider = session.scalar(select(Organisation).where(Organisation.name == PROVIDER))
        start = add_months(month, -2)
        who = person(session, 881, name=NAME, latitude=HOME[0], longitude=HOME[1],
                     valid_from=add_months(month, -3))
        concluded = conclusion(session, who, concluded_on=add_months(month, -3) + timedelta(days=19), level=4)
        grant(session, who, provider, care_type="home", conclusion_of=concluded, starts_on=start)
        plan = CarePlan(person_id=who.id, provider_id=provider.id, care_type="home", level=4, version=1,
                        status="final", created_at=datetime.combine(start, datetime.min.time(), timezone.utc),
                        effective_from=start)
        session.add(plan)
        session.flush()
        visit_type = CarePlanVisitType(plan_id=plan.id, position=1, name="生活照护", frequency=2,
                                       frequency_unit="week", planned_minutes=60)
        session.add(visit_type)
        session.flush()
        session.add(CarePlanVisitItem(visit_type_id=visit_type.id, service_item_id=item_id(session)))
        nurse = carer(session, provider, 881)
        flagged = []
        for n, day in enumerate(visit_days(month)):
            made = visit(session, who, nurse, day=day.isoformat(), gps=AWAY if n < 2 else None)
            made.created_at = made.updated_at = made.check_out_at + timedelta(minutes=5)
            if n < 2:
                flagged.append(made.id)
        session.commit()
        found = {"person": who.id, "provider": provider.id, "flagged": flagged,
                 "visits": len(visit_days(month))}
        db.session.remove()
    return found


def generate(app, month: date, provider_id: int) -> int:
    """The scheduler process's day-1 02:00 run of the settlement job (due now: it settles last
    month); returns the provider's settlement of ``month``."""
    outcome = run_job(app, get_job(GENERATE_JOB), datetime.now(timezone.utc))
    assert outcome.status == "success", outcome
    with app.app_context():
        found = db.session.scalar(select(Settlement.id).where(Settlement.provider_id == provider_id,
                                                              Settlement.month == month))
        db.session.remove()
    assert found is not None
    return found


def pdf_text(content: bytes) -> str:
    """The PDF's text in reading order without white space (a long name wrapped in a narrow table
    cell stays whole, which ``-layout`` would interleave with the next columns)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()
    return "".join(text.split())


def logout(page):
    page.click("text=退出")


def flash(page, text: str) -> None:
    expect(page.locator(".alert-success").first).to_contain_text(text)


def provider_submits(page, base: str, settlement_id: int, month: date, flagged: list[int]) -> None:
    """From the settlement list to the settlement page, then the submission with a remark on the first
    flagged visit."""
    login(page, base, "provider")
    page.goto(f"{base}/settlements/?month={month:%Y-%m}")
    page.locator(f"[data-testid=settlement-row][data-settlement='{settlement_id}'] a").first.click()
    page.wait_for_url(f"{base}/settlements/{settlement_id}")
    expect(page.locator("[data-testid=settlement-title]")).to_contain_text(PROVIDER)
    line = page.locator("[data-testid=settlement-line]", has_text=NAME)
    expect(line).to_have_count(1)
    expect(page.locator("[data-testid=line-findings]", has_text="签到位置偏离")).to_have_count(1)
    page.click("[data-testid=submit-link]")
    page.wait_for_url(f"{base}/settlements/review/{settlement_id}/submit")
    expect(page.locator("[data-testid=submit-form] [data-testid=flagged-row]")).to_have_count(2)
    page.fill(f"[name=remark-visit-{flagged[0]}]", REMARK)
    page.click("[data-testid=submit-form] button[type=submit]")
    page.wait_for_url(f"{base}/settlements/review/{settlement_id}")
    flash(page, "结算已提交")
    expect(page.locator("[data-testid=settlement-status]")).to_have_attribute("data-status", "submitted")
    logout(page)


def decide_flagged(page, key: str, decision: str, reason: str | None = None, text: str | None = None) -> None:
    page.check(f"[data-testid=flagged-row][data-record='{key}'] [name=keys]")
    page.select_option("#records-decision", decision)
    if reason:
        page.select_option("#records-reason", reason)
    if text:
        page.fill("#records-text", text)
    page.click("[data-testid=records-submit]")
    flash(page, "已决定 1 条记录")


def insurer_audits(page, base: str, settlement_id: int, flagged: list[int]) -> None:
    """The insurer refuses the remarked visit (服务地点不符, with its reason), pays the other, draws the
    sample, pays every sampled record and finishes the audit."""
    login(page, base, "insurer")
    page.goto(f"{base}/settlements/review/{settlement_id}")
    first, second = (f"visit:{i}" for i in flagged)
    expect(page.locator(f"[data-testid=flagged-row][data-record='{first}']")).to_contain_text(REMARK)
    decide_flagged(page, first, "refuse", "LOCATION", REFUSAL)
    decide_flagged(page, second, "pay")
    expect(page.locator("[data-testid=flag-progress]")).to_have_text("2 / 2")
    deduction = page.locator("[data-testid=deduction]")
    expect(deduction).to_have_count(1)
    expect(deduction).to_contain_text("服务地点不符")
    expect(deduction).to_contain_text(REFUSAL)
    page.click("[data-testid=draw-sample]")
    flash(page, "已抽取")
    sampled = page.locator("[data-testid=sample-person]")
    expect(sampled.first).to_be_visible()
    for n in range(sampled.count()):
        sampled.nth(n).locator("[data-testid=pay-rest]").click()
        flash(page, "已决定")
    expect(page.locator("[data-testid=sample-row]", has_text="未审核")).to_have_count(0)
    page.fill("[data-testid=finish-form] [name=note]", "审核完毕")
    page.click("[data-testid=finish-form] button[type=submit]")
    flash(page, "审核已完成")
    logout(page)


def mia_approves(page, base: str, settlement_id: int) -> None:
    login(page, base, "mia")
    page.goto(f"{base}/settlements/review/approval")
    row = page.locator(f"[data-testid=approval-row][data-settlement='{settlement_id}']")
    expect(row).to_contain_text(PROVIDER)
    row.locator("[name=ids]").check()
    page.click("[data-testid=approve-selected]")
    flash(page, "已审批 1 份结算")
    expect(page.locator(f"[data-testid=approval-row][data-settlement='{settlement_id}']")).to_have_count(0)
    logout(page)


def insurer_pays(page, base: str, settlement_id: int, paid_on: date) -> None:
    login(page, base, "insurer")
    page.goto(f"{base}/settlements/review/payment")
    expect(page.locator(f"[data-testid=awaiting-row][data-settlement='{settlement_id}']")).to_have_count(1)
    form = page.locator("[data-testid=pay-form]")
    form.locator("[name=settlement_id]").select_option(str(settlement_id))
    form.locator("[name=paid_on]").fill(paid_on.isoformat())
    form.locator("[name=bank_reference]").fill(BANK_REFERENCE)
    form.locator("button[type=submit]").click()
    flash(page, "支付已登记")
    expect(page.locator(f"[data-testid=awaiting-row][data-settlement='{settlement_id}']")).to_have_count(0)
    logout(page)


def download(page, base: str, link) -> str:
    """The PDF behind ``link`` fetched with the browser's session; its text without white space."""
    response = page.request.get(base + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    return pdf_text(response.body())


def test_one_provider_month_from_generation_to_payment_and_its_statements(app, page, live_server):
    base = live_server
    today = local_today()
    month = add_months(first_of_month(today), -1)
    made = home_care_month(app, month)
    settlement_id = generate(app, month, made["provider"])

    provider_submits(page, base, settlement_id, month, made["flagged"])
    insurer_audits(page, base, settlement_id, made["flagged"])
    mia_approves(page, base, settlement_id)
    insurer_pays(page, base, settlement_id, today)

    login(page, base, "provider")
    page.goto(f"{base}/settlements/{settlement_id}")
    expect(page.locator("[data-testid=settlement-totals] dd").first).to_have_text("已支付")
    statement = download(page, base, page.locator("[data-testid=statement-pdf]"))
    # one one-hour visit refused (an audit deduction of its fund, 58.50): the approved fund is the
    # other hours' fund and the net 90 % of it (after the quality deposit)
    approved = Decimal("58.50") * (made["visits"] - 1)
    for expected in ("长期护理保险定点护理服务机构月度结算单", PROVIDER, NAME, "居家上门护理", "V01签到位置偏离",
                     "审核扣减（元）58.50", f"核定基金支付（元）{approved:,.2f}", "质量保证金", "实际支付",
                     f"{approved * Decimal('0.90'):,.2f}"):
        assert expected in statement, expected
    page.goto(f"{base}/billing/statements?month={month:%Y-%m}")
    row = page.locator("[data-testid=statement-row]", has_text=NAME)
    expect(row).to_have_count(1)
    mine = download(page, base, row.locator("[data-testid=statement-pdf]"))
    for expected in ("长期护理保险参保人月度结算单", NAME, f"{month.year}年{month.month}月", PROVIDER, "居家上门护理",
                     "基金支付", "个人自付"):
        assert expected in mine, expected
