"""Go-live import of existing beneficiaries (SPEC §4.2): preview with row numbers, all or
nothing, idempotent, migrated, audited with the file's SHA-256."""
import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import ValidationFailed
from ltc.entitlements import imports as migration_import
from ltc.entitlements.models import Entitlement
from ltc.policy.ref import seed_ref
from tests.conftest import NOW, TODAY
from tests.people_builders import csv_bytes, id_number, person, xlsx_bytes

HEADER = "id_number,level,concluded_on,conclusion_valid_to,care_type,provider,valid_from"


@pytest.fixture
def people(session, world):
    seed_ref(session, now=NOW)
    return [person(session, n, name=f"迁移{n}") for n in (1, 2, 3)]


def rows(world) -> list[str]:
    return [f"{id_number(1)},4,2025-06-10,2027-06-10,institution,{world.provider2.uscc},2025-06-01",
            f"{id_number(2)},3,2025-08-15,,居家上门护理,{world.provider.id},2025-09-01"]


def preview(session, data: bytes):
    return migration_import.preview(session, data, "beneficiaries.csv", today=TODAY)


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Entitlement))


def test_preview_writes_nothing_then_apply_creates_migrated_entitlements_and_reimport_changes_nothing(
        session, world, people):
    data = csv_bytes(*rows(world), header=HEADER)
    result = preview(session, data)
    assert result.ok and [r.action for r in result.rows] == ["create", "create"] and count(session) == 0
    assert migration_import.apply(session, result, actor=SYSTEM, now=NOW) == {"create": 2, "unchanged": 0}
    stored = session.scalars(select(Entitlement).order_by(Entitlement.person_id)).all()
    assert [(e.origin, e.level, e.care_type, e.valid_from, e.valid_to, e.end_reason) for e in stored] == [
        ("migrated", 4, "institution", date(2025, 6, 1), date(2027, 6, 10), "expiry"),
        ("migrated", 3, "home", date(2025, 9, 1), date(2027, 8, 15), "expiry")]  # default: + 24 months (REF)
    assert stored[1].provider_id == world.provider.id and stored[0].application_id is None
    again = preview(session, data)
    assert again.ok and again.counts["unchanged"] == 2
    assert migration_import.apply(session, again, actor=SYSTEM, now=NOW) == {"create": 0, "unchanged": 2}
    assert count(session) == 2
    imports = session.scalars(select(AuditEntry).where(AuditEntry.entity == "entitlement_import")).all()
    assert len(imports) == 2 and imports[0].after["sha256"] == hashlib.sha256(data).hexdigest()


def test_xlsx_with_chinese_headers_is_read(session, world, people):
    header = ["身份证号", "失能等级", "评估结论日期", "结论有效期截止", "服务形式", "服务机构", "待遇开始日期"]
    data = xlsx_bytes([header, [id_number(1), 5, date(2025, 6, 10), None, "医疗专护", world.provider2.uscc,
                                date(2025, 6, 1)]])
    result = preview(session, data)
    errors = [e for r in result.rows for e in r.errors]
    assert errors == ["服务机构在 2025-06-01 的协议不含医疗专护"]


@pytest.mark.parametrize("row, message", [
    ("{n1},4,2025-06-10,,institution,{p2},2025-06-01", None),
    ("{n9},4,2025-06-10,,institution,{p2},2025-06-01", "未登记为参保人"),
    ("{n1},6,2025-06-10,,institution,{p2},2025-06-01", "失能等级应为 1–5"),
    ("{n1},2,2025-06-10,,institution,{p2},2025-06-01", "不能享受机构护理"),
    ("{n1},3,2025-06-10,,special,{p2},2025-06-01", "不能享受医疗专护"),
    ("{n1},4,2025-06-10,,spa,{p2},2025-06-01", "未知的服务形式"),
    ("{n1},4,2025-06-10,,institution,{agency},2025-06-01", "不是已登记的定点护理服务机构"),
    ("{n1},4,2025-06-10,,home,{p2},2025-07-01", "协议不含居家上门护理"),
    ("{n1},4,2026-04-10,,institution,{p2},2026-04-01", "评估结论日期不能晚于今天"),
    ("{n1},4,2025-06-10,2025-06-01,institution,{p2},2025-06-01", "结论有效期截止须晚于评估结论日期"),
    ("{n1},4,2025-06-10,2025-07-01,institution,{p2},2025-07-01", "不早于待遇结束日期"),
    ("{n1},4,2025/06/10,,institution,{p2},June", "待遇开始日期：日期格式应为"),
    ("{n1},4,2019-06-10,,institution,{p2},2019-06-01", "没有生效的政策版本"),
])
def test_each_bad_row_is_named_with_its_line_and_nothing_is_written(session, world, people, row, message):
    good = f"{id_number(2)},3,2025-08-15,,institution,{world.provider2.uscc},2025-08-01"
    line = row.format(n1=id_number(1), n9=id_number(9), p2=world.provider2.uscc, agency=world.agency.uscc)
    result = preview(session, csv_bytes(good, line, header=HEADER))
    if message is None:
        assert result.ok
        return
    assert not result.ok and [r.line for r in result.error_rows] == [3]
    assert any(message in e for e in result.error_rows[0].errors), result.error_rows[0].errors
    with pytest.raises(ValidationFailed):
        migration_import.apply(session, result, actor=SYSTEM, now=NOW)
    assert count(session) == 0


def test_overlaps_with_stored_entitlements_and_within_the_file_are_errors(session, world, people):
    migration_import.apply(session, preview(session, csv_bytes(rows(world)[0], header=HEADER)), actor=SYSTEM, now=NOW)
    changed = f"{id_number(1)},5,2025-06-10,2027-06-10,institution,{world.provider2.uscc},2025-06-01"
    twice = [f"{id_number(3)},4,2025-06-10,,institution,{world.provider2.uscc},2025-06-01",
             f"{id_number(3)},4,2025-06-10,,institution,{world.provider2.uscc},2026-01-01"]
    result = preview(session, csv_bytes(changed, *twice, header=HEADER))
    errors = {r.line: r.errors for r in result.error_rows}
    assert set(errors) == {2, 4}
    assert "内容不同的待遇" in errors[2][0] and "与第 3 行" in errors[4][0]
    later = f"{id_number(1)},4,2025-06-10,2027-06-10,institution,{world.provider2.uscc},2025-07-01"
    assert "与已有待遇 [2025-06-01, 2027-06-10) 重叠" in preview(
        session, csv_bytes(later, header=HEADER)).rows[0].errors
    assert count(session) == 1


def test_a_row_for_a_dead_person_ends_the_day_after_death_and_a_start_after_death_is_refused(session, world, people):
    from ltc.people.services import record_death
    record_death(session, people[0], death_date=date(2025, 12, 31), actor=SYSTEM, now=NOW)
    record_death(session, people[1], death_date=date(2025, 8, 20), actor=SYSTEM, now=NOW)
    result = preview(session, csv_bytes(*rows(world), header=HEADER))
    assert [r.line for r in result.error_rows] == [3]
    assert result.rows[0].values["valid_to"] == date(2026, 1, 1) and result.rows[0].values["end_reason"] == "death"


def test_header_problems_are_reported_before_any_row(session, world, people):
    result = preview(session, csv_bytes(rows(world)[0], header="id_number,level,concluded_on,care_type,colour"))
    assert not result.ok and not result.rows
    assert any("未知列：colour" in e for e in result.header_errors)
    assert any("缺少必需列：provider" in e for e in result.header_errors)
    assert "未导入" in str(pytest.raises(ValidationFailed, migration_import.apply, session, result,
                                         actor=SYSTEM, now=NOW).value)
