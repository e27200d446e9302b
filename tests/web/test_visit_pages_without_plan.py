"""The web check-in of a visit outside any care plan (SPEC §6, issue 10): a provider operator picks a
person the provider serves without a plan in force; the visit is stored and the findings (V09 on
its items once checked out) are shown before the final confirm."""
from datetime import timedelta

from sqlalchemy import select

from ltc.core.clock import local_today
from ltc.providers.catalogue.services import items_by_code, minutes_for
from ltc.providers.records.models import Visit
from tests.conftest import login
from tests.entitlement_builders import grant
from tests.people_builders import person
from tests.visit_builders import GRANTED_FROM, home_care


def html(response) -> str:
    return response.get_data(as_text=True)


def test_an_operator_checks_in_a_person_without_a_plan_and_sees_v09_before_the_final_confirm(client, session, world):
    hc = home_care(session, world)
    who = person(session, 7, name="钱无计划", district="东城区")
    grant(session, who, world.provider, care_type="home", starts_on=GRANTED_FROM)
    session.commit()
    login(client, "pr_op")
    assert who.name in html(client.get("/visits/check-in"))
    day = local_today()
    response = client.post("/visits/check-in", data={"person_id": who.id, "carer_id": hc.carer.id,
                                                     "at": f"{day}T09:00", "submit": "1"})
    assert response.status_code == 302, html(response)
    visit = session.scalars(select(Visit).where(Visit.person_id == who.id)).one()
    assert (visit.care_type, visit.plan_id, visit.status) == ("home", None, "in_progress")
    sh01 = items_by_code(session, ("SH01",))["SH01"].id
    done = client.post(f"/visits/{visit.id}/check-out", data={"at": f"{day}T09:40", "items": [str(sh01)],
                                                              "submit": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/visits/{visit.id}/review")
    session.refresh(visit)
    assert visit.planned_minutes == minutes_for(session, [sh01], visit.service_date)[sh01]
    page = html(client.get(f"/visits/{visit.id}/review"))
    assert 'data-rule="V09"' in page and "confirm-form" in page
    assert visit.check_out_at - visit.check_in_at == timedelta(minutes=40)
