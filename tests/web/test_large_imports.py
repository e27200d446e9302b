"""Large spreadsheet imports (issue 9, point 5): a file over the row limit is refused before its
cells are parsed, so the upload answers at once instead of tying up a web worker; a file too long
to check inside a request is queued and imported by the scheduler process, with a progress page
that shows its row errors before anything is written."""
import io
import os

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from ltc.auth.services import actor_of
from ltc.core import sheets
from ltc.core.audit import Actor
from ltc.core.errors import NotFound
from ltc.people import bulk
from ltc.scheduler import imports as qi
from ltc.people.imports import MAX_ROWS
from ltc.people.models import InsuredPerson
from ltc.scheduler.models import JobRun, QueuedImport
from ltc.scheduler.queue import run_queued
from ltc.scheduler.registry import ON_DEMAND_JOBS
from tests.conftest import NOW, login
from tests.people_builders import csv_bytes, roster_rows
from tests.sheet_builders import fast_xlsx

HEADER = ["身份证号", "姓名", "区县"]


@pytest.fixture(scope="session")
def xlsx_200k() -> bytes:
    """The reproduction's workbook: 200 000 tiny rows (and no ``<dimension>`` element, which
    makes openpyxl's read-only loader scan the whole sheet)."""
    return fast_xlsx(HEADER, (["1", "x", "y"] for _ in range(200_000)))


def upload(client, data: bytes, filename: str, url: str = "/people/import"):
    """The multipart body built in memory (the test client would spool a large one to a file it never closes)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture(autouse=True)
def no_leftover_uploads(app):
    """Previews keep their file in the instance's upload folder until confirmed; remove what a test left."""
    folder = os.path.join(app.instance_path, "uploads")
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    yield
    for name in (set(os.listdir(folder)) if os.path.isdir(folder) else set()) - before:
        os.remove(os.path.join(folder, name))


def test_a_200000_row_xlsx_is_refused_at_once_with_the_row_limit(client, session, world, xlsx_200k, monkeypatch):
    """Refused from the row count of the compressed sheet: no cell is parsed (the workbook is never loaded)."""
    def never(*args, **kwargs):
        raise AssertionError("the workbook was loaded: every row would be read before the limit is checked")
    monkeypatch.setattr(sheets, "load_workbook", never)
    session.commit()
    login(client, "mia_op")
    response = upload(client, xlsx_200k, "big.xlsx")
    page = response.data.decode()
    assert response.status_code == 400 and f"一次最多导入 {MAX_ROWS} 行" in page
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) == 0


@pytest.fixture
def small_thresholds(monkeypatch):
    """A "large" file of a dozen rows, in chunks of 4 (the real ones: QUEUE_ROWS, UNIT_ROWS)."""
    monkeypatch.setattr(qi, "QUEUE_ROWS", 5)
    monkeypatch.setattr(qi, "UNIT_ROWS", 4)


def persons(session) -> int:
    return session.scalar(select(func.count()).select_from(InsuredPerson))


def test_a_large_file_is_queued_and_imported_by_the_scheduler_in_chunks_with_a_progress_page(
        client, session, world, small_thresholds):
    session.commit()
    login(client, "mia_op")
    response = upload(client, csv_bytes(*roster_rows(10)), "roster.csv")
    assert response.status_code == 302 and "/people/imports/" in response.location
    page = client.get(response.location).data.decode()
    assert "排队中" in page and 'http-equiv="refresh"' in page and "10" in page
    assert persons(session) == 0  # nothing done inside the request

    [outcome] = run_queued(session, ON_DEMAND_JOBS)  # the scheduler process's poll
    assert outcome.status == "success" and outcome.counts == {"create": 10, "update": 0, "unchanged": 0}
    run = session.get(JobRun, outcome.run_id)
    assert (run.units_total, run.units_done, run.triggered_by_id) == (3, 3, world.users["mia_op"].id)
    assert persons(session) == 10
    page = client.get(response.location).data.decode()
    assert "已完成" in page and "新增 10，更新 0，未变 0" in page and "已完成 3 / 3 批" in page
    assert 'http-equiv="refresh"' not in page
    session.expire_all()
    assert session.scalar(select(QueuedImport.data).where(QueuedImport.run_id == run.id)) is None  # bytes dropped


def test_a_large_file_with_bad_rows_shows_them_on_the_progress_page_and_writes_nothing(
        client, session, world, small_thresholds):
    session.commit()
    login(client, "mia_op")
    response = upload(client, csv_bytes(*roster_rows(12, bad_lines=(4, 11))), "roster.csv")
    [outcome] = run_queued(session, ON_DEMAND_JOBS)
    assert outcome.status == "success" and outcome.counts == {}  # checked, no chunk listed
    page = client.get(response.location).data.decode()
    assert "文件有错误，未导入" in page and "文件有 2 行错误，未导入任何数据" in page
    assert "<td>4</td>" in page and "<td>11</td>" in page and "最后一位应为数字或 X" in page
    assert persons(session) == 0
    session.expire_all()
    refused = session.scalar(select(QueuedImport))
    assert refused.data is None and refused.problems["error_rows"] == 2 and len(refused.sha256) == 64


def test_a_file_under_the_threshold_is_still_previewed_in_the_request(client, session, world, small_thresholds):
    session.commit()
    login(client, "mia_op")
    response = upload(client, csv_bytes(*roster_rows(5)), "roster.csv")
    assert response.status_code == 200 and "确认导入" in response.data.decode()
    assert session.scalar(select(func.count()).select_from(QueuedImport)) == 0


def test_the_progress_page_of_another_organisations_import_is_not_found(session, world, small_thresholds):
    mia = world.users["mia_op"]
    queued = qi.queue_import(session, bulk.KIND, csv_bytes(*roster_rows(6)), "roster.csv", actor=actor_of(mia),
                             now=NOW)
    assert qi.import_progress(session, bulk.KIND, queued.id, actor=actor_of(mia)).state == "queued"
    with pytest.raises(NotFound):
        qi.import_progress(session, bulk.KIND, queued.id, actor=Actor(mia.id, mia.org_id + 1000, "someone"))
