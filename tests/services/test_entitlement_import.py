"""Go-live import of existing beneficiaries (SPEC §4.2): preview with row numbers, all or
nothing, idempotent, migrated, audited with the file's SHA-256; bounded by the go-live date and to
persons with nothing in the system; "valid until" is the last valid day, inclusive; the legacy
conclusion is stored as a conclusion."""
import csv
import hashlib
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from ltc.assessment.applications.models import Application
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import ValidationFailed
from ltc.entitlements import imports as migration_import
from ltc.entitlements.models import Entitlement
from ltc.policy.ref import seed_ref
from tests.conftest import NOW, TODAY
from tests.people_builders import csv_bytes, id_number, person, xlsx_bytes

HEADER = "id_number,level,concluded_on,valid_until,care_type,provider,valid_from"
GO_LIVE = date(2026, 1, 1)


@pytest.fixture
def people(session, world):
    seed_ref(session, now=NOW)
    return [person(session, n, name=f"迁移{n}") for n in (1, 2, 3)]


def rows(world) -> list[str]:
    return [f"{id_number(1)},4,2025-06-10,2027-06-09,institution,{world.provider2.uscc},2025-06-01",
            f"{id_number(2)},3,2025-08-15,,居家上门护理,{world.provider.id},2025-09-01"]


def preview(session, data: bytes, go_live: date | None = GO_LIVE):
    return migration_import.preview(session, data, "beneficiaries.csv", today=TODAY, go_live=go_live)


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
    assert stored[1].provider_id == world.provider.id
    conclusions = [session.get(Application, e.application_id) for e in stored]   # stored as conclusions
    assert [(a.kind, a.status, a.level, a.concluded_on, a.valid_to, a.final_on, a.preferred_care_type)
            for a in conclusions] == [
        ("migrated", "concluded", 4, date(2025, 6, 10), date(2027, 6, 10), date(2025, 6, 10), "institution"),
        ("migrated", "concluded", 3, date(2025, 8, 15), date(2027, 8, 15), date(2025, 8, 15), "home")]
    again = preview(session, data)
    assert again.ok and again.counts["unchanged"] == 2
    assert migration_import.apply(session, again, actor=SYSTEM, now=NOW) == {"create": 0, "unchanged": 2}
    assert count(session) == 2 and session.scalar(select(func.count()).select_from(Application)) == 2
    imports = session.scalars(select(AuditEntry).where(AuditEntry.entity == "entitlement_import")).all()
    assert len(imports) == 2 and imports[0].after["sha256"] == hashlib.sha256(data).hexdigest()


def test_xlsx_with_chinese_headers_is_read(session, world, people):
    header = ["身份证号", "失能等级", "评估结论日期", "有效期至", "服务形式", "服务机构", "待遇开始日期"]
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
    ("{n1},4,2025-06-10,2025-06-09,institution,{p2},2025-06-01", "有效期至（最后有效日）不能早于评估结论日期"),
    ("{n1},4,2025-06-10,2025-06-10,institution,{p2},2025-06-01", None),   # valid on its conclusion day only
    ("{n1},4,2025-06-10,2025-06-30,institution,{p2},2025-07-01", "不早于待遇结束日期"),
    ("{n1},4,2025-06-10,,institution,{p2},2025-12-31", None),                # the day before go-live
    ("{n1},4,2025-06-10,,institution,{p2},2026-01-01", "待遇开始日期须早于上线日期 2026-01-01"),
    ("{n1},4,2026-01-05,,institution,{p2},2025-12-01", "评估结论日期须早于上线日期 2026-01-01"),
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
    changed = f"{id_number(1)},5,2025-06-10,2027-06-09,institution,{world.provider2.uscc},2025-06-01"
    twice = [f"{id_number(3)},4,2025-06-10,,institution,{world.provider2.uscc},2025-06-01",
             f"{id_number(3)},4,2025-06-10,,institution,{world.provider2.uscc},2025-12-01"]
    result = preview(session, csv_bytes(changed, *twice, header=HEADER))
    errors = {r.line: r.errors for r in result.error_rows}
    assert set(errors) == {2, 4}
    assert "不同的上线迁移结论" in errors[2][0] and "与第 3 行" in errors[4][0]
    later = f"{id_number(1)},4,2025-06-10,2027-06-09,institution,{world.provider2.uscc},2025-07-01"
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


def test_valid_until_is_the_last_valid_day_inclusive(session, world, people):
    row = f"{id_number(1)},4,2025-06-10,2026-06-30,institution,{world.provider2.uscc},2025-06-01"
    migration_import.apply(session, preview(session, csv_bytes(row, header=HEADER)), actor=SYSTEM, now=NOW)
    [e] = session.scalars(select(Entitlement)).all()
    assert (e.conclusion_valid_to, e.valid_to) == (date(2026, 7, 1), date(2026, 7, 1))   # valid on 2026-06-30
    assert session.get(Application, e.application_id).valid_to == date(2026, 7, 1)


def test_the_former_exclusive_column_is_refused_with_what_to_use_instead(session, world, people):
    old = "id_number,level,concluded_on,conclusion_valid_to,care_type,provider,valid_from"
    result = preview(session, csv_bytes(rows(world)[0], header=old))
    assert not result.ok and any("请改用“valid_until”" in e for e in result.header_errors)


def test_without_a_go_live_date_nothing_is_imported(session, world, people):
    result = preview(session, csv_bytes(*rows(world), header=HEADER), go_live=None)
    assert not result.ok and result.header_errors == ["未设置上线日期（LTC_GO_LIVE_DATE），不能进行上线迁移导入"]


def test_persons_with_a_conclusion_or_an_open_application_or_request_are_refused(session, world, people):
    from tests.assessment_builders import past_conclusion
    concluded = past_conclusion(session, people[0].id, date(2025, 6, 10), level=4)
    applying = past_conclusion(session, people[1].id, date(2025, 8, 15))
    applying.status = "publicized"                                        # concluded, open to objection
    third = f"{id_number(3)},4,2025-06-10,,institution,{world.provider2.uscc},2025-06-01"
    result = preview(session, csv_bytes(*rows(world), third, header=HEADER))
    errors = {r.line: r.errors for r in result.error_rows}
    assert errors == {2: [f"参保人在系统内已有评估结论（申请 {concluded.number}，2025-06-10），不能上线迁移"],
                      3: [f"参保人已有正在办理的评估申请（申请 {applying.number}），不能上线迁移"]}
    from ltc.entitlements.models import EntitlementRequest
    session.add(EntitlementRequest(kind="initial", person_id=people[2].id, application_id=concluded.id, level=4,
                                   care_type="institution", provider_id=world.provider2.id,
                                   trigger_date=date(2026, 3, 1), status="open"))
    session.flush()
    assert "进行中的待遇审核" in preview(session, csv_bytes(third, header=HEADER)).rows[0].errors[0]
    assert count(session) == 0


def test_the_template_header_is_read_back_in_either_language(session, world, people):
    row = [id_number(1), "4", "2025-06-10", "2027-06-09", "institution", world.provider2.uscc, "2025-06-01"]
    for headers in (migration_import.TEMPLATE, migration_import.TEMPLATE_EN):
        out = io.StringIO()
        csv.writer(out).writerows([list(headers.values()), row])
        result = preview(session, out.getvalue().encode())
        assert result.ok, result.header_errors
        assert result.rows[0].values["conclusion_valid_to"] == date(2027, 6, 10)
    assert "含当日" in migration_import.TEMPLATE["valid_until"]
    assert "inclusive" in migration_import.TEMPLATE_EN["valid_until"]


def test_no_entitlement_review_can_be_opened_on_a_migrated_conclusion(session, world, people):
    from ltc.entitlements.opening import request_entitlement
    migration_import.apply(session, preview(session, csv_bytes(rows(world)[0], header=HEADER)), actor=SYSTEM, now=NOW)
    [e] = session.scalars(select(Entitlement)).all()
    with pytest.raises(ValidationFailed) as refused:
        request_entitlement(session, session.get(Application, e.application_id), care_type="home",
                            provider_id=world.provider.id, actor=SYSTEM, now=NOW)
    assert refused.value.fields == {"application_id": "migrated conclusion"}


def test_a_file_with_two_legacy_conclusions_of_one_person_can_be_imported_again(session, world, people):
    history = [f"{id_number(1)},4,2024-05-10,2025-06-09,institution,{world.provider2.uscc},2025-05-01",
               f"{id_number(1)},5,2025-05-06,2027-05-05,institution,{world.provider2.uscc},2025-06-10"]
    data = csv_bytes(*history, header=HEADER)
    assert migration_import.apply(session, preview(session, data), actor=SYSTEM, now=NOW) == {
        "create": 2, "unchanged": 0}
    assert preview(session, data).counts["unchanged"] == 2
    other = f"{id_number(1)},5,2025-05-06,2027-05-06,institution,{world.provider2.uscc},2025-05-10"
    assert "不同的上线迁移结论" in " ".join(preview(session, csv_bytes(other, header=HEADER)).rows[0].errors)
