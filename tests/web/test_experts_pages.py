"""Expert register pages: the MIA admin manages them, an agency admin sees its own experts."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ltc.assessment.experts import services as experts
from ltc.assessment.experts.models import ExpertCertificate
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.clock import local_today
from tests.builders import org, user
from tests.conftest import NOW, login


@pytest.fixture
def register(session, world):
    """One valid certificate in each of two agencies, and an expired one."""
    other = org(session, "agency", "评估机构乙", 31)
    b1 = user(session, other, "ag_b_assessor", "assessor")
    today = local_today()
    own = experts.add_certificate(session, user=world.users["ag_assessor"], certificate_no="ZJ-A1",
                                  valid_from=today - timedelta(days=30), valid_to=None, actor=SYSTEM, now=NOW)
    theirs = experts.add_certificate(session, user=b1, certificate_no="ZJ-B1", valid_from=today - timedelta(days=30),
                                     valid_to=None, actor=SYSTEM, now=NOW)
    old = experts.add_certificate(session, user=b1, certificate_no="ZJ-B0", valid_from=date(2020, 1, 1),
                                  valid_to=date(2022, 1, 1), actor=SYSTEM, now=NOW)
    session.commit()
    return {"own": own, "theirs": theirs, "old": old, "other": other, "b1": b1}


def numbers(response) -> list[str]:
    return re.findall(r"<td>(ZJ-[A-Z0-9]+)</td>", response.data.decode())


def states(response) -> list[str]:
    return re.findall(r'data-testid="expert-state"><span[^>]*>([^<]*)<', response.data.decode())


def certificates(session) -> int:
    return session.scalar(select(func.count()).select_from(ExpertCertificate))


@pytest.mark.parametrize("username", ["mia_op", "mia_rev", "ins_admin", "pr_admin", "ag_assessor", "ag_admin"])
def test_only_the_mia_admin_may_add_or_end_certificates(client, register, username):
    login(client, username)
    cert_id = register["own"].id
    assert client.get("/admin/experts/new").status_code == 403
    assert client.post("/admin/experts/new", data={"certificate_no": "X"}).status_code == 403
    assert client.get(f"/admin/experts/{cert_id}/end").status_code == 403
    assert client.post(f"/admin/experts/{cert_id}/end", data={"valid_to": "2026-01-01"}).status_code == 403


@pytest.mark.parametrize("username", ["mia_op", "mia_rev", "ins_admin", "pr_admin", "ag_assessor"])
def test_the_register_is_403_for_users_other_than_mia_and_agency_admins(client, register, username):
    login(client, username)
    assert client.get("/admin/experts/").status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client, register):
    assert client.get("/admin/experts/").status_code == 302


def test_the_mia_admin_sees_every_agency_and_can_filter(client, register):
    login(client, "mia_admin")
    page = client.get("/admin/experts/")
    assert page.status_code == 200 and sorted(numbers(page)) == ["ZJ-A1", "ZJ-B0", "ZJ-B1"]
    assert sorted(states(page)) == ["今日有效", "今日有效", "已失效"]
    assert numbers(client.get(f"/admin/experts/?org_id={register['other'].id}")) == ["ZJ-B1", "ZJ-B0"]
    assert numbers(client.get("/admin/experts/?state=expired")) == ["ZJ-B0"]
    assert "登记证书" in page.data.decode()


def test_an_agency_admin_sees_only_its_own_experts_read_only(client, register):
    login(client, "ag_admin")
    page = client.get("/admin/experts/")
    body = page.data.decode()
    assert page.status_code == 200 and numbers(page) == ["ZJ-A1"]
    assert "/admin/experts/new" not in body and "/end" not in body
    # another agency chosen in the URL changes nothing
    assert numbers(client.get(f"/admin/experts/?org_id={register['other'].id}")) == ["ZJ-A1"]


def test_adding_a_certificate_from_the_page(client, session, world, register):
    login(client, "mia_admin")
    form = client.get("/admin/experts/new").data.decode()
    assert "ag_assessor" in form and "ag_admin" not in form  # only assessors are offered
    today = local_today()
    second = user(session, world.agency, "ag_assessor2", "assessor")
    session.commit()
    response = client.post("/admin/experts/new", data={
        "user_id": second.id, "certificate_no": "ZJ-A2", "issued_by": "市医保局",
        "valid_from": today.isoformat(), "valid_to": ""}, follow_redirects=True)
    assert "已登记评估专家证书" in response.data.decode() and "ZJ-A2" in numbers(response)
    assert experts.is_expert(session, second.id, today)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "expert_certificate",
                                                     AuditEntry.after["certificate_no"].as_string() == "ZJ-A2")).one()
    assert entry.user_id == world.users["mia_admin"].id


def test_refused_additions_show_the_reason_and_write_nothing(client, session, world, register):
    login(client, "mia_admin")
    before = certificates(session)
    overlap = client.post("/admin/experts/new", data={
        "user_id": world.users["ag_assessor"].id, "certificate_no": "ZJ-A9",
        "valid_from": local_today().isoformat()})
    assert overlap.status_code == 400 and "重叠" in overlap.data.decode()
    not_offered = client.post("/admin/experts/new", data={
        "user_id": world.users["ag_admin"].id, "certificate_no": "ZJ-A9", "valid_from": "2026-01-01"})
    assert not_offered.status_code == 400
    assert certificates(session) == before


def test_ending_a_certificate_from_the_page(client, session, world, register):
    login(client, "mia_admin")
    cert = register["own"]
    today = local_today()
    assert client.get(f"/admin/experts/{cert.id}/end").status_code == 200
    response = client.post(f"/admin/experts/{cert.id}/end", data={"valid_to": today.isoformat()},
                           follow_redirects=True)
    assert "证书已结束" in response.data.decode()
    assert not experts.is_expert(session, world.users["ag_assessor"].id, today)
    too_early = client.post(f"/admin/experts/{cert.id}/end", data={"valid_to": "2000-01-01"})
    assert too_early.status_code == 400 and "晚于证书起始日期" in too_early.data.decode()
    assert client.get("/admin/experts/999999/end").status_code == 404
