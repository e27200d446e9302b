"""Finding things (issue 9 point 15): search boxes on the review inbox and list, the person page,
links between case, plan, entitlement, conclusion and notices, home-page rows as links."""
import re

from sqlalchemy import select

from ltc.entitlements.opening import request_entitlement
from ltc.people.models import InsuredPerson as Person
from ltc.reviews.models import ReviewCase
from tests.conftest import NOW, login
from tests.web.test_review_pages import cases, html, listed  # noqa: F401  (the fixture)


def test_the_inbox_and_the_case_list_find_a_case_by_name_or_id_number(client, cases, session):  # noqa: F811
    east = session.get(Person, cases.one.person_id)
    login(client, "pr_rev")
    assert listed(html(client.get("/reviews/", query_string={"q": "李海淀"})), "inbox-row") == [cases.three.id]
    assert listed(html(client.get("/reviews/", query_string={"q": east.id_number})), "inbox-row") == [cases.one.id]
    found = html(client.get("/reviews/all", query_string={"q": east.id_number[-4:]}))
    assert listed(found, "case-row") == [cases.one.id] and 'value="' + east.id_number[-4:] + '"' in found
    exported = client.get("/reviews/", query_string={"q": "李海淀", "format": "csv"}).get_data(as_text=True)
    assert str(cases.three.id) in exported and f"\n{cases.one.id}," not in exported


def test_the_case_list_finds_an_entitlement_case_by_application_number(client, cases, session, world):  # noqa: F811
    from tests.entitlement_builders import conclusion
    app = conclusion(session, session.get(Person, cases.three.person_id), level=4, agency=world.agency)
    request_entitlement(session, app, care_type="home", provider_id=world.provider.id, actor=cases.mia, now=NOW)
    session.commit()
    case = session.scalars(select(ReviewCase).where(ReviewCase.case_type == "entitlement")).one()
    login(client, "mia_rev")
    number = f"SQ-{app.submitted_on.year}-{app.id:06d}"
    page = html(client.get("/reviews/all", query_string={"q": number}))
    assert re.findall(r'data-testid="case-row" data-case="(\d+)"', page) == [str(case.id)]


def test_the_not_opened_list_finds_by_name_or_application_number(client, cases, session, world):  # noqa: F811
    from tests.entitlement_builders import conclusion
    from tests.people_builders import person
    east, west = session.get(Person, cases.one.person_id), person(session, 5, name="赵东", district="东城区")
    first = request_entitlement(session, conclusion(session, east, level=3, agency=world.agency), care_type=None,
                                provider_id=None, actor=cases.mia, now=NOW)
    second = request_entitlement(session, conclusion(session, west, level=3, agency=world.agency), care_type=None,
                                 provider_id=None, actor=cases.mia, now=NOW)
    session.commit()
    login(client, "ins_op")

    def rows(**args):
        return re.findall(r'data-request="(\d+)"', html(client.get("/reviews/entitlement/not-opened",
                                                                   query_string=args)))
    assert sorted(rows()) == sorted([str(first.id), str(second.id)])
    assert rows(q="王东城") == [str(first.id)]
    assert rows(q=f"SQ-2026-{second.application_id:06d}") == [str(second.id)]


def test_home_page_inbox_rows_link_to_their_case(client, cases):  # noqa: F811
    login(client, "pr_rev")
    page = html(client.get("/"))
    assert f'<a href="/reviews/{cases.one.id}">测试对象 9001</a>' in page
    assert f'<a href="/reviews/{cases.three.id}">' in page


def test_home_page_queue_rows_link_to_their_queue(client, cases):  # noqa: F811
    login(client, "ins_op")
    page = html(client.get("/"))
    assert '<a href="/assessment/queues/to_accept">待受理</a>' in page


def test_a_returned_case_is_marked_with_its_reason_at_the_top(client, cases, session):  # noqa: F811
    from tests.web.test_review_pages import decide
    decide(session, cases.one, cases.actor("pr_rev"))
    login(client, "pr_rev")
    assert 'data-testid="returned"' not in html(client.get(f"/reviews/{cases.one.id}"))
    decide(session, cases.one, cases.actor("ag_rev"), "return", "DOCS", "缺少签到表")
    page = html(client.get(f"/reviews/{cases.one.id}"))
    banner = page[page.index('data-testid="returned"'):page.index('data-testid="steps"')]
    assert "已退回" in banner and "材料不全" in banner and "缺少签到表" in banner and "评估复核" in banner
    assert page.index('data-testid="returned"') < page.index('data-testid="current-step"')
    inbox = html(client.get("/reviews/"))
    row = inbox[inbox.index(f'data-case="{cases.one.id}"'):]
    assert 'data-testid="returned-badge"' in row[:row.index("</tr>")]
    assert inbox.count('data-testid="returned-badge"') == 1
    decide(session, cases.one, cases.actor("pr_rev"))
    decide(session, cases.one, cases.actor("ag_rev"), "approve")
    assert 'data-testid="returned"' in html(client.get(f"/reviews/{cases.one.id}"))  # still in the returned round


def test_a_not_opened_request_leaves_the_list_once_a_review_is_opened_on_its_conclusion(
        client, cases, session, world):  # noqa: F811
    from tests.entitlement_builders import conclusion
    east = session.get(Person, cases.one.person_id)
    app = conclusion(session, east, level=4, agency=world.agency)
    kept = request_entitlement(session, app, care_type=None, provider_id=None, actor=cases.mia, now=NOW)
    session.commit()
    login(client, "ins_op")
    page = html(client.get("/reviews/entitlement/not-opened"))
    row = page[page.index(f'data-request="{kept.id}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-testid="care-type">—<' in row                         # no care type was chosen, none shown
    response = client.post("/reviews/entitlement/new", data={
        "application": app.number, "care_type": "home", "provider_id": str(world.provider.id)})
    assert response.status_code == 302
    assert f'data-request="{kept.id}"' not in html(client.get("/reviews/entitlement/not-opened"))
