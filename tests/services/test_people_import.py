"""Bulk roster import (SPEC §2): preview, per-row errors, all-or-nothing, idempotent upsert."""
from datetime import date

import pytest
from sqlalchemy import func, select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import ValidationFailed
from ltc.people import services
from ltc.people import imports as importer
from ltc.people.models import InsuredPerson, PersonCategoryPeriod, PersonStatusPeriod, PersonTagPeriod
from tests.builders import district
from tests.conftest import NOW, TODAY
from tests.people_builders import csv_bytes, id_number, person, xlsx_bytes

A, B, C = id_number(1), id_number(2), id_number(3, female=True)
WRONG_CHECK = A[:-1] + ("1" if A[-1] == "0" else "0")
GOOD = csv_bytes(
    f"{A},张三,13812345678,幸福路1号,东城区,东华门街道,第一社区,employee,active,medical_assistance|chronic_class_a,2026-01-01",
    f"{B},李四,,,西城区,,,resident,,,",
    f"{C},王秀英,13900000000,,朝阳区,,,城乡居民,正常参保,重度残疾,2026/02/01",
)


@pytest.fixture(autouse=True)
def listed_districts(session):
    """The districts the files name are on the MIA's list (a row naming another is refused)."""
    for code in ("东城区", "西城区", "朝阳区"):
        district(session, code)


TABLES = (InsuredPerson, PersonStatusPeriod, PersonCategoryPeriod, PersonTagPeriod, AuditEntry)


def counts(session) -> dict:
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in TABLES}


def run(session, data: bytes, name: str = "roster.csv"):
    result = importer.preview(session, data, name, today=TODAY)
    return result, (importer.apply(session, result, actor=SYSTEM, now=NOW) if result.ok else None)


def test_a_good_file_creates_everyone_with_dated_attributes(session):
    result, applied = run(session, GOOD)
    assert [r.action for r in result.rows] == ["create", "create", "create"]
    assert applied == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    a = session.scalars(select(InsuredPerson).where(InsuredPerson.id_number == A)).one()
    assert (a.name, a.phone, a.birth_date, a.sex) == ("张三", "13812345678", date(1950, 1, 1), "M")
    assert services.status_on(session, a.id, date(2026, 1, 1)) == "active"
    assert services.tags_on(session, a.id, TODAY) == ["chronic_class_a", "medical_assistance"]
    c = session.scalars(select(InsuredPerson).where(InsuredPerson.id_number == C)).one()
    assert services.category_on(session, c.id, date(2026, 2, 1)) == "resident"
    assert services.category_on(session, c.id, date(2026, 1, 31)) is None
    assert services.tags_on(session, c.id, TODAY) == ["severe_disability_cert"]
    b = session.scalars(select(InsuredPerson).where(InsuredPerson.id_number == B)).one()
    assert services.status_on(session, b.id, TODAY) == "active"  # default status, from today
    assert services.status_on(session, b.id, TODAY.replace(day=15)) is None


def test_reimporting_the_same_file_changes_nothing(session):
    run(session, GOOD)
    before = counts(session)
    result, applied = run(session, GOOD)
    assert [r.action for r in result.rows] == ["unchanged"] * 3
    assert applied == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
    after = counts(session)
    assert after["AuditEntry"] == before["AuditEntry"] + 1  # only the import entry itself
    assert {k: v for k, v in after.items() if k != "AuditEntry"} == {k: v for k, v in before.items()
                                                                       if k != "AuditEntry"}


def test_changed_rows_update_fields_and_dated_attributes(session):
    run(session, GOOD)
    changed = csv_bytes(
        f"{A},张三,13800000000,幸福路1号,东城区,东华门街道,第一社区,resident,suspended,chronic_class_a,2026-03-01",
        f"{B},李四,,,西城区,,,resident,,,",
    )
    result, applied = run(session, changed)
    assert [r.action for r in result.rows] == ["update", "unchanged"]
    assert result.rows[0].changes == ["电话", "参保状态", "参保类别", "-医疗救助/低保/特困"]
    a = session.scalars(select(InsuredPerson).where(InsuredPerson.id_number == A)).one()
    assert a.phone == "13800000000"
    assert services.status_on(session, a.id, date(2026, 2, 28)) == "active"
    assert services.status_on(session, a.id, date(2026, 3, 1)) == "suspended"
    assert services.category_on(session, a.id, date(2026, 3, 1)) == "resident"
    assert services.tags_on(session, a.id, date(2026, 2, 28)) == ["chronic_class_a", "medical_assistance"]
    assert services.tags_on(session, a.id, date(2026, 3, 1)) == ["chronic_class_a"]
    assert run(session, changed)[1]["unchanged"] == 2


def test_absent_columns_leave_attributes_alone(session):
    run(session, GOOD)
    result, _ = run(session, csv_bytes(f"{A},张三,东城区", header="id_number,name,district"))
    assert result.rows[0].action == "unchanged"
    a = session.scalars(select(InsuredPerson).where(InsuredPerson.id_number == A)).one()
    assert a.phone == "13812345678" and len(services.tags_on(session, a.id, TODAY)) == 2


@pytest.mark.parametrize("bad_row,message", [
    (f"{WRONG_CHECK},错号,,,东城区,,,,,,", "校验位不正确"),
    (f"{A[:-1]}Z,错号,,,东城区,,,,,,", "最后一位应为数字或 X"),
    (f"{A[:-1]},短号,,,东城区,,,,,,", "应为 18 位"),
    ("11010119450230123X,二月三十,,,东城区,,,,,,", "19450230 不是有效日期"),
    (f"{id_number(9)},,,,东城区,,,,,,", "姓名：必填"),
    (f"{id_number(9)},无区,,,,,,,,,", "区县：必填"),
    (f"{id_number(9)},某人,,,东城区,,,farmer,,,", "参保类别取值无效：farmer"),
    (f"{id_number(9)},某人,,,东城区,,,,retired,,", "参保状态取值无效：retired"),
    (f"{id_number(9)},某人,,,东城区,,,,deceased,,", "登记死亡日期"),
    (f"{id_number(9)},某人,,,东城区,,,,,vip,", "人群标签取值无效：vip"),
    (f"{id_number(9)},某人,,,东城区,,,,,,2026-02-30", "YYYY-MM-DD"),
    (f"{id_number(9)},某人,phone?,,东城区,,,,,,", "电话"),
    (f"{A},重复,,,东城区,,,,,,", "与第 2 行重复"),
    (f"{id_number(9)},某人,,,东城区,,,,,,,extra", "多于表头"),
])
def test_one_bad_row_rejects_the_whole_file(session, bad_row, message):
    before = counts(session)
    result, applied = run(session, csv_bytes(f"{A},张三,,,东城区,,,,,,", f"{B},李四,,,西城区,,,,,,", bad_row))
    assert not result.ok and applied is None
    [bad] = result.error_rows
    assert bad.line == 4 and any(message in e for e in bad.errors), bad.errors
    assert counts(session) == before
    with pytest.raises(ValidationFailed):
        importer.apply(session, result, actor=SYSTEM, now=NOW)
    assert counts(session) == before


@pytest.mark.parametrize("data,message", [
    (csv_bytes("x", header="name,district"), "缺少必需列：id_number"),
    (csv_bytes("x", header="id_number,name,district,colour"), "未知列：colour"),
    (csv_bytes("x", header="id_number,name,name,district"), "重复列：name"),
    (csv_bytes(header="id_number,name,district"), "没有数据行"),
    (b"", "文件为空"),
    ("id_number,name,district\n".encode("gbk") + "张三".encode("gbk"), "UTF-8"),
    (b"%PDF-1.4\n\xe2\xe3\xcf\xd3\n", "UTF-8"),
])
def test_header_and_file_errors(session, data, message):
    result = importer.preview(session, data, "x.csv", today=TODAY)
    assert not result.ok and any(message in e for e in result.header_errors), result.header_errors


def test_chinese_headers_and_a_bom_are_accepted(session):
    data = csv_bytes(f"{A},张三,东城区,职工", header="身份证号,姓名,区县,参保类别", bom=True)
    result, applied = run(session, data)
    assert result.ok and applied["create"] == 1


def test_xlsx_import_with_date_cells_and_numeric_phones(session):
    from datetime import datetime
    data = xlsx_bytes([
        ["id_number", "name", "phone", "district", "category", "tags", "valid_from"],
        [A, "张三", 13812345678, "东城区", "employee", "medical_assistance;chronic_class_a", datetime(2026, 2, 1)],
        [None, None, None, None, None, None, None],
        [B, "李四", None, "西城区", "resident", None, None],
    ])
    result, applied = run(session, data, "roster.xlsx")
    assert applied["create"] == 2 and [r.line for r in result.rows] == [2, 4]
    a = session.scalars(select(InsuredPerson).where(InsuredPerson.id_number == A)).one()
    assert a.phone == "13812345678"
    assert services.category_on(session, a.id, date(2026, 2, 1)) == "employee"
    assert services.category_on(session, a.id, date(2026, 1, 31)) is None
    assert run(session, data, "roster.xlsx")[1]["unchanged"] == 2


def test_an_id_number_typed_as_a_number_in_xlsx_is_refused(session):
    data = xlsx_bytes([["id_number", "name", "district"], [110101195001010011, "张三", "东城区"]])
    result = importer.preview(session, data, "r.xlsx", today=TODAY)
    assert any("文本格式" in e for e in result.rows[0].errors)


def test_an_import_is_audited_with_the_file_hash(session):
    import hashlib
    run(session, GOOD, "名单.csv")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
    assert entry.after["sha256"] == hashlib.sha256(GOOD).hexdigest()
    assert entry.after["filename"] == "名单.csv" and entry.after["counts"]["create"] == 3
    assert session.scalar(select(func.count()).where(AuditEntry.entity == "insured_person",
                                                     AuditEntry.action == "create")) == 3


def test_a_change_that_would_rewrite_later_history_is_a_row_error(session):
    p = person(session, 1, valid_from=date(2026, 3, 1))
    data = csv_bytes(f"{p.id_number},张三丰,东城区,suspended,2026-02-01",
                     header="id_number,name,district,status,valid_from")
    result = importer.preview(session, data, "x.csv", today=TODAY)
    assert not result.ok and "2026-03-01 起已有登记" in result.rows[0].errors[0]


def test_the_existing_persons_are_fetched_in_bulk(session, app):
    from sqlalchemy import event
    run(session, GOOD)
    statements = []
    engine = session.get_bind().engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        importer.preview(session, GOOD, "x.csv", today=TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len([s for s in statements if "FROM insured_persons" in s]) == 1
    assert len(statements) <= 5  # persons, the district list, three period tables
