"""Browser tests: Playwright drives Debian's Chromium against a live server in a thread.

The live server cannot see a rolled-back transaction, so these tests use a committed
database (the demo data) that the fixture truncates afterwards.
"""
import os
import threading
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from ltc.demo.loader import load_demo
from ltc.extensions import db
from tests.conftest import NOW
from tests.seed import seed_reference_data

CHROMIUM = os.environ.get("LTC_CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "Demo-e2e-2026"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]}


# Upper bounds, not targets: CI runs both databases' suites at once, each with its Chromium, and
# a page that renders a PDF notice may take longer than Playwright's 5 s / 30 s defaults there.
EXPECT_TIMEOUT_MS = 20_000
ACTION_TIMEOUT_MS = 60_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture
def page(page):
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    page.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    return page


def buffered(app):
    """The app with each response body read (and its iterator closed) before the server writes it.

    Werkzeug's development server skips closing the response iterator when the browser drops
    the connection while a static file is being sent (its cleanup reads the reset socket first),
    so the open file is left to the garbage collector, and the suite's ``filterwarnings = error``
    turns that ResourceWarning into a failure of whichever test is running. Production runs
    gunicorn, which closes it.
    """
    def wsgi(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
    return wsgi


def truncate_all() -> None:
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(scope="module")
def live_server(app):
    with app.app_context():
        truncate_all()
        load_demo(db.session, password=DEMO_PASSWORD, now=datetime.now(timezone.utc), persons=40)
        db.session.commit()
        db.session.remove()
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        truncate_all()
        seed_reference_data(db.session, now=NOW)  # what the other tests expect committed
        db.session.commit()
        db.session.remove()


def login(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main input[type=submit]")
    page.wait_for_url(f"{base_url}/")
