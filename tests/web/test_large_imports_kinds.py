"""Large hospital-stay and go-live files (issue 9, point 5): queued like a large roster and
imported by the scheduler process, with the same progress page, their row errors shown before
anything is written; a queued file's bytes are dropped when its import ends (hash, counts and
problems kept)."""
import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from ltc.core.audit import AuditEntry
from ltc.entitlements.models import Entitlement
from ltc.people.hospital.models import HospitalStay
from ltc.policy.ref import seed_ref
from ltc.scheduler import imports as qi
from ltc.scheduler.models import JobRun, QueuedImport
from ltc.scheduler.queue import run_queued
from ltc.scheduler.registry import ON_DEMAND_JOBS
from tests.conftest import NOW, login
from tests.people_builders import csv_bytes, person

STAYS = "id_number,hospital,category,admitted_on,discharged_on"
GO_LIVE = "id_number,level,concluded_on,valid_until,care_type,provider,valid_from"


@pytest.fixture(autouse=True)
def small_thresholds(monkeypatch):
    """A "large" file of a dozen rows, in chunks of 4 (the real ones: QUEUE_ROWS, UNIT_ROWS)."""
    monkeypatch.setattr(qi, "QUEUE_ROWS", 5)
    monkeypatch.setattr(qi, "UNIT_ROWS", 4)


@pytest.fixture
def people(session, world):
    made = [person(session, n, name=f"住院{n}") for n in range(1, 8)]
    session.commit()
    return made


def upload(client, data: bytes, url: str, filename: str = "big.csv"):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def queued_of(session, location: str) -> QueuedImport:
    session.expire_all()
    return session.get(QueuedImport, int(location.rstrip("/").rsplit("/", 1)[1]))


def stay_rows(people, n: int) -> list[str]:
    return [f"{people[i % 3].id_number},医院{i},inpatient,2026-01-{i + 1:02d}," for i in range(n)]


def test_a_large_hospital_stay_file_is_imported_by_the_scheduler_in_chunks_and_its_bytes_dropped(
        client, session, people):
    login(client, "mia_op")
    response = upload(client, csv_bytes(*stay_rows(people, 10), header=STAYS), "/people/hospital-stays/import")
    assert response.status_code == 302 and "/people/hospital-stays/imports/" in response.location
    page = client.get(response.location).data.decode()
    assert "批量导入住院记录" in page and "排队中" in page and count(session, HospitalStay) == 0

    [outcome] = run_queued(session, ON_DEMAND_JOBS)
    assert outcome.status == "success" and outcome.counts == {"create": 10, "update": 0, "unchanged": 0}
    assert session.get(JobRun, outcome.run_id).units_total == 3 and count(session, HospitalStay) == 10
    page = client.get(response.location).data.decode()
    assert "已完成" in page and "新增 10，更新 0，未变 0" in page and "已完成 3 / 3 批" in page
    queued = queued_of(session, response.location)
    assert (queued.kind, queued.data, len(queued.sha256), queued.rows) == ("hospital_stays", None, 64, 10)
    dropped = session.scalars(select(AuditEntry).where(AuditEntry.action == "drop_file")).all()
    assert [(e.entity, e.entity_id, e.detail) for e in dropped] == [("hospital_stay_import", str(queued.id),
                                                                     "imported")]


def test_a_large_hospital_stay_file_is_checked_whole_first_a_duplicate_across_chunks_refuses_it(
        client, session, people):
    rows = stay_rows(people, 10)
    rows.append(rows[0])  # line 12 repeats line 2, in another chunk
    login(client, "mia_op")
    response = upload(client, csv_bytes(*rows, header=STAYS), "/people/hospital-stays/import")
    [outcome] = run_queued(session, ON_DEMAND_JOBS)
    assert outcome.status == "success" and outcome.counts == {}
    page = client.get(response.location).data.decode()
    assert "文件有错误，未导入" in page and "文件有 1 行错误" in page and "<td>12</td>" in page
    assert "与第 2 行的参保人、医院和入院日期重复" in page and count(session, HospitalStay) == 0
    queued = queued_of(session, response.location)
    assert queued.data is None and queued.problems["error_rows"] == 1


def test_a_hospital_import_is_not_shown_on_the_roster_progress_page_nor_to_another_organisation(
        client, session, people):
    login(client, "mia_op")
    response = upload(client, csv_bytes(*stay_rows(people, 6), header=STAYS), "/people/hospital-stays/import")
    import_id = queued_of(session, response.location).id
    assert client.get(f"/people/imports/{import_id}").status_code == 404
    client.post("/logout")
    login(client, "ins_op")
    assert client.get(f"/people/hospital-stays/imports/{import_id}").status_code in (403, 404)


@pytest.fixture
def roster(session, world):
    seed_ref(session, now=NOW)
    made = [person(session, n, name=f"迁移{n}") for n in range(1, 8)]
    session.commit()
    return made


def go_live_rows(world, roster, *, bad_line: int | None = None) -> list[str]:
    rows = [f"{p.id_number},4,2025-06-10,,institution,{world.provider2.uscc},2025-06-01" for p in roster]
    if bad_line is not None:
        rows[bad_line - 2] = rows[bad_line - 2].replace(",4,", ",9,", 1)
    return rows


def test_a_large_go_live_file_is_imported_by_the_scheduler_as_one_unit_and_its_bytes_dropped(
        client, session, world, roster):
    login(client, "mia_admin")
    response = upload(client, csv_bytes(*go_live_rows(world, roster), header=GO_LIVE), "/entitlements/import")
    assert response.status_code == 302 and "/entitlements/imports/" in response.location
    assert "待遇资格上线迁移导入" in client.get(response.location).data.decode() and count(session, Entitlement) == 0

    [outcome] = run_queued(session, ON_DEMAND_JOBS)
    assert outcome.status == "success" and outcome.counts == {"create": 7, "unchanged": 0}
    assert session.get(JobRun, outcome.run_id).units_total == 1 and count(session, Entitlement) == 7
    page = client.get(response.location).data.decode()
    assert "已完成" in page and "已完成 1 / 1 批" in page and "新增 7" in page
    queued = queued_of(session, response.location)
    assert (queued.kind, queued.data, queued.options) == ("entitlements", None, {"go_live": "2026-01-01"})


def test_a_large_go_live_file_with_a_bad_row_shows_it_and_writes_nothing(client, session, world, roster):
    login(client, "mia_admin")
    data = csv_bytes(*go_live_rows(world, roster, bad_line=7), header=GO_LIVE)
    response = upload(client, data, "/entitlements/import")
    [outcome] = run_queued(session, ON_DEMAND_JOBS)
    assert outcome.status == "success" and outcome.counts == {}
    page = client.get(response.location).data.decode()
    assert "文件有 1 行错误，未导入任何数据" in page and "<td>7</td>" in page
    assert count(session, Entitlement) == 0 and queued_of(session, response.location).data is None
