"""The stay and leave import pages: upload → preview with row errors → confirm; the templates with
Chinese headers; a large file queued for the scheduler process."""
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from ltc.providers.records.models import Leave, Stay
from ltc.scheduler import imports as qi
from ltc.scheduler.models import QueuedImport
from ltc.scheduler.queue import run_queued
from ltc.scheduler.registry import ON_DEMAND_JOBS
from tests.conftest import login
from tests.stay_builders import resident

STAYS = "身份证号,服务形式,入院日期,出院日期,备注"
LEAVES = "身份证号,入院日期,离开日期,返回日期,请假事由"


@pytest.fixture
def people(session, world):
    made = [resident(session, world, n, name=f"住客{n}") for n in range(1, 8)]
    session.commit()
    return world, made


def upload(client, data: bytes, url: str, filename: str = "stays.csv"):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def csv_file(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_stays_then_leaves_are_previewed_and_imported(client, session, people):
    world, made = people
    login(client, "pr2_op")
    assert client.get("/stays/import").status_code == 200
    response = upload(client, csv_file(STAYS, f"{made[0].id_number},机构护理,2026-03-01,,"), "/stays/import")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "新增" in page and count(session, Stay) == 0
    done = client.post("/stays/import/confirm", follow_redirects=True)
    assert "导入完成：新增 1" in done.get_data(as_text=True) and count(session, Stay) == 1
    upload(client, csv_file(LEAVES, f"{made[0].id_number},2026-03-01,2026-03-03,2026-03-05,回家"),
           "/stays/import-leaves", "leaves.csv")
    client.post("/stays/import-leaves/confirm")
    assert count(session, Leave) == 1


def test_a_preview_with_errors_shows_them_and_offers_no_confirmation(client, session, people):
    world, made = people
    login(client, "pr2_op")
    response = upload(client, csv_file(STAYS, f"{made[0].id_number},机构护理,2026-03-01,,",
                                       f"{made[1].id_number},居家护理,2026-03-01,,"), "/stays/import")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "服务形式取值无效" in page and 'data-testid="import-rejected"' in page
    assert client.post("/stays/import/confirm").status_code == 302 and count(session, Stay) == 0


@pytest.mark.parametrize("what, headers", [("stays", ["身份证号", "服务形式", "入院日期", "出院日期", "备注"]),
                                           ("leaves", ["身份证号", "入院日期", "离开日期", "返回日期", "请假事由"])])
def test_the_templates_have_chinese_headers_and_are_read_back(client, session, people, what, headers):
    login(client, "pr2_op")
    text = client.get(f"/stays/import/template/{what}", query_string={"format": "csv"}).get_data(as_text=True)
    assert next(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == headers
    book = client.get(f"/stays/import/template/{what}", query_string={"format": "xlsx"})
    assert [c.value for c in load_workbook(io.BytesIO(book.data)).active[1]] == headers
    assert client.get("/stays/import/template/other").status_code == 404


@pytest.mark.parametrize("who, status", [("mia_op", 403), ("ins_op", 403), ("pr_carer", 403), ("pr2_admin", 200)])
def test_only_the_providers_operators_and_admins_import(client, people, who, status):
    login(client, who)
    assert client.get("/stays/import").status_code == status


def test_a_large_stay_file_is_imported_by_the_scheduler(client, session, people, monkeypatch):
    monkeypatch.setattr(qi, "QUEUE_ROWS", 5)
    world, made = people
    login(client, "pr2_op")
    rows = [f"{p.id_number},机构护理,2026-03-01,," for p in made]
    response = upload(client, csv_file(STAYS, *rows), "/stays/import")
    assert response.status_code == 302 and "/stays/imports/" in response.location and count(session, Stay) == 0
    [outcome] = run_queued(session, ON_DEMAND_JOBS)
    assert outcome.status == "success" and outcome.counts == {"create": 7, "update": 0, "unchanged": 0}
    assert count(session, Stay) == 7 and {s.provider_id for s in session.scalars(select(Stay))} == {world.provider2.id}
    page = client.get(response.location).get_data(as_text=True)
    assert "已完成" in page
    session.expire_all()
    assert session.scalars(select(QueuedImport)).one().kind == "stays"


def test_a_large_file_with_an_error_is_refused_whole_by_the_scheduler(client, session, people, monkeypatch):
    monkeypatch.setattr(qi, "QUEUE_ROWS", 5)
    world, made = people
    login(client, "pr2_op")
    rows = [f"{p.id_number},机构护理,2026-03-01,," for p in made] + [f"{made[0].id_number},机构护理,2026-03-02,,"]
    response = upload(client, csv_file(STAYS, *rows), "/stays/import")
    run_queued(session, ON_DEMAND_JOBS)
    page = client.get(response.location).get_data(as_text=True)
    assert "重叠" in page and count(session, Stay) == 0
    relogin_other = client.post("/logout")
    assert relogin_other.status_code in (200, 302)
    login(client, "pr_op")  # another provider's queued import is not found
    assert client.get(response.location).status_code == 404
