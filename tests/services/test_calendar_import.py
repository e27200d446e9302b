"""A year's official holiday schedule loaded from a CSV/XLSX file (SPEC §0.1): preview with
per-row errors, apply (idempotent, audited, open due dates follow); marking the year loaded
stays a separate action."""
from datetime import date

from sqlalchemy import func, select

from ltc.calendar import services as schedule
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.calendar import (CalendarOverride, add_working_days, calendar_gap_banner, mark_year_loaded,
                               set_override)
from tests.assessment_builders import cast, file
from tests.conftest import NOW
from tests.people_builders import csv_bytes, xlsx_bytes

D = date
HEADER = "date,type,note"
SCHEDULE_2027 = [
    "2027-01-01,holiday,元旦",
    *[f"2027-02-{day:02d},holiday,春节" for day in range(6, 13)],
    "2027-02-20,workday,春节调休",
    *[f"2027-10-{day:02d},holiday,国庆节" for day in range(1, 8)],
    "2027-09-26,workday,国庆节调休",
    "2027-10-09,workday,国庆节调休",
]


def run(session, data: bytes, name: str = "2027.csv"):
    return schedule.preview(session, data, name, today=D(2026, 12, 3))


def overrides(session) -> int:
    return session.scalar(select(func.count()).select_from(CalendarOverride))


def test_a_years_schedule_previews_then_writes_every_day_and_is_audited_with_its_hash(session):
    result = run(session, csv_bytes(*SCHEDULE_2027, header=HEADER))
    assert result.ok and result.year == 2027 and not result.official_known
    assert result.counts == {"create": 18, "update": 0, "unchanged": 0, "error": 0}
    assert overrides(session) == 0                                    # a preview writes nothing
    counts = schedule.apply(session, result, actor=SYSTEM, now=NOW)
    assert counts == {"create": 18, "update": 0, "unchanged": 0, "year": 2027}
    assert add_working_days(session, D(2027, 9, 30), 1) == D(2027, 10, 8)
    assert session.get(CalendarOverride, D(2027, 2, 20)).is_workday is True
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "calendar_year")).one()
    assert (entry.action, entry.entity_id, entry.after["sha256"]) == ("import", "2027", result.sha256)
    assert calendar_gap_banner(D(2026, 12, 3), session) is not None    # loading is a separate action


def test_loading_the_same_file_again_changes_nothing(session):
    data = csv_bytes(*SCHEDULE_2027, header=HEADER)
    schedule.apply(session, run(session, data), actor=SYSTEM, now=NOW)
    again = run(session, data)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 18, "error": 0}
    written = session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "calendar_override"))
    assert schedule.apply(session, again, actor=SYSTEM, now=NOW)["unchanged"] == 18
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "calendar_override")) == written


def test_a_stored_override_the_file_changes_is_updated_and_one_it_omits_is_kept(session):
    set_override(session, day=D(2027, 10, 1), is_workday=True, note="误录", actor=SYSTEM, now=NOW)
    set_override(session, day=D(2027, 5, 3), is_workday=False, note="劳动节", actor=SYSTEM, now=NOW)
    result = run(session, csv_bytes(*SCHEDULE_2027, header=HEADER))
    assert result.counts["update"] == 1 and result.kept == 1
    [row] = [r for r in result.rows if r.action == "update"]
    assert (row.day, row.current, row.is_workday) == (D(2027, 10, 1), True, False)
    schedule.apply(session, result, actor=SYSTEM, now=NOW)
    assert session.get(CalendarOverride, D(2027, 10, 1)).is_workday is False
    assert session.get(CalendarOverride, D(2027, 5, 3)) is not None


def test_chinese_headers_and_type_names_and_an_xlsx_file_are_read(session):
    data = xlsx_bytes([["日期", "类型", "备注"], [D(2026, 12, 31), "放假", "元旦"], [D(2027, 1, 1), "休", "元旦"],
                       ["2027/01/02", "休", "元旦"], [D(2027, 2, 20), "上班", "春节调休"]])
    result = run(session, data, "2027.xlsx")
    assert result.ok and result.year == 2027                         # 31 December belongs to 2027's New Year
    assert [(r.day, r.is_workday) for r in result.rows] == [
        (D(2026, 12, 31), False), (D(2027, 1, 1), False), (D(2027, 1, 2), False), (D(2027, 2, 20), True)]


def test_each_bad_row_is_named_and_nothing_is_written(session):
    result = run(session, csv_bytes("2027-01-01,holiday,元旦", "2027-02-30,holiday,春节",
                                    "2027-02-08,closed,春节", "2027-02-09,workday,春节调休",
                                    "2027-01-01,holiday,重复", "2025-05-01,holiday,劳动节",
                                    "2027-03-01,holiday," + "长" * 201, header=HEADER))
    assert not result.ok and result.year == 2027
    errors = {r.line: r.errors for r in result.rows if r.errors}
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert "YYYY-MM-DD" in errors[3][0]
    assert "holiday" in errors[4][0]
    assert "周六或周日" in errors[5][0] and "周二" in errors[5][0]
    assert "第 2 行" in errors[6][0]
    assert "不属于 2027 年" in errors[7][0]
    assert "200" in errors[8][0]
    assert overrides(session) == 0


def test_a_file_without_the_required_columns_is_refused_before_any_row(session):
    result = run(session, csv_bytes("2027-01-01,元旦", header="日期,备注"))
    assert not result.ok and result.header_errors == ["缺少必需列：type"]


def test_importing_2027_moves_an_open_due_date_and_marking_loaded_hides_the_banner(session, world):
    c = cast(session, world)
    app = file(session, c, now=NOW.replace(year=2026, month=12, day=28))
    assert app.acceptance_due_on == D(2027, 1, 4)
    schedule.apply(session, run(session, csv_bytes(*SCHEDULE_2027, header=HEADER)), actor=SYSTEM, now=NOW)
    session.expire_all()
    assert app.acceptance_due_on == D(2027, 1, 5)
    mark_year_loaded(session, 2027, loaded=True, actor=SYSTEM, now=NOW)
    assert calendar_gap_banner(D(2026, 12, 3), session) is None
