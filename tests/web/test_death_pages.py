"""Death at the request edge (SPEC §2): an MIA admin undoes a death recorded in error from the
person page (others get 403); the provider opens the termination notice, others get 404."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.core.audit import SYSTEM
from ltc.entitlements import services as entitlements
from ltc.notices.models import Notice
from ltc.notices.rendering import render_pending, using
from ltc.notices.services import take_issued
from ltc.people import services as people
from tests.conftest import NOW, login
from tests.entitlement_builders import conclusion, grant
from tests.people_builders import person


@pytest.fixture
def dead(session, world):
    """A person of 东城区 with a running institution entitlement at provider2, who "died" on
    2026-03-05 (its termination notice rendered); committed for the request's session."""
    someone = person(session, 1, name="张三丰", district="东城区")
    e = grant(session, someone, world.provider2, conclusion_of=conclusion(session, someone))
    people.record_death(session, someone, death_date=date(2026, 3, 5), actor=SYSTEM, now=NOW)
    session.commit()
    render_pending(using(session), take_issued(session))
    return someone, e


def test_an_mia_admin_undoes_a_death_from_the_person_page(client, session, dead):
    someone, e = dead
    login(client, "mia_admin")
    page = client.get(f"/people/{someone.id}").data.decode()
    assert 'data-testid="undo-death"' in page and f'action="/people/{someone.id}/death/undo"' in page
    refused = client.post(f"/people/{someone.id}/death/undo", data={"undo_death-reason": ""})
    assert refused.status_code == 302
    session.expire_all()
    assert someone.death_date == date(2026, 3, 5)
    done = client.post(f"/people/{someone.id}/death/undo", data={"undo_death-reason": "医院误报死亡"})
    assert done.status_code == 302
    session.expire_all()
    assert someone.death_date is None
    assert people.status_on(session, someone.id, date(2026, 3, 20)) == "active"
    assert (e.valid_to, e.end_reason) == (date(2028, 1, 20), "expiry")
    assert entitlements.active_on(session, someone.id, date(2026, 3, 20)) == e
    assert 'data-testid="undo-death"' not in client.get(f"/people/{someone.id}").data.decode()


@pytest.mark.parametrize("username", ["mia_op", "ins_op", "ins_admin", "pr2_admin", "ag_admin"])
def test_only_an_mia_admin_may_undo_a_death(client, session, dead, username):
    someone, _ = dead
    login(client, username)
    response = client.post(f"/people/{someone.id}/death/undo", data={"undo_death-reason": "误报"})
    assert response.status_code == 403
    session.expire_all()
    assert someone.death_date == date(2026, 3, 5)


def test_the_person_page_offers_no_undo_to_an_mia_operator(client, dead):
    someone, _ = dead
    login(client, "mia_op")
    assert 'data-testid="undo-death"' not in client.get(f"/people/{someone.id}").data.decode()


def test_the_provider_opens_the_termination_notice_and_another_provider_cannot(client, session, dead):
    _, e = dead
    trm = session.scalars(select(Notice).where(Notice.kind == "termination")).one()
    assert trm.number == "TRM-2026-000001" and trm.status == "issued"
    login(client, "pr2_op")
    assert trm.number in client.get(f"/entitlements/{e.id}").data.decode()
    response = client.get(f"/notices/{trm.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    client.post("/logout")
    login(client, "pr_op")
    assert client.get(f"/notices/{trm.id}.pdf").status_code == 404
