"""The insurers' contracts page (承办合同, SPEC §1): the MIA admin lists, adds and ends contracts;
MIA staff see all, an insurer its own; the overlap is shown in words and nothing is written."""
import re

import pytest
from sqlalchemy import func, select

from ltc.core.audit import AuditEntry
from ltc.orgs.models import InsurerContract
from tests.builders import org, user
from tests.conftest import login


def rows(response) -> list[tuple[str, str, str]]:
    """(district, insurer, state) of each row."""
    page = response.data.decode()
    found = re.findall(r'<tr data-testid="contract-row">\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>.*?'
                       r'data-testid="contract-state">([^<]*)<', page, re.S)
    return [tuple(cell.strip() for cell in row) for row in found]


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(InsurerContract))


@pytest.fixture
def second(session, world):
    insurer = org(session, "insurer", "承办保险公司乙", 661)
    user(session, insurer, "ins2_op", "operator")
    session.commit()
    return insurer


def test_the_mia_admin_finds_the_contracts_and_their_state(client, world):
    login(client, "mia_admin")
    assert 'href="/orgs/contracts/"' in client.get("/").data.decode()
    response = client.get("/orgs/contracts/")
    assert rows(response) == [("东城区", "承办保险公司", "生效中"), ("西城区", "承办保险公司", "生效中")]
    assert 'data-testid="new-contract"' in response.data.decode()


def test_an_overlapping_contract_is_refused_in_words_and_nothing_is_written(client, world, second, session):
    login(client, "mia_admin")
    before = count(session)
    response = client.post("/orgs/contracts/", data={"insurer_id": second.id, "district": "东城区",
                                                     "valid_from": "2026-07-01", "contract_no": "CB-2"})
    assert response.status_code == 409
    assert "东城区在 2025-01-01 至 长期 已由承办保险公司承办，与所填期间重叠" in response.data.decode()
    assert count(session) == before


def test_a_re_tender_ends_the_old_contract_and_adds_the_new_one_on_the_same_date(client, world, second, session):
    login(client, "mia_admin")
    old = session.scalars(select(InsurerContract).where(InsurerContract.district == "东城区")).one()
    assert "2026-" in client.get(f"/orgs/contracts/{old.id}/end").data.decode()
    assert client.post(f"/orgs/contracts/{old.id}/end", data={"valid_to": "2099-07-01"}).status_code == 302
    response = client.post("/orgs/contracts/", data={"insurer_id": second.id, "district": "东城区",
                                                     "valid_from": "2099-07-01", "contract_no": "CB-2099-01"})
    assert response.status_code == 302
    assert rows(client.get("/orgs/contracts/")) == [
        ("东城区", "承办保险公司", "生效中"), ("东城区", "承办保险公司乙", "未生效"),
        ("西城区", "承办保险公司", "生效中")]
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "insurer_contract")
                              .order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["end", "create"]


def test_an_end_before_the_start_is_shown_on_the_form(client, world, session):
    login(client, "mia_admin")
    old = session.scalars(select(InsurerContract).where(InsurerContract.district == "西城区")).one()
    response = client.post(f"/orgs/contracts/{old.id}/end", data={"valid_to": "2024-01-01"})
    assert response.status_code == 400 and "终止日期必须晚于开始日期" in response.data.decode()


def test_an_insurer_sees_its_own_contracts_read_only(client, world, second, session):
    login(client, "ins2_op")
    response = client.get("/orgs/contracts/")
    assert response.status_code == 200 and rows(response) == []
    assert 'data-testid="new-contract"' not in response.data.decode()
    assert client.post("/orgs/contracts/", data={"insurer_id": second.id, "district": "东城区",
                                                 "valid_from": "2099-01-01"}).status_code == 403
    contract = session.scalars(select(InsurerContract)).first()
    assert client.get(f"/orgs/contracts/{contract.id}/end").status_code == 403


def test_the_world_insurer_sees_its_two_contracts(client, world, second):
    login(client, "ins_op")
    assert [r[1] for r in rows(client.get("/orgs/contracts/"))] == ["承办保险公司", "承办保险公司"]


@pytest.mark.parametrize("username", ["pr_admin", "ag_admin", "pr_carer"])
def test_agencies_and_providers_get_403(client, world, username):
    login(client, username)
    assert client.get("/orgs/contracts/").status_code == 403
