"""The supervision dashboards in a browser (issue 13 "done when"): the MIA, an insurer and a provider open
their dashboard in Chinese and English; every chart's ``<img>`` loads an SVG (naturalWidth > 0) and the
console stays clean under the strict CSP. Figures of small test sources (no theme needed), their facts
refreshed in the demo database for the test."""
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from ltc.demo.supervision import load_supervision
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.supervision import facts, figures as registry
from ltc.supervision.facts import FactSource, fact_rows
from ltc.supervision.figures import Audience, Chart, Column, Dim, Figure, FigureData, ValueKind
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e]

SOURCES = {
    "e2e_persons": FactSource("e2e_persons", lambda month: select(
        InsuredPerson.district.label("district"), func.count(InsuredPerson.id).label("value"))
        .group_by(InsuredPerson.district)),
    "e2e_providers": FactSource("e2e_providers", lambda month: select(
        Organisation.id.label("provider_id"), func.count(Organisation.id).label("value"))
        .where(Organisation.kind == "provider").group_by(Organisation.id)),
}


def _by_district(session, viewer, filters):
    found = fact_rows(session, "e2e_persons", viewer, filters, by=("district",))
    return FigureData((Column("区县", ValueKind.TEXT), Column("数量")), tuple(found), x=0, series=(1,))


def _by_month(session, viewer, filters):
    found = fact_rows(session, "e2e_providers", viewer, filters, by=("month",))
    return FigureData((Column("月份", ValueKind.MONTH), Column("数量")), tuple(found), x=0, series=(1,))


CITY = frozenset({Audience.MIA, Audience.INSURER})
FIGURES = (Figure("e2e_bar", "区县", "beneficiaries", Chart.BAR, CITY, _by_district),
           Figure("e2e_pie", "区县", "fund", Chart.PIE, CITY, _by_district, dims=frozenset({Dim.MONTH})),
           Figure("e2e_line", "月份", "provider", Chart.LINE, frozenset({Audience.MIA, Audience.PROVIDER}), _by_month),
           Figure("e2e_table", "月份", "provider", Chart.TABLE, frozenset({Audience.PROVIDER}), _by_month))


@pytest.fixture(scope="module")
def charts(app, live_server):
    saved = registry._FIGURES.copy(), facts._SOURCES.copy()
    registry._FIGURES.clear()
    facts._SOURCES.clear()
    facts._SOURCES.update(SOURCES)
    for figure in FIGURES:
        registry.register_figure(figure)
    with app.app_context():
        load_supervision(db.session, now=datetime.now(timezone.utc))
        db.session.commit()
        db.session.remove()
    yield live_server
    registry._FIGURES.clear()
    registry._FIGURES.update(saved[0])
    facts._SOURCES.clear()
    facts._SOURCES.update(saved[1])


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("username, shown", [("mia", 3), ("insurer", 2), ("provider", 1)])
def test_each_dashboard_shows_its_charts_as_svg_without_console_errors(page, charts, username, shown, lang):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login(page, charts, username)
    if lang == "en":
        page.click("[data-testid=lang-switch]")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("[data-testid=dashboard-link]")
    expect(page.locator("h1")).to_have_text("监管看板" if lang == "zh" else "Dashboard")
    images = page.locator("img[data-testid=chart]")
    expect(images).to_have_count(shown)
    for image in images.all():
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    src = images.first.get_attribute("src")
    response = page.request.get(f"{charts}{src}")
    assert response.ok and response.headers["content-type"] == "image/svg+xml"
    assert "script-src" not in response.headers["content-security-policy"]
    assert not errors, errors
