"""Consistency and small things (issue 9 point 17), each where the user meets it."""
import re

from tests.conftest import login


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_mia_menu_names_its_two_token_pages_apart(client, world):
    login(client, "mia_admin")
    page = html(client.get("/"))
    labels = re.findall(r'<a[^>]*href="/(?:account|admin)/tokens"[^>]*>([^<]+)</a>', page)
    assert "API 令牌（全部用户）" in page and "我的 API 令牌" in page
    assert len(labels) == len(set(labels)) >= 2, labels


def test_the_providers_home_count_holds_only_applications_in_progress(client, session, world):
    from ltc.assessment.applications.services import acceptance
    from ltc.auth.services import actor_of
    from ltc.core.clock import utcnow
    from tests import assessment_builders as ab
    from tests import assessment_web_builders as wb
    c = ab.cast(session, world)
    open_one = wb.submitted(session, c, by="pr_op")
    refused = wb.submitted(session, c, by="pr_op", name="赵六")
    acceptance.refuse(session, refused.id, code="other", text="材料不实", actor=actor_of(world.users["ins_op"]),
                      now=utcnow())
    session.commit()
    login(client, "pr_op")
    page = html(client.get("/"))
    row = re.search(r'<a href="/assessment/queues/filed">[^<]+</a></td><td>(\d+)</td>', page)
    assert row is not None and row.group(1) == "1", page[page.index("评估申请待办"):][:1500]
    assert open_one.id != refused.id
    assert len(re.findall(r'data-testid="queue-row"', html(client.get("/assessment/queues/filed")))) == 2


def test_the_publicity_list_is_public_and_masked(client, session, world):
    from tests import assessment_builders as ab
    from tests import assessment_web_builders as wb
    c = ab.cast(session, world)
    app = wb.publicized_today(session, c, name="李四光")
    session.commit()
    assert 'data-testid="public-publicity"' in html(client.get("/login"))
    response = client.get("/assessment/publicity")                          # nobody logged in
    page = html(response)
    assert response.status_code == 200 and page.count('data-testid="publicity-row"') == 1
    assert "李*光" in page and "李四光" not in page
    from ltc.people.models import InsuredPerson
    person = session.get(InsuredPerson, app.person_id)
    assert person.id_number not in page and person.id_number[-4:] in page
    assert f"{app.publicity_start} 至 {app.publicity_end} 止" in page
    assert client.get(f"/assessment/{app.id}").status_code in (302, 401)    # the rest still needs a login
