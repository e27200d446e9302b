"""Hospital stay pages: import upload → preview → confirm (MIA roster staff), scoped list."""
import io
import os
import re

import pytest
from sqlalchemy import func, select

from ltc.core.audit import SYSTEM
from ltc.people.hospital import services as hospital
from ltc.people.hospital.models import HospitalStay
from ltc.people.hospital.services import StayInput
from tests.conftest import NOW, login
from tests.people_builders import csv_bytes, id_number, person, xlsx_bytes

HEADER = "id_number,hospital,category,admitted_on,discharged_on"


def rows(people) -> list[str]:
    return [f"{people[0].id_number},市第一人民医院,inpatient,2026-01-05,",
            f"{people[1].id_number},市中医院,ltc_special,2026-02-01,2026-02-20"]


@pytest.fixture
def people(session, world):
    made = [person(session, 1, name="张三丰", district="东城区"), person(session, 2, name="李四", district="西城区"),
            person(session, 3, name="王五", district="朝阳区")]
    session.commit()
    return made


def upload(client, data: bytes, filename: str = "stays.csv"):
    return client.post("/people/hospital-stays/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(HospitalStay))


def uploads(app) -> list[str]:
    folder = os.path.join(app.instance_path, "uploads")
    return [n for n in os.listdir(folder) if n.startswith("hospital-import-")] if os.path.isdir(folder) else []


def names(response) -> list[str]:
    return re.findall(r'<td><a href="/people/\d+">([^<]*)</a></td>', response.data.decode())


@pytest.mark.parametrize("username", ["mia_rev", "ins_op", "ins_admin", "ag_admin", "pr_op"])
def test_only_mia_operators_and_admins_may_import(client, people, username):
    login(client, username)
    assert client.get("/people/hospital-stays/import").status_code == 403
    assert upload(client, csv_bytes(*rows(people), header=HEADER)).status_code == 403
    assert client.post("/people/hospital-stays/import/confirm").status_code == 403


def test_preview_then_confirm_and_a_second_import_changes_nothing(client, session, people, app):
    login(client, "mia_op")
    preview = upload(client, csv_bytes(*rows(people), header=HEADER))
    page = preview.data.decode()
    assert preview.status_code == 200 and "确认导入" in page and page.count('data-testid="import-row"') == 2
    assert count(session) == 0 and len(uploads(app)) == 1
    done = client.post("/people/hospital-stays/import/confirm", follow_redirects=True)
    assert "导入完成：新增 2，更新 0，未变 0" in done.data.decode() and count(session) == 2
    assert uploads(app) == [] and sorted(names(done)) == ["张三丰", "李四"]
    upload(client, csv_bytes(*rows(people), header=HEADER))
    again = client.post("/people/hospital-stays/import/confirm", follow_redirects=True)
    assert "新增 0，更新 0，未变 2" in again.data.decode() and count(session) == 2


def test_a_file_with_a_bad_row_is_rejected_with_its_row_number(client, session, people, app):
    login(client, "mia_admin")
    bad = f"{people[1].id_number},市中医院,inpatient,2026-02-10,2026-02-01"
    response = upload(client, csv_bytes(*rows(people), bad, header=HEADER))
    page = response.data.decode()
    assert response.status_code == 400 and "确认导入" not in page
    assert "<td>4</td>" in page and "早于入院日期" in page and "未导入任何数据" in page
    assert count(session) == 0 and uploads(app) == []
    assert client.post("/people/hospital-stays/import/confirm").status_code == 302  # nothing pending
    assert count(session) == 0


def test_a_change_before_confirmation_rejects_the_file(client, session, people):
    login(client, "mia_op")
    assert upload(client, csv_bytes(*rows(people), header=HEADER)).status_code == 200
    # meanwhile the person of row 2 is gone from the file's point of view: the ID is re-checked
    people[0].id_number = id_number(50)
    session.commit()
    response = client.post("/people/hospital-stays/import/confirm")
    assert response.status_code == 400 and "未登记为参保人" in response.data.decode()
    assert count(session) == 0


def test_xlsx_upload(client, session, people):
    login(client, "mia_op")
    data = xlsx_bytes([["身份证号", "医院", "住院类别", "入院日期", "出院日期"],
                       [people[2].id_number, "区人民医院", "普通住院", "2026-03-01", "2026-03-04"]])
    assert upload(client, data, "住院.xlsx").status_code == 200
    client.post("/people/hospital-stays/import/confirm")
    assert [s.hospital for s in hospital.stays_of(session, people[2].id)] == ["区人民医院"]


def test_the_list_is_scoped_to_the_persons_a_user_sees(client, session, people):
    rows = [StayInput(person_id=p.id, hospital="市第一人民医院", category="inpatient", admitted_on=NOW.date(),
                      discharged_on=None) for p in people]
    hospital.upsert_stays(session, rows, actor=SYSTEM, now=NOW)
    session.commit()
    login(client, "mia_op")
    page = client.get("/people/hospital-stays/")
    assert page.status_code == 200 and sorted(names(page)) == ["张三丰", "李四", "王五"]
    assert "批量导入" in page.data.decode()
    assert names(client.get("/people/hospital-stays/?q=王五")) == ["王五"]
    assert names(client.get("/people/hospital-stays/?category=ltc_special")) == []
    client.post("/logout")
    login(client, "ins_op")  # the insurer's districts are 东城区 and 西城区
    page = client.get("/people/hospital-stays/")
    assert sorted(names(page)) == ["张三丰", "李四"] and "批量导入" not in page.data.decode()
    assert names(client.get("/people/hospital-stays/?q=王五")) == []
    client.post("/logout")
    login(client, "pr_op")  # no beneficiaries yet
    assert names(client.get("/people/hospital-stays/")) == []
    client.post("/logout")
    login(client, "pr_carer")
    assert client.get("/people/hospital-stays/").status_code == 403


def test_the_person_page_lists_the_persons_stays(client, session, people):
    hospital.upsert_stays(session, [
        StayInput(person_id=people[0].id, hospital="市第一人民医院", category="inpatient", admitted_on=NOW.date(),
                  discharged_on=None),
        StayInput(person_id=people[1].id, hospital="市中医院", category="ltc_special", admitted_on=NOW.date(),
                  discharged_on=None)], actor=SYSTEM, now=NOW)
    session.commit()
    login(client, "ins_op")
    page = client.get(f"/people/{people[0].id}").data.decode()
    assert page.count('data-testid="hospital-stay"') == 1 and "市第一人民医院" in page and "市中医院" not in page
    assert client.get(f"/people/{people[2].id}").status_code == 404  # 朝阳区: out of the insurer's scope
    client.post("/logout")
    login(client, "mia_op")
    assert "没有住院记录" in client.get(f"/people/{people[2].id}").data.decode()


def _views(session, entity: str) -> list[tuple[str, str]]:
    from ltc.auth.models import User
    from ltc.core.audit import AuditEntry

    return [tuple(row) for row in session.execute(
        select(AuditEntry.entity_id, User.username).join(User, User.id == AuditEntry.user_id)
        .where(AuditEntry.entity == entity, AuditEntry.action == "view").order_by(AuditEntry.id))]


def test_stays_shown_on_the_list_and_in_the_api_are_audited_views(client, session, people):
    """Hospital stays are medical data: each one shown leaves an audit entry (issue #9 point 9)."""
    from tests.web.test_api_core import token_for

    rows = [StayInput(person_id=p.id, hospital="市第一人民医院", category="inpatient", admitted_on=NOW.date(),
                      discharged_on=None) for p in people[:2]]
    hospital.upsert_stays(session, rows, actor=SYSTEM, now=NOW)
    session.commit()
    stays = {s.person_id: str(s.id) for s in session.scalars(select(HospitalStay))}
    login(client, "ins_op")
    assert client.get("/people/hospital-stays/?q=张三丰").status_code == 200
    assert _views(session, "hospital_stay") == [(stays[people[0].id], "ins_op")]
    token = token_for(client, "mia_op")
    api = client.get(f"/api/v1/persons/{people[1].id}/hospital-stays", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and len(api.json["items"]) == 1
    assert _views(session, "hospital_stay")[-1] == (stays[people[1].id], "mia_op")
