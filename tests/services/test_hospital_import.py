"""Hospital stay import (SPEC §2): preview with row numbers, all or nothing, idempotent."""
from datetime import date

import pytest
from sqlalchemy import func, select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import ValidationFailed
from ltc.people.hospital import imports as hospital_import
from ltc.people.hospital.models import HospitalStay
from tests.conftest import NOW, TODAY
from tests.people_builders import csv_bytes, id_number, person, xlsx_bytes

HEADER = "id_number,hospital,category,admitted_on,discharged_on"


@pytest.fixture
def people(session):
    return [person(session, n, name=f"住院{n}") for n in (1, 2)]


def rows() -> list[str]:
    return [f"{id_number(1)},市第一人民医院,inpatient,2026-01-05,",
            f"{id_number(2)},市中医院,ltc_special,2026-02-01,2026-02-20"]


def preview(session, data: bytes):
    return hospital_import.preview(session, data, "stays.csv", today=TODAY)


def run(session, data: bytes) -> dict:
    return hospital_import.apply(session, preview(session, data), actor=SYSTEM, now=NOW)


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(HospitalStay))


def test_preview_writes_nothing_then_apply_and_reimport_changes_nothing(session, people):
    result = preview(session, csv_bytes(*rows(), header=HEADER))
    assert result.ok and [r.action for r in result.rows] == ["create", "create"] and count(session) == 0
    assert hospital_import.apply(session, result, actor=SYSTEM, now=NOW)["create"] == 2
    assert count(session) == 2
    again = preview(session, csv_bytes(*rows(), header=HEADER))
    assert again.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    assert run(session, csv_bytes(*rows(), header=HEADER))["unchanged"] == 2 and count(session) == 2
    imports = session.scalars(select(AuditEntry).where(AuditEntry.entity == "hospital_stay_import")).all()
    assert len(imports) == 2 and imports[0].after["counts"]["create"] == 2


def test_a_later_file_with_the_discharge_date_updates_the_open_stay(session, people):
    run(session, csv_bytes(*rows(), header=HEADER))
    discharged = [f"{id_number(1)},市第一人民医院,inpatient,2026-01-05,2026-03-01", rows()[1]]
    result = preview(session, csv_bytes(*discharged, header=HEADER))
    assert [r.action for r in result.rows] == ["update", "unchanged"]
    hospital_import.apply(session, result, actor=SYSTEM, now=NOW)
    stay = session.scalars(select(HospitalStay).where(HospitalStay.person_id == people[0].id)).one()
    assert stay.discharged_on == date(2026, 3, 1) and count(session) == 2


def test_row_errors_carry_spreadsheet_row_numbers_and_reject_the_file(session, people):
    bad = [
        f"{id_number(1)},市第一人民医院,inpatient,2026-01-05,",            # row 2: fine
        f"{id_number(9)},市第一人民医院,inpatient,2026-01-05,",            # row 3: unknown person
        f"{id_number(2)},市中医院,day_care,2026-01-05,",                  # row 4: bad category
        f"{id_number(2)},市中医院,inpatient,2026-13-01,",                 # row 5: bad date
        f"{id_number(2)},市中医院,inpatient,2026-03-17,",                 # row 6: future date
        f"{id_number(2)},市中医院,inpatient,2026-02-10,2026-02-09",       # row 7: discharge before admission
        f"{id_number(1)},市第一人民医院,inpatient,2026-01-05,2026-01-09",  # row 8: duplicate of row 2
    ]
    result = preview(session, csv_bytes(*bad, header=HEADER))
    errors = {r.line: " ".join(r.errors) for r in result.error_rows}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8] and not result.ok
    assert "未登记为参保人" in errors[3] and "住院类别取值无效" in errors[4]
    assert "日期格式应为" in errors[5] and "晚于今天" in errors[6]
    assert "早于入院日期" in errors[7] and "与第 2 行" in errors[8]
    assert result.counts["error"] == 6
    with pytest.raises(ValidationFailed):
        hospital_import.apply(session, result, actor=SYSTEM, now=NOW)
    assert count(session) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity.like("hospital_stay%"))) == 0


@pytest.mark.parametrize("header, message", [
    ("id_number,hospital,category", "缺少必需列：admitted_on"),
    (HEADER + ",ward", "未知列：ward"),
    ("id_number,hospital,hospital,category,admitted_on", "重复列：hospital"),
])
def test_header_problems_reject_the_file(session, people, header, message):
    result = preview(session, csv_bytes("x", header=header))
    assert message in result.header_errors and not result.ok


def test_unreadable_and_empty_files(session):
    assert "UTF-8" in preview(session, "身份证号".encode("gbk")).header_errors[0]
    assert preview(session, b"").header_errors == ["文件为空"]
    assert preview(session, csv_bytes(header=HEADER)).header_errors == ["文件没有数据行"]


def test_xlsx_with_chinese_headers_and_date_cells(session, people):
    data = xlsx_bytes([["身份证号", "医院", "住院类别", "入院日期", "出院日期"],
                       [id_number(1), "市第一人民医院", "普通住院", date(2026, 1, 5), None],
                       [id_number(2), "市中医院", "专护", date(2026, 2, 1), date(2026, 2, 20)],
                       [110101195001010000, "市中医院", "专护", date(2026, 2, 1), None]])
    result = preview(session, data)
    assert [r.line for r in result.error_rows] == [4] and "文本格式" in result.error_rows[0].errors[0]
    ok = preview(session, xlsx_bytes([["身份证号", "医院", "住院类别", "入院日期", "出院日期"],
                                      [id_number(2), "市中医院", "专护", date(2026, 2, 1), date(2026, 2, 20)]]))
    assert ok.ok and hospital_import.apply(session, ok, actor=SYSTEM, now=NOW)["create"] == 1
    stay = session.scalars(select(HospitalStay)).one()
    assert (stay.person_id, stay.category, stay.discharged_on) == (people[1].id, "ltc_special", date(2026, 2, 20))
