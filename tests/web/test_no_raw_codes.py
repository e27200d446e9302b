"""Users see words, not codes (issue 9 points 10 and 11): every role's main pages, in Chinese and in
English, show no stored code of any user-facing enum and never the catalogue header.

The forbidden tokens are generated from every value of every table in ``ltc.web.labels.LABELS`` plus
the review reasons of the reference policy. Text inside ``translate="no"`` (user names, ID numbers)
is not checked. In English only codes that cannot be English words (``home_care``, ``hospital_2``,
``FACTS``) are forbidden, as ``active`` or ``open`` are ordinary words there.
"""
import re
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from ltc.demo.loader import load_demo
from ltc.home.nav import endpoints_of, nav_for
from ltc.web.labels import LABELS
from tests.conftest import login

DEMO_PASSWORD = "Demo-test-2026"
ROLES = ("mia", "insurer", "agency", "assessor1", "provider", "carer", "provider3")
DETAIL = re.compile(r'href="(/(?:people|assessment|reviews|entitlements|care-plans|orgs|users|policy|hospital)'
                    r'/\d+(?:/[a-z-]+)?)"')
CATALOGUE_HEADER = "Project-Id-Version"


class VisibleText(HTMLParser):
    """The text a reader sees: no script or style, nothing marked ``translate="no"``; titles included."""

    SKIP = {"script", "style"}
    VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "col", "area", "base", "embed"}

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = (self.stack[-1] if self.stack else False) or tag in self.SKIP or attrs.get("translate") == "no"
        if not hidden:
            self.parts.extend(v for k, v in attrs.items() if k in ("title", "placeholder", "aria-label") and v)
        if tag not in self.VOID:
            self.stack.append(hidden)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def _codes(session) -> set[str]:
    from ltc.policy.ref import REF_SECTIONS
    from ltc.reviews.definitions import SECTION

    codes = {str(code) for table in LABELS.values() for code in table if isinstance(code, str)}
    for case_type in REF_SECTIONS[SECTION]["case_types"]:
        codes |= {r["code"] for r in case_type["reasons"]}
    return {c for c in codes if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", c)}


def _forbidden_in(text: str, codes: set[str], english: bool) -> list[str]:
    if english:
        codes = {c for c in codes if "_" in c or c.isupper() or any(ch.isdigit() for ch in c)}
    found = [c for c in codes if re.search(rf"(?<![A-Za-z0-9_.-]){re.escape(c)}(?![A-Za-z0-9_-])", text)]
    return sorted(found + ([CATALOGUE_HEADER] if CATALOGUE_HEADER in text else []))


def _pages(client, user) -> list[str]:
    """Home, every menu entry, and the first detail page each of them links to."""
    from flask import url_for

    with client.application.test_request_context():
        pages = ["/"] + [url_for(endpoint) for endpoint in endpoints_of(nav_for(user.org_kind, user.roles))]
    details: list[str] = []
    for path in list(pages):
        for found in DETAIL.findall(client.get(path, follow_redirects=True).data.decode())[:2]:
            if found not in details and found not in pages:
                details.append(found)
    return pages + details


@pytest.fixture
def demo(session):
    load_demo(session, password=DEMO_PASSWORD, now=datetime.now(timezone.utc), persons=70)
    session.commit()


def test_no_page_of_any_role_shows_a_code_in_either_language(client, session, demo):
    from ltc.auth.models import User

    codes = _codes(session)
    problems = []
    for username in ROLES:
        user = session.scalars(select(User).where(User.username == username)).one()
        for language in ("zh_CN", "en"):
            login(client, username, DEMO_PASSWORD)
            client.post(f"/lang/{language}", data={"next": "/"})
            for path in _pages(client, user):
                response = client.get(path, follow_redirects=True)
                assert response.status_code == 200, (username, path, response.status_code)
                found = _forbidden_in(visible(response.data.decode()), codes, language == "en")
                if found:
                    problems.append((username, language, path, found))
            client.post("/logout")
    assert problems == [], "\n".join(map(str, problems))


def test_the_token_check_sees_codes_and_ignores_marked_names():
    codes = {"home_care", "active", "FACTS"}
    assert _forbidden_in(visible("<td>home_care</td>"), codes, english=False) == ["home_care"]
    assert _forbidden_in(visible("<td>active</td><td>FACTS 核查</td>"), codes, english=True) == ["FACTS"]
    assert _forbidden_in(visible('<span translate="no">active</span>'), codes, english=False) == []
    assert _forbidden_in(visible("<p>Project-Id-Version: ltc</p>"), codes, english=True) == [CATALOGUE_HEADER]


def test_an_empty_message_stays_empty_in_english(app):
    """``_('')`` in a template is the catalogue header in gettext; an open step has no decision yet."""
    from flask import render_template_string, session

    with app.test_request_context():
        session["lang"] = "en"
        assert render_template_string("[{{ _('') }}]{{ _('登录') }}") == "[]Log in"
        assert render_template_string("[{{ none|label('decision') }}]{{ 'approve'|label('decision') }}") == (
            "[]Approve")


def test_every_word_of_the_label_table_has_english():
    from pathlib import Path

    from babel.messages.pofile import read_po

    from ltc.web.audit_labels import AUDIT_FIELD_LABELS

    with open(Path(__file__).parents[2] / "ltc/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        english = {m.id: m.string for m in read_po(f) if m.id}
    words = {w for table in LABELS.values() for w in table.values()} | set(AUDIT_FIELD_LABELS.values())
    assert sorted(w for w in words if not english.get(w)) == []


def test_a_refused_transition_is_told_in_words_in_both_languages(app):
    from flask import session

    from ltc.assessment.applications.states import Status, check_transition
    from ltc.core.errors import InvalidTransition
    from ltc.web.messages import error_words

    with pytest.raises(InvalidTransition) as caught:
        check_transition(Status.ACCEPTED, Status.SUBMITTED)
    with app.test_request_context():
        assert error_words(caught.value) == "申请当前状态为“已受理”，不能变更为“已提交”"
    with app.test_request_context():
        session["lang"] = "en"
        assert error_words(caught.value) == "Application is “Accepted” and cannot become “Submitted”"
