"""The ID-number collisions page (SPEC §1: MIA admin only; SPEC §2: both records side by side,
one number corrected, audited) and ``flask people id-numbers``."""
import pytest
from sqlalchemy import select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.people import id_numbers
from ltc.people.models import IdNumberCollision, InsuredPerson
from tests.conftest import NOW, login
from tests.people_builders import id_number, person

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


@pytest.fixture
def collision(session, world):
    kept = person(session, 1, name="张三")
    double = person(session, 2, name="张三乙")
    double.id_number = id_number(1).translate(FULL_WIDTH)   # stored before normalisation
    session.flush()
    [listed] = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    session.commit()
    return listed, kept, double


@pytest.mark.parametrize("username", ["mia_op", "mia_rev", "ins_admin", "ag_admin", "pr_admin"])
def test_everyone_but_the_mia_admin_is_refused(client, collision, username):
    listed, _, double = collision
    login(client, username)
    assert client.get("/people/id-collisions").status_code == 403
    r = client.post(f"/people/id-collisions/{listed.id}/correct", data={"person_id": double.id,
                                                                         "id_number": id_number(7)})
    assert r.status_code == 403 and double.id_number != id_number(7)


def test_the_page_needs_a_login(client, collision):
    assert client.get("/people/id-collisions").status_code == 302


def test_the_admin_sees_both_records_side_by_side_and_the_view_is_audited(client, session, collision):
    listed, kept, double = collision
    login(client, "mia_admin")
    page = client.get("/people/id-collisions")
    html = page.data.decode()
    assert page.status_code == 200 and html.count('data-testid="collision-person"') == 2
    assert kept.id_number in html and double.id_number in html and "张三乙" in html
    assert "与他人号码重复" in html
    viewed = session.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "view",
                                                                AuditEntry.entity == "insured_person")).all()
    assert set(viewed) == {str(kept.id), str(double.id)}


def test_the_admin_corrects_one_number_and_the_list_empties(client, session, world, collision):
    listed, _, double = collision
    login(client, "mia_admin")
    r = client.post(f"/people/id-collisions/{listed.id}/correct",
                    data={"person_id": double.id, "id_number": id_number(7).translate(FULL_WIDTH)})
    assert r.status_code == 302
    session.expire_all()
    assert session.get(InsuredPerson, double.id).id_number == id_number(7)
    resolved = session.get(IdNumberCollision, listed.id)
    assert (resolved.resolution, resolved.resolved_by) == ("corrected", world.users["mia_admin"].id)
    assert 'data-testid="no-collisions"' in client.get("/people/id-collisions").data.decode()
    assert 'data-testid="id-collision-alert"' not in client.get(f"/people/{double.id}").data.decode()


def test_a_correction_to_the_other_persons_number_is_shown_as_an_error(client, session, collision):
    listed, _, double = collision
    login(client, "mia_admin")
    r = client.post(f"/people/id-collisions/{listed.id}/correct", data={"person_id": double.id,
                                                                         "id_number": id_number(1)},
                    follow_redirects=True)
    assert "已登记" in r.data.decode()
    session.expire_all()
    assert session.get(IdNumberCollision, listed.id).resolved_at is None


@pytest.mark.parametrize("username,shown", [("mia_admin", True), ("mia_op", False), ("ins_admin", False)])
def test_the_nav_shows_the_page_to_the_mia_admin_only(client, collision, username, shown):
    login(client, username)
    assert ("/people/id-collisions" in client.get("/people/").data.decode()) is shown


def test_the_cli_normalises_and_fails_while_collisions_remain(app, session, collision):
    listed, kept, double = collision
    runner = app.test_cli_runner()
    result = runner.invoke(args=["people", "id-numbers"])
    assert result.exit_code == 1 and "open 1" in result.output and "/people/id-collisions" in result.output
    id_numbers.correct_id_number(session, listed.id, person_id=double.id, id_number=id_number(7),
                                 actor=SYSTEM, now=NOW)
    session.commit()
    result = runner.invoke(args=["people", "id-numbers"])
    assert result.exit_code == 0 and "every stored ID number is normalised" in result.output


def test_the_page_is_in_english_when_asked(client, collision):
    client.post("/lang/en", data={"next": "/login"})
    login(client, "mia_admin")
    html = client.get("/people/id-collisions").data.decode()
    assert "ID-number collisions" in html and "Same number as another person" in html and "Correct ID number" in html


@pytest.mark.parametrize("username,shown", [("mia_admin", True), ("mia_op", False)])
def test_the_persons_page_points_the_admin_to_an_open_collision(client, collision, username, shown):
    _, kept, double = collision
    login(client, username)
    for p in (kept, double):
        assert ('data-testid="id-collision-alert"' in client.get(f"/people/{p.id}").data.decode()) is shown
