"""The import pages: upload → preview with row errors → confirm; nothing written on rejection."""
import io
import os
from datetime import date

from sqlalchemy import func, select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.people import services
from ltc.people.models import InsuredPerson, PersonStatusPeriod
from tests.conftest import NOW, login
from tests.people_builders import csv_bytes, id_number, xlsx_bytes

ROWS = [f"{id_number(1)},张三,13812345678,,东城区,,,employee,active,,2026-01-01",
        f"{id_number(2)},李四,,,西城区,,,resident,,medical_assistance,2026-01-01"]


def upload(client, data: bytes, filename: str = "roster.csv"):
    return client.post("/people/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def totals(session) -> tuple[int, int]:
    return (session.scalar(select(func.count()).select_from(InsuredPerson)),
            session.scalar(select(func.count()).select_from(PersonStatusPeriod)))


def uploads(app) -> list[str]:
    folder = os.path.join(app.instance_path, "uploads")
    return [n for n in os.listdir(folder) if n.startswith("people-import-")] if os.path.isdir(folder) else []


def test_preview_then_confirm_imports_and_a_second_run_changes_nothing(client, session, world, app):
    session.commit()
    login(client, "mia_op")
    preview = upload(client, csv_bytes(*ROWS))
    page = preview.data.decode()
    assert preview.status_code == 200 and "确认导入" in page
    assert page.count('data-testid="import-row"') == 2 and totals(session) == (0, 0)  # preview writes nothing
    assert len(uploads(app)) == 1
    done = client.post("/people/import/confirm", follow_redirects=True)
    assert "导入完成：新增 2，更新 0，未变 0" in done.data.decode()
    assert totals(session) == (2, 2) and uploads(app) == []
    upload(client, csv_bytes(*ROWS))
    again = client.post("/people/import/confirm", follow_redirects=True)
    assert "新增 0，更新 0，未变 2" in again.data.decode()
    assert totals(session) == (2, 2)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).all()
    assert [e.user_id for e in entries] == [world.users["mia_op"].id] * 2


def test_a_file_with_a_bad_row_is_rejected_with_its_row_number(client, session, world, app):
    session.commit()
    login(client, "mia_op")
    bad = f"{id_number(3)[:-1]}Z,王五,,,东城区,,,,,,"
    response = upload(client, csv_bytes(*ROWS, bad))
    page = response.data.decode()
    assert response.status_code == 400
    assert "确认导入" not in page and "最后一位应为数字或 X" in page and "<td>4</td>" in page
    assert totals(session) == (0, 0) and uploads(app) == []
    # no pending file: a forged confirm imports nothing
    assert client.post("/people/import/confirm").status_code == 302
    assert totals(session) == (0, 0)


def test_a_row_error_appearing_before_confirmation_rejects_the_file(client, session, world):
    session.commit()
    login(client, "mia_op")
    assert upload(client, csv_bytes(*ROWS)).status_code == 200
    # meanwhile the person of row 3 is registered with a category from a later date
    services.create_person(session, {"id_number": id_number(2), "name": "李四", "district": "西城区"},
                           actor=SYSTEM, now=NOW, category="employee", valid_from=date(2026, 2, 1))
    session.commit()
    before = totals(session)
    response = client.post("/people/import/confirm")
    assert response.status_code == 400 and "2026-02-01 起已有登记" in response.data.decode()
    assert totals(session) == before


def test_xlsx_upload(client, session, world):
    session.commit()
    login(client, "mia_op")
    data = xlsx_bytes([["身份证号", "姓名", "区县", "参保类别"], [id_number(5), "赵六", "东城区", "职工"]])
    assert upload(client, data, "名单.xlsx").status_code == 200
    client.post("/people/import/confirm")
    assert session.scalar(select(InsuredPerson.name).where(InsuredPerson.id_number == id_number(5))) == "赵六"


def test_files_that_are_not_csv_or_xlsx_are_refused_by_content(client, session, world, app):
    session.commit()
    login(client, "mia_op")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
    response = upload(client, png, "roster.csv")  # the name says CSV, the content does not
    assert response.status_code == 400 and "UTF-8" in response.data.decode()
    response = upload(client, b"PK\x03\x04garbage", "roster.xlsx")
    assert response.status_code == 400 and "XLSX" in response.data.decode()
    assert uploads(app) == [] and totals(session) == (0, 0)


def test_an_upload_without_a_file_is_refused(client, session, world):
    session.commit()
    login(client, "mia_op")
    assert client.post("/people/import", data={}).status_code == 400
