"""Carer import from CSV / XLSX (SPEC §1, like §2's person import): a preview with per-row errors and
row numbers, nothing written when the file is rejected, an idempotent upsert by ID number within the
provider's register, and queued for the scheduler process when large."""
from datetime import date

from sqlalchemy import func, select

from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import ValidationFailed
from ltc.providers.carers import bulk, imports
from ltc.providers.carers.models import Carer
from ltc.scheduler import imports as queued_imports
from ltc.scheduler.queue import run_queued
from ltc.scheduler.registry import ON_DEMAND_JOBS
from tests.carer_builders import carer
from tests.conftest import NOW, TODAY
from tests.people_builders import csv_bytes, id_number, xlsx_bytes

HEADER = "身份证号,姓名,人员类别,电话,入职日期"
A, B = id_number(41, birth=date(1975, 6, 1)), id_number(42, birth=date(1982, 9, 9), female=True)


def count(session, provider) -> int:
    return session.scalar(select(func.count()).select_from(Carer).where(Carer.provider_id == provider.id))


def test_a_clean_file_is_previewed_then_applied_and_applying_it_again_changes_nothing(session, world):
    data = csv_bytes(f"{A},张一,护理员,13900000001,2025-01-01", f"{B.lower()},李二,nurse,,2025/03/01", header=HEADER)
    result = imports.preview(session, data, "carers.csv", today=TODAY, provider_id=world.provider.id)
    assert result.ok and [r.action for r in result.rows] == ["create", "create"] and count(session, world.provider) == 0
    assert imports.apply(session, result, actor=SYSTEM, now=NOW) == {"create": 2, "update": 0, "unchanged": 0}
    stored = {c.id_number: c for c in session.scalars(select(Carer).where(Carer.provider_id == world.provider.id))}
    assert (stored[B].staff_type, stored[B].sex, stored[B].employed_from) == ("nurse", "F", date(2025, 3, 1))
    again = imports.preview(session, data, "carers.csv", today=TODAY, provider_id=world.provider.id)
    assert [r.action for r in again.rows] == ["unchanged", "unchanged"]
    changed = csv_bytes(f"{A},张一,护士,13900000001,2025-01-01", header=HEADER)
    upsert = imports.preview(session, changed, "c.csv", today=TODAY, provider_id=world.provider.id)
    assert imports.apply(session, upsert, actor=SYSTEM, now=NOW) == {"create": 0, "update": 1, "unchanged": 0}
    assert stored[A].staff_type == "nurse" and count(session, world.provider) == 2
    assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "carer_import")).all()


def test_errors_are_listed_per_row_with_row_numbers_and_nothing_is_written(session, world):
    data = csv_bytes(f"{A},张一,护理员,,2025-01-01",              # line 2: fine
                     f"{A[:-1]}Z,王三,护理员,,2025-01-01",          # line 3: bad ID
                     f"{B},,厨师,,2025-13-01",                     # line 4: no name, bad staff type, bad date
                     f"{A},张一重复,护理员,,2025-01-01", header=HEADER)  # line 5: repeats line 2
    result = imports.preview(session, data, "bad.csv", today=TODAY, provider_id=world.provider.id)
    errors = {r.line: r.errors for r in result.error_rows}
    assert sorted(errors) == [3, 4, 5] and not result.ok
    assert any("身份证号" in e for e in errors[3])
    assert any("姓名" in e for e in errors[4]) and any("人员类别" in e for e in errors[4])
    assert any("入职日期" in e for e in errors[4]) and any("第 2 行" in e for e in errors[5])
    try:
        imports.apply(session, result, actor=SYSTEM, now=NOW)
    except ValidationFailed:
        pass
    else:
        raise AssertionError("a file with errors was applied")
    assert count(session, world.provider) == 0


def test_an_xlsx_with_a_numeric_id_cell_or_a_bad_header_is_refused(session, world):
    data = xlsx_bytes([HEADER.split(","), [float(A[:-1] + "1"), "张一", "护理员", None, date(2025, 1, 1)]])
    result = imports.preview(session, data, "c.xlsx", today=TODAY, provider_id=world.provider.id)
    assert any("文本格式" in e for e in result.rows[0].errors)
    header = imports.preview(session, csv_bytes(f"{A},张一", header="身份证号,姓名"), "c.csv", today=TODAY,
                             provider_id=world.provider.id)
    assert not header.ok and any("缺少必需列" in e for e in header.header_errors)


def test_the_upsert_is_by_id_number_within_the_providers_own_register(session, world):
    mine = carer(session, world.provider2, 41)  # the same person in another provider's register
    data = csv_bytes(f"{mine.id_number},王护理,护理员,13900001111,2025-01-01", header=HEADER)
    result = imports.preview(session, data, "c.csv", today=TODAY, provider_id=world.provider.id)
    assert [r.action for r in result.rows] == ["create"]
    imports.apply(session, result, actor=SYSTEM, now=NOW)
    assert count(session, world.provider) == 1 and count(session, world.provider2) == 1


def test_a_large_carer_file_is_imported_by_the_scheduler_into_the_requesting_providers_register(
        session, world, monkeypatch):
    monkeypatch.setattr(queued_imports, "QUEUE_ROWS", 1)
    rows = [f"{id_number(n, birth=date(1980, 1, 1))},护理{n},护理员,,2025-01-01" for n in range(60, 63)]
    data = csv_bytes(*rows, header=HEADER)
    assert queued_imports.is_large(bulk.KIND, data)
    queued_imports.queue_import(session, bulk.KIND, data, "big.csv", actor=actor_of(world.users["pr_op"]), now=NOW)
    [outcome] = run_queued(session, ON_DEMAND_JOBS)
    assert outcome.status == "success" and outcome.counts == {"create": 3, "update": 0, "unchanged": 0}
    assert count(session, world.provider) == 3 and count(session, world.provider2) == 0
