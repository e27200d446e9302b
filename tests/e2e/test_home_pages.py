"""Every demo user logs in through a real browser and sees their organisation's home page."""
import pytest

from ltc.auth.permissions import ROLE_LABELS
from ltc.demo.data import ORGS, USERS
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.once]
ORG_NAMES = {spec.key: spec.name for spec in ORGS}


@pytest.mark.parametrize("username,org_key,roles", [(u, o, r) for u, o, _, r in USERS])
def test_demo_user_sees_their_home_page(page, live_server, username, org_key, roles):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login(page, live_server, username)
    assert page.locator("[data-testid=org-name]").inner_text() == ORG_NAMES[org_key]
    shown_roles = page.locator("[data-testid=roles]").inner_text()
    assert all(ROLE_LABELS[role] in shown_roles and role not in shown_roles for role in roles)  # words
    assert page.locator("[data-testid=worklist], [data-testid=no-worklists]").count() >= 1
    assert not errors, errors  # no CSP violations, no missing assets
    page.click("text=退出")
    page.wait_for_url(f"{live_server}/login")
