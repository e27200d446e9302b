"""A carer logs a visit on a tablet-sized window: today's visits, check-in, the rule warning shown
before the final confirm, check-out with the plan's items preselected; the insurer then finds the
finding in the queue with a link to the visit (SPEC §5.4, §6; issue 10's Done-when). The rules are
the real ones: the carer checks in a kilometre from the beneficiary's registered address (V01)."""
from dataclasses import dataclass
from datetime import datetime, time, timezone
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ltc.auth.models import User
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today
from ltc.extensions import db
from ltc.providers.care_plans.services import VisitTypeInput
from ltc.providers.catalogue import services as catalogue_services
from ltc.providers.records import schedule
from ltc.providers.records.models import Visit
from tests.e2e.conftest import login
from tests.people_builders import person
from ltc.providers.carers.services.readers import carer_of_user
from tests.visit_builders import home_plan

pytestmark = pytest.mark.e2e
TABLET = {"width": 768, "height": 1024}
HOME = (Decimal("30.250000"), Decimal("120.160000"))
#: about 1.1 km north of ``HOME``: farther than V01's 300 m
AWAY = (Decimal("30.260000"), Decimal("120.160000"))


@dataclass
class DemoWorld:
    """What ``home_plan`` reads of the test world, from the demo's provider and its operator."""

    provider: object
    users: dict


@pytest.fixture
def todays_visit(app, live_server):
    """A located beneficiary of the demo carer's provider, visited every day at 09:00 by the demo
    carer (the demo ``carer`` login's qualified register entry)."""
    now = datetime.now(timezone.utc)
    with app.app_context():
        session = db.session
        catalogue_services.load_catalogue(session, catalogue_services.read_catalogue_csv(), actor=SYSTEM,
                                          now=now)  # idempotent: the demo may load it one day
        user = session.scalar(select(User).where(User.username == "carer"))
        operator = session.scalar(select(User).where(User.org_id == user.org_id, User.username != "carer"))
        world = DemoWorld(user.org, {"pr_op": operator})
        who = person(session, 777, name="钱每日", district="东城区", latitude=HOME[0], longitude=HOME[1])
        home_plan(session, world, who, visit_types=[
            VisitTypeInput("日常照护", 7, "week", 45, ("SH01", "SH02"), weekdays=(1, 2, 3, 4, 5, 6, 7),
                           start_time=time(9))])
        mine = carer_of_user(session, user)
        schedule.set_default_carer(session, provider_id=user.org_id, person_id=who.id, carer_id=mine.id,
                                   actor=actor_of(operator), now=now)
        schedule.schedule_month(session, provider_id=user.org_id, person_id=who.id, month=local_today(),
                                actor=actor_of(operator), now=now)
        visit_id = session.scalar(select(Visit.id).where(Visit.person_id == who.id,
                                                         Visit.service_date == local_today()))
        session.commit()
        db.session.remove()
    return visit_id


def test_a_carer_logs_todays_visit_on_a_tablet_and_sees_the_warning_before_confirming(page, live_server,
                                                                                       todays_visit):
    page.set_viewport_size(TABLET)
    login(page, live_server, "carer")
    page.goto(f"{live_server}/visits/today")
    row = page.locator("[data-testid=today-visit]", has_text="钱每日")
    row.get_by_role("link", name="签到").click()
    check_in = page.locator("[data-testid=check-in-form]")
    check_in.locator("[name=lat]").fill(str(AWAY[0]))
    check_in.locator("[name=lon]").fill(str(AWAY[1]))
    check_in.locator("[name=device_id]").fill("pad-e2e")
    check_in.locator("[name=submit]").click()
    page.wait_for_url(f"{live_server}/visits/{todays_visit}/review")
    expect(page.locator("[data-testid=finding]")).to_have_count(1)              # the rule warning, before confirming
    expect(page.locator("[data-testid=finding][data-rule=V01]")).to_contain_text("超过 300 米")
    page.locator("[data-testid=confirm-form] [name=submit]").click()
    page.wait_for_url(f"{live_server}/visits/{todays_visit}")
    expect(page.locator("[data-testid=status]")).to_contain_text("服务中")
    page.get_by_role("link", name="签退").click()
    form = page.locator("[data-testid=check-out-form]")
    expect(form.locator("[name=items] option:checked")).to_have_count(2)      # the plan's items preselected
    form.locator("[name=actual_minutes]").fill("45")
    form.locator("[name=submit]").click()
    page.wait_for_url(f"{live_server}/visits/{todays_visit}/review")
    expect(page.locator("[data-testid=finding][data-rule=V01]")).to_be_visible()   # still there at check-out
    page.locator("[data-testid=confirm-form] [name=submit]").click()
    expect(page.locator("[data-testid=status]")).to_contain_text("已完成")
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]   # fits the tablet

    page.context.clear_cookies()
    login(page, live_server, "insurer")
    page.goto(f"{live_server}/findings/?rule=V01")
    row = page.locator("[data-testid=finding-row][data-rule=V01]", has_text="钱每日")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("超过 300 米")
    row.locator("[data-testid=finding-record-link]").click()
    page.wait_for_url(f"{live_server}/visits/{todays_visit}")
    expect(page.locator("[data-testid=finding][data-rule=V01]")).to_be_visible()
