"""The merge pages (SPEC §1: MIA admin only; SPEC §2: a person registered twice is merged into
one): the preview of what each holds, the refusal shown instead of the form, the merge with its
reason, and the duplicate's old page a 404."""
from datetime import date

import pytest

from ltc.core.audit import SYSTEM
from ltc.people import id_numbers, merging
from ltc.people.models import IdNumberCollision, InsuredPerson
from tests.assessment_builders import past_conclusion
from tests.builders import PASSWORD
from tests.conftest import NOW, login
from tests.people_builders import id_number, person

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


@pytest.fixture
def collision(session, world):
    kept = person(session, 1, name="张三")
    double = person(session, 2, name="张三乙")
    double.id_number = id_number(1).translate(FULL_WIDTH)
    session.flush()
    past_conclusion(session, double.id, date(2026, 1, 20))
    [listed] = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    session.commit()
    return listed, kept, double


def _preview(collision_id: int, survivor_id: int) -> str:
    return f"/people/id-collisions/{collision_id}/merge?survivor={survivor_id}"


@pytest.mark.parametrize("username", ["mia_op", "ins_admin", "pr_admin"])
def test_everyone_but_the_mia_admin_is_refused(client, session, collision, username):
    listed, kept, double = collision
    login(client, username)
    assert client.get(_preview(listed.id, kept.id)).status_code == 403
    r = client.post(f"/people/id-collisions/{listed.id}/merge", data={"survivor_id": kept.id, "reason": "重复"})
    assert r.status_code == 403
    session.expire_all()
    assert session.get(InsuredPerson, double.id).merged_into_id is None


def test_the_admin_previews_merges_and_the_duplicate_disappears(client, session, world, collision):
    listed, kept, double = collision
    login(client, "mia_admin")
    assert _preview(listed.id, kept.id) in client.get("/people/id-collisions").data.decode()
    html = client.get(_preview(listed.id, kept.id)).data.decode()
    assert 'data-testid="merge-form"' in html and 'data-testid="merge-refusals"' not in html
    assert "<th scope=\"row\">评估结论</th><td>0</td><td>1</td>" in html
    r = client.post(f"/people/id-collisions/{listed.id}/merge",
                    data={"survivor_id": kept.id, "reason": "同一人重复登记"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/people/{kept.id}")
    assert 'data-testid="merged-from"' in client.get(f"/people/{kept.id}").data.decode()
    assert client.get(f"/people/{double.id}").status_code == 404
    assert "张三乙" not in client.get("/people/?q=张三").data.decode()
    assert 'data-testid="no-collisions"' in client.get("/people/id-collisions").data.decode()
    session.expire_all()
    assert session.get(IdNumberCollision, listed.id).resolution == "merged"


def test_a_merge_that_would_break_a_rule_shows_why_and_no_form(client, session, collision):
    listed, kept, double = collision
    for who in (kept, double):
        app = past_conclusion(session, who.id, date(2026, 3, 1))
        app.status, app.level, app.concluded_on, app.final_on = "accepted", None, None, None
    session.commit()
    login(client, "mia_admin")
    html = client.get(_preview(listed.id, kept.id)).data.decode()
    assert 'data-testid="merge-refusals"' in html and "两人都有未办结的评估申请" in html
    assert 'data-testid="merge-form"' not in html
    r = client.post(f"/people/id-collisions/{listed.id}/merge", data={"survivor_id": kept.id, "reason": "重复"},
                    follow_redirects=True)
    assert r.status_code == 200 and "两人都有未办结的评估申请" in r.data.decode()
    session.expire_all()
    assert session.get(InsuredPerson, double.id).merged_into_id is None


def test_a_merge_without_a_reason_is_refused_on_the_form(client, session, collision):
    listed, kept, double = collision
    login(client, "mia_admin")
    r = client.post(f"/people/id-collisions/{listed.id}/merge", data={"survivor_id": kept.id, "reason": ""})
    assert r.status_code == 302 and "merge?survivor=" in r.headers["Location"]
    session.expire_all()
    assert session.get(InsuredPerson, double.id).merged_into_id is None


def test_a_survivor_outside_the_collision_goes_back_to_the_list(client, session, world, collision):
    listed, _, _ = collision
    other = person(session, 3, name="李四")
    session.commit()
    login(client, "mia_admin")
    r = client.get(_preview(listed.id, other.id), follow_redirects=True)
    assert r.status_code == 200 and "保留的参保人须是冲突双方之一" in r.data.decode()
    assert client.get(_preview(listed.id + 99, other.id)).status_code == 302


def test_the_preview_is_in_english_when_asked(client, collision):
    listed, kept, _ = collision
    client.post("/lang/en", data={"next": "/login"})
    login(client, "mia_admin")
    html = client.get(_preview(listed.id, kept.id)).data.decode()
    assert "Merge a person registered twice" in html and "Assessment conclusion" in html


def test_the_duplicates_old_urls_are_a_404_in_pages_and_the_api(client, session, collision):
    listed, kept, double = collision
    merging.merge_persons(session, listed.id, survivor_id=kept.id, reason="重复登记", actor=SYSTEM, now=NOW)
    session.commit()
    token = client.post("/api/v1/auth/token", json={"username": "mia_admin", "password": PASSWORD}).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/persons/{double.id}", headers=auth).status_code == 404
    assert client.get(f"/api/v1/persons/{kept.id}", headers=auth).status_code == 200
    listed_ids = [p["id"] for p in client.get("/api/v1/persons?q=张三", headers=auth).json["items"]]
    assert listed_ids == [kept.id]
    login(client, "mia_admin")
    for url in (f"/people/{double.id}", f"/people/{double.id}/edit"):
        assert client.get(url).status_code == 404
