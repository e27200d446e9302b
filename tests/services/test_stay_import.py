"""Importing a provider's stays and leaves (SPEC §5.4, like the roster import §2): per-row errors,
nothing written when a file is rejected, idempotent upserts by (person, provider, admission date)
and (stay, out date), updates through the services (discharge, close, or a kept correction)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from ltc.auth.services import actor_of
from ltc.core.audit import AuditEntry
from ltc.core.errors import ValidationFailed
from ltc.providers.records import stay_imports as imports
from ltc.providers.records import stays as services
from ltc.providers.records.models import Leave, RecordVersion, Stay
from tests.conftest import NOW
from tests.people_builders import person, xlsx_bytes
from tests.stay_builders import admit, fake_checker, resident  # noqa: F401  (fixture)

D = date
TODAY = D(2026, 3, 16)
STAY_HEADER = "id_number,care_type,admitted_on,discharged_on,note"
LEAVE_HEADER = "身份证号,入院日期,离开日期,返回日期,请假事由"


@pytest.fixture
def home(session, world):
    return world, resident(session, world, 1, name="陈一"), resident(session, world, 2, name="林二")


def csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def check(session, world, data: bytes, what: str = imports.STAYS):
    return imports.preview(session, data, "f.csv", today=TODAY, what=what, provider_id=world.provider2.id)


def run(session, world, data: bytes, what: str = imports.STAYS):
    result = check(session, world, data, what)
    return imports.apply(session, result, actor=actor_of(world.users["pr2_op"]), now=NOW)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_stays_are_created_then_unchanged_then_discharged(session, home, fake_checker):  # noqa: F811
    world, a, b = home
    rows = [f"{a.id_number},institution,2026-03-01,,二楼", f"{b.id_number},机构护理,2026-02-01,2026-02-10,"]
    assert run(session, world, csv(STAY_HEADER, *rows)) == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert {s.source for s in session.scalars(select(Stay))} == {"import"} and len(fake_checker) == 2
    assert run(session, world, csv(STAY_HEADER, *rows))["unchanged"] == 2
    rows[0] = f"{a.id_number},institution,2026-03-01,2026-03-10,二楼"
    assert run(session, world, csv(STAY_HEADER, *rows))["update"] == 1
    stay = session.scalars(select(Stay).where(Stay.person_id == a.id)).one()
    assert (stay.discharged_on, stay.version) == (D(2026, 3, 10), 1)  # a discharge, not a correction
    assert count(session, Stay) == 2 and session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "stay_import")).all()


def test_another_change_is_a_correction_kept_as_a_version_naming_the_file(session, home):
    world, a, _ = home
    run(session, world, csv(STAY_HEADER, f"{a.id_number},institution,2026-03-01,2026-03-10,"))
    run(session, world, csv(STAY_HEADER, f"{a.id_number},special,2026-03-01,2026-03-10,"))
    stay = session.scalars(select(Stay)).one()
    kept = session.scalars(select(RecordVersion)).one()
    assert (stay.care_type, stay.version, kept.data["care_type"], kept.reason) == (
        "special", 2, "institution", "文件导入：f.csv")


@pytest.mark.parametrize("row, message", [
    ("{a},institution,2026-03-20,,", "晚于今天"),
    ("{a},home,2026-03-01,,", "服务形式取值无效"),
    ("{a},institution,2026-03-05,2026-03-01,", "出院日期早于入院日期"),
    ("{a},institution,2026/13/01,,", "日期格式"),
    ("{stranger},institution,2026-03-01,,", "不是本机构的服务对象"),
    (",institution,2026-03-01,,", "身份证号必填"),
    ("{a},institution,2026-03-01,,,extra", "多于表头"),
])
def test_a_bad_row_rejects_the_whole_file(session, home, row, message):
    world, a, b = home
    stranger = person(session, 9, name="路人")
    rows = [f"{b.id_number},institution,2026-03-01,,", row.format(a=a.id_number, stranger=stranger.id_number)]
    result = check(session, world, csv(STAY_HEADER, *rows))
    assert not result.ok and message in "；".join(result.rows[1].errors) and result.rows[0].errors == []
    with pytest.raises(ValidationFailed):
        imports.apply(session, result, actor=actor_of(world.users["pr2_op"]), now=NOW)
    assert count(session, Stay) == 0


def test_overlapping_stays_are_refused_within_the_file_and_against_the_stored_ones(session, home):
    world, a, b = home
    admit(session, world, a, D(2026, 1, 1), D(2026, 2, 1))
    result = check(session, world, csv(STAY_HEADER, f"{a.id_number},institution,2026-01-20,,",
                                       f"{b.id_number},institution,2026-03-01,2026-03-05,",
                                       f"{b.id_number},institution,2026-03-04,,",
                                       f"{b.id_number},institution,2026-03-01,2026-03-05,"))
    errors = ["；".join(r.errors) for r in result.rows]
    assert "重叠" in errors[0] and "重叠" in errors[2] and "与第 3 行重复" in errors[3]
    fine = check(session, world, csv(STAY_HEADER, f"{a.id_number},institution,2026-02-01,,"))
    assert fine.ok  # the discharge day of the stored stay may be the next admission


def test_a_settled_stay_is_not_changed_by_an_import(session, home):
    world, a, _ = home
    stay = admit(session, world, a, D(2026, 1, 1), D(2026, 2, 1))
    stay.settled_at = NOW
    result = check(session, world, csv(STAY_HEADER, f"{a.id_number},institution,2026-01-01,2026-02-03,"))
    assert "已结算" in result.rows[0].errors[0]
    same = check(session, world, csv(STAY_HEADER, f"{a.id_number},institution,2026-01-01,2026-02-01,"))
    assert same.ok and same.counts["unchanged"] == 1


def test_leaves_are_upserted_by_stay_and_out_date(session, home):
    world, a, b = home
    admit(session, world, a, D(2026, 3, 1))
    rows = [f"{a.id_number},2026-03-01,2026-03-03,,回家"]
    assert run(session, world, csv(LEAVE_HEADER, *rows), imports.LEAVES)["create"] == 1
    assert run(session, world, csv(LEAVE_HEADER, *rows), imports.LEAVES)["unchanged"] == 1
    closed = [f"{a.id_number},2026-03-01,2026-03-03,2026-03-06,回家"]
    assert run(session, world, csv(LEAVE_HEADER, *closed), imports.LEAVES)["update"] == 1
    leave = session.scalars(select(Leave)).one()
    assert (leave.back_on, leave.version, leave.reason, leave.source) == (D(2026, 3, 6), 1, "回家", "import")
    moved = [f"{a.id_number},2026-03-01,2026-03-03,2026-03-05,回家"]
    run(session, world, csv(LEAVE_HEADER, *moved), imports.LEAVES)
    assert (leave.back_on, leave.version) == (D(2026, 3, 5), 2)


@pytest.mark.parametrize("row, message", [
    ("{a},2026-02-01,2026-03-03,,", "找不到该参保人"),            # no stay admitted that day
    ("{a},2026-03-01,2026-02-20,,", "请假须在在院期间内"),
    ("{a},2026-03-01,2026-03-10,2026-03-12,", "请假须在在院期间内"),  # back after the discharge
    ("{a},2026-03-01,2026-03-04,2026-03-04,", "返回日期须晚于离开日期"),
    ("{a},2026-03-01,2026-03-02,2026-03-04,", "重叠"),            # overlaps the stored leave
])
def test_bad_leave_rows_are_refused(session, home, row, message):
    world, a, _ = home
    stay = admit(session, world, a, D(2026, 3, 1), D(2026, 3, 11))
    services.open_leave(session, stay, out_on=D(2026, 3, 3), back_on=D(2026, 3, 5),
                        actor=actor_of(world.users["pr2_op"]), now=NOW)
    result = check(session, world, csv(LEAVE_HEADER, row.format(a=a.id_number)), imports.LEAVES)
    assert not result.ok and message in "；".join(result.rows[0].errors)


def test_an_xlsx_with_chinese_headers_is_read(session, home):
    world, a, _ = home
    data = xlsx_bytes([["身份证号", "服务形式", "入院日期", "出院日期", "备注"],
                       [a.id_number, "医疗专护", D(2026, 3, 1), None, None]])
    assert run(session, world, data)["create"] == 1
    assert session.scalars(select(Stay)).one().care_type == "special"


def test_a_file_of_another_kind_is_refused_by_its_header(session, home):
    world = home[0]
    result = check(session, world, csv(STAY_HEADER, "x,institution,2026-03-01,,"), imports.LEAVES)
    assert not result.ok and any("未知列" in e or "缺少必需列" in e for e in result.header_errors)
