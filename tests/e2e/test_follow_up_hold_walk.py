"""A "not confirmed" follow-up walked in a real browser (issue 12's Done-when, SPEC §7.2, §8): the
insurer's operator opens the beneficiary's follow-up on the worklist and records that the services
were not confirmed; the monthly job settles the month; the provider sees the beneficiary's units held
in its settlement ("回访未确认服务"), for the insurer's review.

The beneficiary, plan, carer and last month's visits come from the settlement walk's builder; the
follow-up is listed on the 1st of last month as the monthly sample would list it."""
from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from ltc.core.audit import SYSTEM
from ltc.core.clock import LOCAL_TZ, local_today
from ltc.core.months import add_months, first_of_month, last_of_month
from ltc.extensions import db
from ltc.people.models import InsuredPerson
from ltc.ratings.followups.feeding import list_follow_up
from ltc.ratings.followups.kinds import Origin
from tests.e2e.conftest import login
from tests.e2e.test_settlement_walk import NAME, flash, generate, home_care_month, logout

pytestmark = pytest.mark.e2e


def listed(app, person_id: int, month: date) -> int:
    with app.app_context():
        found = list_follow_up(db.session, db.session.get(InsuredPerson, person_id), origin=Origin.MONTHLY_SAMPLE,
                               source_key=f"sample:{month:%Y-%m}", due_on=last_of_month(month), actor=SYSTEM,
                               now=datetime.combine(month, time(3), LOCAL_TZ))
        db.session.commit()
        follow_up_id = found.id
        db.session.remove()
    return follow_up_id


def insurer_records_not_confirmed(page, base: str, follow_up_id: int, visited_on: date) -> None:
    login(page, base, "insurer")
    page.goto(f"{base}/ratings/follow-ups/?status=open")
    page.locator(f"[data-testid=follow-up-row][data-id='{follow_up_id}'] a").click()
    page.wait_for_url(f"{base}/ratings/follow-ups/{follow_up_id}")
    form = page.locator("[data-testid=record-form]")
    form.locator("[name=record-visited_on]").fill(visited_on.isoformat())
    form.locator("[name=record-channel]").select_option("home")
    for name, score in (("attitude", "3"), ("punctuality", "2"), ("skill", "3"), ("overall", "2")):
        form.locator(f"[name=record-{name}]").fill(score)
    form.locator("[name=record-confirmed]").select_option("no")
    form.locator("[name=record-findings]").fill("老人称上月护理员只来过两次")
    form.locator("input[type=submit]").click()
    flash(page, "回访结果已登记")
    expect(page.locator("[data-testid=confirmed]")).to_contain_text("不属实")
    logout(page)


def test_a_not_confirmed_follow_up_holds_the_lines_the_provider_sees(app, page, live_server):
    base = live_server
    month = add_months(first_of_month(local_today()), -1)
    made = home_care_month(app, month)
    follow_up_id = listed(app, made["person"], month)
    insurer_records_not_confirmed(page, base, follow_up_id, month + timedelta(days=19))
    settlement_id = generate(app, month, made["provider"])

    login(page, base, "provider")
    page.goto(f"{base}/settlements/{settlement_id}")
    line = page.locator("[data-testid=settlement-line]", has_text=NAME)
    expect(line).to_have_count(1)
    expect(line.locator("[data-testid=held-rule]", has_text="回访未确认服务")).to_have_count(1)
    held = int(line.locator("[data-testid=held-units]").inner_text().split()[0])
    assert held == made["visits"] * 60
