"""The provider's settlement page (SPEC §7.3): totals, lines with their findings, the revision diff and
the queued regeneration of its own draft; scoped (404 outside), readable by the owning insurer and the
MIA; the API lists settlements and lines and documents them."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from ltc.billing.models import Settlement
from ltc.people.hospital.models import HospitalStay
from ltc.scheduler.models import JobRun
from tests.builders import org, user
from tests.conftest import login
from tests.settlement_builders import example_home, example_special, generate, submit
from tests.web.test_api_core import token_for

JANUARY = date(2026, 1, 1)


@pytest.fixture
def special(session, world):
    hospital, patient = example_special(session)
    user(session, hospital, "hosp_op", "operator")
    first = generate(session, hospital, JANUARY)
    session.add(HospitalStay(person_id=patient.id, hospital="市一医院", category="inpatient",
                             admitted_on=date(2026, 1, 10), discharged_on=date(2026, 1, 12)))
    session.flush()
    generate(session, hospital, JANUARY, now=datetime(2026, 2, 3, 2, 0, tzinfo=timezone.utc))
    session.commit()
    return session.get(Settlement, first.settlement_id)


def test_the_provider_sees_its_settlement_with_lines_findings_and_the_revision_diff(client, special):
    login(client, "hosp_op")
    page = client.get(f"/settlements/{special.id}").get_data(as_text=True)
    assert 'data-testid="total-billable">6380.00' in page and 'data-testid="total-fund">5742.00' in page
    assert page.count('data-testid="settlement-line"') == 1 and "住院期间服务" in page   # E08 in words
    assert page.count('data-testid="revision-row"') == 2 and "6820.00 → 6380.00" in page
    assert "首个版本" in page and 'data-testid="regenerate-form"' in page
    listed = client.get("/settlements/").get_data(as_text=True)
    assert f'data-settlement="{special.id}"' in listed and "草稿" in listed


def test_the_provider_queues_a_regeneration_of_its_draft_and_sees_its_progress(client, special, session):
    login(client, "hosp_op")
    answer = client.post(f"/settlements/{special.id}/regenerate")
    assert answer.status_code == 302
    session.refresh(special)
    run = session.get(JobRun, special.regeneration_run_id)
    assert (run.job_id, run.status) == ("settlement_regeneration", "queued")
    page = client.get(f"/settlements/{special.id}").get_data(as_text=True)
    assert 'data-testid="regeneration-run"' in page and 'http-equiv="refresh"' in page
    client.post(f"/settlements/{special.id}/regenerate")
    assert session.scalars(select(JobRun).where(JobRun.job_id == "settlement_regeneration")).all() == [run]


def test_the_queued_regeneration_runs_in_the_scheduler_as_one_unit(special, session):
    from ltc.auth.models import User
    from ltc.auth.services import actor_of
    from ltc.billing.settlement_pages import request_regeneration
    from ltc.scheduler.queue import run_queued
    from ltc.scheduler.registry import ON_DEMAND_JOBS

    operator = session.scalar(select(User).where(User.username == "hosp_op"))
    patient_id = session.scalar(select(HospitalStay.person_id))
    session.add(HospitalStay(person_id=patient_id, hospital="市二医院", category="inpatient",
                             admitted_on=date(2026, 1, 20), discharged_on=date(2026, 1, 21)))
    run = request_regeneration(session, special, user=operator, actor=actor_of(operator),
                               now=datetime(2026, 2, 4, 2, 0, tzinfo=timezone.utc))
    session.commit()
    [outcome] = run_queued(session, ON_DEMAND_JOBS)
    assert (outcome.status, outcome.run_id) == ("success", run.id)
    session.refresh(special)
    assert (special.revision, str(special.billable)) == (3, "6160.00")     # 28 days


def test_a_submitted_settlement_cannot_be_regenerated(client, special, session):
    submit(session, special.id, datetime(2026, 2, 4, 2, 0, tzinfo=timezone.utc))
    session.commit()
    login(client, "hosp_op")
    assert 'data-testid="regenerate-form"' not in client.get(f"/settlements/{special.id}").get_data(as_text=True)
    client.post(f"/settlements/{special.id}/regenerate")
    session.refresh(special)
    assert special.regeneration_run_id is None


def test_settlements_are_scoped_to_the_provider_the_owning_insurer_and_the_mia(client, special, session, world):
    other = org(session, "insurer", "另一保险公司", 95, districts=["朝阳区"])
    user(session, other, "other_ins", "operator")
    session.commit()
    for username, status in (("pr_op", 404), ("other_ins", 404), ("ins_op", 200), ("mia_op", 200)):
        login(client, username)
        assert client.get(f"/settlements/{special.id}").status_code == status, username
        listed = client.get("/settlements/").get_data(as_text=True)
        assert (f'data-settlement="{special.id}"' in listed) == (status == 200), username
        client.post("/logout")
    login(client, "ins_op")
    assert 'data-testid="regenerate-form"' not in client.get(f"/settlements/{special.id}").get_data(as_text=True)
    assert client.post(f"/settlements/{special.id}/regenerate").status_code == 403


def test_the_api_lists_settlements_and_lines_in_scope(client, special, session, world):
    example_home(session)
    session.commit()
    token = token_for(client, "hosp_op")
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/settlements", query_string={"month": "2026-01"}, headers=headers).get_json()
    assert [(s["id"], s["billable"], s["fund"], s["revision"]) for s in listed["items"]] == [
        (special.id, "6380.00", "5742.00", 2)]
    lines = client.get(f"/api/v1/settlements/{special.id}/lines", headers=headers).get_json()
    [line] = lines["lines"]
    assert (line["from"], line["to"], line["rate"], line["payable_units"], line["rejected"]) == (
        "2026-01-01", "2026-02-01", "220.00", 29, {"E08": 2})
    assert len(line["finding_ids"]) == 2
    other = {"Authorization": f"Bearer {token_for(client, 'pr_op')}"}
    assert client.get(f"/api/v1/settlements/{special.id}/lines", headers=other).status_code == 404
    assert client.get("/api/v1/settlements", headers=other).get_json()["items"] == []
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"/settlements", "/settlements/{settlement_id}", "/settlements/{settlement_id}/lines"} <= set(
        p.removeprefix("/api/v1") for p in document["paths"])


def test_late_and_refused_lines_show_their_month_and_reason_in_words(client, session, world):
    agency, someone, nurse = example_home(session)
    user(session, agency, "home_op", "operator")
    june = generate(session, agency, date(2026, 6, 1))
    submit(session, june.settlement_id, datetime(2026, 7, 3, 2, 0, tzinfo=timezone.utc))
    from tests.settlement_builders import home_visit
    home_visit(session, someone, nurse, date(2026, 6, 30), hour=14,
               created_at=datetime(2026, 7, 10, 2, 0, tzinfo=timezone.utc))
    home_visit(session, someone, nurse, date(2026, 6, 10), hour=15,
               created_at=datetime(2026, 9, 15, 2, 0, tzinfo=timezone.utc))
    september = generate(session, agency, date(2026, 9, 1))
    session.commit()
    login(client, "home_op")
    page = client.get(f"/settlements/{september.settlement_id}").get_data(as_text=True)
    assert page.count('data-kind="late"') == 2 and "所属月份 2026-06" in page
    assert "超过补记时限" in page and "补记超过时限：服务日起 3 个月内可补记，2026-06 的记录已不能结算" in page
    assert "late_limit" not in page.replace('data-kind="late"', "")
