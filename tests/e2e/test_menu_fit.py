"""Each role's home page and menu fit a 1280 px screen in both languages (issue 9 point 12):
one row of menu entries, none wrapped, the language button on screen, the area menus opening
with the local Bootstrap script (the CSP forbids inline scripts). The home page and every page of
the menu show words, not codes (issue 9 point 10): no stored value of any user-facing enum of the
one label table and never the catalogue header (the forbidden tokens of tests/web/test_no_raw_codes.py)."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.web.test_no_raw_codes import _codes, _forbidden_in, visible

pytestmark = [pytest.mark.e2e, pytest.mark.once]
ROLES = ("mia", "insurer", "agency", "assessor1", "provider", "carer", "provider3")  # every demo role set
WIDTH = 1280
SCROLLBAR = 17  # a desktop browser's classic scrollbar takes this much of the 1280 px


def one_row(page) -> None:
    """Every entry of the menu bar sits on the bar's single row and none wraps onto a second line."""
    boxes = page.locator("nav.navbar .navbar-brand, nav.navbar .nav-link, nav.navbar button").evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).map(e => {const r = e.getBoundingClientRect();"
        " return {text: e.innerText, top: r.top, height: r.height, right: r.right}})")
    bar = page.locator("nav.navbar").bounding_box()
    assert bar["height"] <= 64, (bar, boxes)
    for box in boxes:
        assert box["height"] <= 42 and box["right"] <= WIDTH, box
    assert max(b["top"] for b in boxes) - min(b["top"] for b in boxes) <= 12, boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    menu = page.locator("[data-testid=menu]").bounding_box()
    account = page.locator("[data-testid=whoami]").bounding_box()
    assert account["x"] - (menu["x"] + menu["width"]) >= SCROLLBAR, (menu, account)  # room left for a scrollbar


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("username", ROLES)
def test_home_page_and_menu_fit_at_1280_px(page, live_server, username, lang):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    login(page, live_server, username)
    if lang == "en":
        page.click("[data-testid=lang-switch]")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("[data-testid=lang-switch]")).to_be_in_viewport()
    one_row(page)
    for toggle in page.locator("[data-testid=menu] [data-bs-toggle=dropdown]").all():
        toggle.click()
        menu = toggle.locator("xpath=following-sibling::ul")
        expect(menu.locator("a").first).to_be_visible()
        assert menu.bounding_box()["x"] + menu.bounding_box()["width"] <= WIDTH
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()
    assert not errors, errors
    assert no_codes(page, live_server, lang == "en") == []


def no_codes(page, base_url: str, english: bool) -> list[tuple[str, list[str]]]:
    """The home page and each page the menu links to, with the codes each shows (none expected)."""
    codes = _codes(None)
    links = page.locator("[data-testid=menu] a[href^='/']").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    found = []
    for path in ["/", *dict.fromkeys(links)]:
        response = page.request.get(f"{base_url}{path}")  # the browser's session and language, no rendering
        assert response.ok, (path, response.status)
        if shown := _forbidden_in(visible(response.text()), codes, english):
            found.append((path, shown))
    return found
