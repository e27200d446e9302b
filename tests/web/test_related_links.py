"""Links between conclusion, review case, care plan, entitlement and notices in both directions
(issue 9 point 15), each shown only to those who may open it."""
import re

from ltc.entitlements.models import Entitlement
from ltc.notices.rendering import render_pending, using
from ltc.notices.services import take_issued
from ltc.reviews.models import ReviewCase
from tests.conftest import login
from tests.review_builders import approve_through, opened, plan_for, review_cast


def html(response) -> str:
    return response.get_data(as_text=True)


def related(page: str) -> set[str]:
    card = page[page.index('data-testid="related"'):] if 'data-testid="related"' in page else ""
    return set(re.findall(r'data-testid="related-link"><span class="text-muted">[^<]*</span> <a href="([^"]+)"',
                          card))


def test_case_plan_conclusion_and_entitlement_link_to_each_other(client, session, world):
    r = review_cast(session, world)
    request, case = opened(session, r)
    plan = plan_for(session, request)
    session.commit()
    app, case_url, plan_url = request.application_id, f"/reviews/{case.id}", f"/care-plans/{plan.id}"
    login(client, "mia_rev")
    assert {f"/assessment/{app}", plan_url} <= related(html(client.get(case_url)))   # while under review
    assert {f"/assessment/{app}", case_url} <= related(html(client.get(plan_url)))
    assert {case_url, plan_url} <= related(html(client.get(f"/assessment/{app}")))
    approve_through(session, r, session.get(ReviewCase, case.id), "provider", "agency", "insurer", "mia")
    session.commit()
    render_pending(using(session), take_issued(session))
    entitlement = session.get(Entitlement, session.get(type(request), request.id).entitlement_id)
    ent_url = f"/entitlements/{entitlement.id}"
    on_case = related(html(client.get(case_url)))
    assert {f"/assessment/{app}", plan_url, ent_url} <= on_case
    assert any(u.startswith("/notices/") for u in on_case)             # the entitlement notice
    assert {f"/assessment/{app}", case_url, plan_url} <= related(html(client.get(ent_url)))
    assert ent_url in related(html(client.get(plan_url)))
    assert ent_url in related(html(client.get(f"/assessment/{app}")))


def test_links_leave_out_what_the_user_may_not_open(client, session, world):
    r = review_cast(session, world)
    request, case = opened(session, r)
    plan_for(session, request)
    session.commit()
    login(client, "pr_rev")   # the provider did not file the application: no link to it
    links = related(html(client.get(f"/reviews/{case.id}")))
    assert f"/assessment/{request.application_id}" not in links
    assert client.get(f"/assessment/{request.application_id}").status_code == 404
    assert any(u.startswith("/care-plans/") for u in links)


def sections(page: str) -> dict[str, list[str]]:
    """Section key → the links of its rows."""
    found = {}
    for key, body in re.findall(r'data-testid="person-section" data-section="(\w+)"(.*?)</table>|$', page, re.S):
        if key:
            found[key] = re.findall(r'<td><a href="([^"]+)"', body)
    return found


def test_the_person_page_lists_applications_conclusions_notices_entitlements_and_plans(client, session, world):
    r = review_cast(session, world)
    request, case = opened(session, r)
    plan = plan_for(session, request)
    approve_through(session, r, case, "provider", "agency", "insurer", "mia")
    session.commit()
    render_pending(using(session), take_issued(session))
    entitlement_id = session.get(type(request), request.id).entitlement_id
    login(client, "mia_rev")
    page = html(client.get(f"/people/{request.person_id}"))
    found = sections(page)
    assert found["applications"] == [f"/assessment/{request.application_id}"]
    assert found["conclusions"] == [f"/assessment/{request.application_id}"]
    assert found["entitlements"] == [f"/entitlements/{entitlement_id}"]
    assert found["care_plans"] == [f"/care-plans/{plan.id}"]
    assert len(found["notices"]) == 1 and found["notices"][0].startswith("/notices/")
    assert "待遇核定通知书" in page and "第 1 版" in page
    assert 'data-testid="file-for-person"' not in page          # the MIA reviewer files nothing


def test_file_for_a_person_from_the_person_page(client, session, world):
    from tests.people_builders import person
    someone = person(session, 7, name="钱七", district="东城区")
    session.commit()
    login(client, "ins_op")
    page = html(client.get(f"/people/{someone.id}"))
    assert f'href="/assessment/new?person_id={someone.id}" data-testid="file-for-person">为其提交申请<' in page
    form = html(client.get(f"/assessment/new?person_id={someone.id}"))
    assert f'value="{someone.id_number}"' in form and 'value="钱七"' in form
    client.post("/logout")
    login(client, "pr2_op")
    assert client.get(f"/assessment/new?person_id={someone.id}").status_code == 404   # not in its scope
