"""The draft-cost page: the MIA admin sees each policy draft, starts a costing with a CSRF-protected POST
(queued for the scheduler, the page refreshes while it waits) and reads the latest completed costing;
nobody else may open the page or post."""
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from ltc.auth.services import actor_of
from ltc.scheduler.models import JobRun
from ltc.scheduler.queue import run_queued
from ltc.scheduler.registry import ON_DEMAND_JOBS
from ltc.supervision.themes.fund.draft_cost import request_draft_cost
from ltc.supervision.themes.fund.draft_models import DraftCostRun
from tests.builders import PASSWORD
from tests.conftest import login
from tests.settlement_builders import example_special
from tests.supervision_builders import special_quota_draft


@pytest.fixture
def draft(session, world):
    version = special_quota_draft(session)
    session.commit()
    return version


def _token(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_the_mia_admin_starts_a_costing_with_the_csrf_token_and_sees_it_queued(csrf_client, session, world, draft):
    csrf_client.post("/login", data={"username": "mia_admin", "password": PASSWORD,
                                     "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                                             csrf_client.get("/login").get_data(as_text=True))
                                     .group(1)})
    url = f"/supervision/draft-costs/{draft.id}"
    assert csrf_client.post(url).status_code == 400
    assert session.scalar(select(DraftCostRun.id)) is None
    token = _token(csrf_client, "/supervision/draft-costs/")
    assert csrf_client.post(url, data={"csrf_token": token}).status_code == 302
    run = session.scalar(select(JobRun).join(DraftCostRun, DraftCostRun.run_id == JobRun.id))
    assert (run.job_id, run.status) == ("draft_policy_cost", "queued")
    page = csrf_client.get("/supervision/draft-costs/").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "排队中" in page and "尚未完成测算" in page


def test_the_page_shows_the_latest_completed_costing(client, session, world, draft):
    example_special(session)
    admin = world.users["mia_admin"]        # asked in February 2026: January is priced
    request_draft_cost(session, draft.id, user=admin, actor=actor_of(admin),
                       now=datetime(2026, 2, 3, 2, 0, tzinfo=timezone.utc))
    session.commit()
    run_queued(session, ON_DEMAND_JOBS)
    login(client, "mia_admin")
    page = client.get("/supervision/draft-costs/").get_data(as_text=True)
    assert 'data-testid="draft-cost-table"' in page and "6138.00" in page and "6696.00" in page and "558.00" in page


@pytest.mark.parametrize("username", ["mia_op", "ins_admin", "pr_admin", "ag_admin"])
def test_nobody_but_the_mia_admin_opens_the_page_or_starts_a_costing(client, session, world, draft, username):
    login(client, username)
    assert client.get("/supervision/draft-costs/").status_code == 403
    assert client.post(f"/supervision/draft-costs/{draft.id}").status_code == 403
    assert session.scalar(select(DraftCostRun.id)) is None
