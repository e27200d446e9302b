"""Working days with the override table, admin edits and the missing-year banner."""
import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ltc.core import calendar, events
from ltc.core.audit import SYSTEM, AuditEntry, Actor
from ltc.core.calendar import (CalendarChanged, CalendarOverride, CalendarYear, OverrideInput, add_working_days,
                               calendar_gap_banner, delete_override, is_workday, loaded_years, mark_year_loaded,
                               set_override, set_overrides, working_day_adder, working_days_between)
from ltc.core.errors import NotFound, ValidationFailed
from tests.conftest import NOW
from tests.queries import count_queries

D = date


def holiday(session, day: date, note="假日"):
    return set_override(session, day=day, is_workday=False, note=note, actor=SYSTEM, now=NOW)


def workday(session, day: date, note="调休"):
    return set_override(session, day=day, is_workday=True, note=note, actor=SYSTEM, now=NOW)


def test_official_2026_spring_festival_without_overrides(session):
    assert add_working_days(session, D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(session, D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert add_working_days(session, D(2026, 2, 13), 6) == D(2026, 2, 28)
    assert add_working_days(session, D(2026, 2, 16), 0) == D(2026, 2, 16)
    assert working_days_between(session, D(2026, 2, 13), D(2026, 2, 27)) == 5
    assert working_days_between(session, D(2026, 2, 27), D(2026, 2, 13)) == 0


def test_an_override_row_beats_the_package(session):
    holiday(session, D(2026, 2, 24), "临时停工")
    workday(session, D(2026, 2, 21))          # a festival Saturday declared a workday
    assert is_workday(session, D(2026, 2, 24)) is False
    assert is_workday(session, D(2026, 2, 21)) is True
    assert add_working_days(session, D(2026, 2, 14), 1) == D(2026, 2, 21)
    assert add_working_days(session, D(2026, 2, 14), 2) == D(2026, 2, 25)
    assert working_days_between(session, D(2026, 2, 14), D(2026, 2, 25)) == 2


def test_2027_uses_weekends_plus_the_entered_holidays(session):
    assert add_working_days(session, D(2027, 2, 5), 1) == D(2027, 2, 8)
    for i in range(9):                        # Sat 6 – Sun 14 Feb 2027
        holiday(session, D(2027, 2, 6) + timedelta(days=i), "春节")
    workday(session, D(2027, 2, 20), "春节调休")
    assert add_working_days(session, D(2027, 2, 5), 1) == D(2027, 2, 15)
    assert add_working_days(session, D(2027, 2, 15), 5) == D(2027, 2, 20)
    assert working_days_between(session, D(2027, 2, 5), D(2027, 2, 21)) == 6


def test_overrides_are_loaded_with_one_query(session):
    holiday(session, D(2026, 3, 20))
    session.flush()
    with count_queries(session) as statements:
        assert add_working_days(session, D(2026, 3, 16), 30) == D(2026, 4, 29)
        assert working_days_between(session, D(2026, 3, 16), D(2026, 12, 31)) > 180
    assert len(statements) == 2


def test_a_long_run_of_holidays_widens_the_window(session):
    for i in range(120):
        holiday(session, D(2027, 3, 1) + timedelta(days=i), "停工")
    due = add_working_days(session, D(2027, 2, 26), 1)
    assert due == D(2027, 6, 29)              # 1 March + 120 days = Tue 29 June
    assert working_days_between(session, D(2027, 2, 26), due) == 1


def test_a_preloaded_adder_agrees_with_add_working_days_inside_and_outside_its_range(session):
    holiday(session, D(2027, 2, 8), "春节")
    add = working_day_adder(session, D(2027, 2, 1), D(2027, 2, 10))
    with count_queries(session) as statements:
        assert add(D(2027, 2, 5), 1) == D(2027, 2, 9)      # inside the loaded range: no query
    assert statements == []
    for start, n in ((D(2027, 2, 5), 10), (D(2027, 1, 20), 20), (D(2027, 2, 9), 1)):
        assert add(start, n) == add_working_days(session, start, n)


def test_set_override_replaces_and_audits(session):
    actor = Actor(None, None, "test")
    holiday(session, D(2027, 10, 1), "国庆")
    set_override(session, day=D(2027, 10, 1), is_workday=True, note="改为工作日", actor=actor, now=NOW)
    row = session.get(CalendarOverride, D(2027, 10, 1))
    assert row.is_workday is True and row.note == "改为工作日"
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "calendar_override")
                              .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before["is_workday"] is False and entries[1].after["is_workday"] is True


def test_delete_override_restores_the_official_day_and_audits(session):
    holiday(session, D(2026, 2, 24))
    delete_override(session, D(2026, 2, 24), actor=SYSTEM, now=NOW)
    assert is_workday(session, D(2026, 2, 24)) is True
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "calendar_override")).all()
    assert actions == ["create", "delete"]
    with pytest.raises(NotFound):
        delete_override(session, D(2026, 2, 24), actor=SYSTEM, now=NOW)


BANNER_2027 = ("2027 年工作日历未加载：请在工作日历中录入节假日与调休工作日，并标记为已加载 "
               "(calendar for 2027 not loaded)")


def mark_loaded(session, year: int, loaded: bool = True):
    return mark_year_loaded(session, year, loaded=loaded, actor=SYSTEM, now=NOW)


def test_no_banner_and_no_query_while_the_package_knows_the_year(session):
    with count_queries(session) as statements:
        assert calendar_gap_banner(D(2026, 3, 16), session) is None
        assert calendar_gap_banner(D(2026, 10, 31), session) is None
    assert statements == []


def test_an_override_row_does_not_hide_the_banner_marking_the_year_loaded_does(session):
    assert calendar_gap_banner(D(2026, 12, 1), session) == BANNER_2027
    holiday(session, D(2027, 1, 1), "元旦")
    assert calendar_gap_banner(D(2026, 12, 1), session) == BANNER_2027
    mark_loaded(session, 2027)
    assert calendar_gap_banner(D(2026, 12, 1), session) is None
    mark_loaded(session, 2027, loaded=False)
    assert calendar_gap_banner(D(2026, 12, 1), session) == BANNER_2027


def test_banner_for_the_current_unknown_year_with_one_query(session):
    with count_queries(session) as statements:
        assert calendar_gap_banner(D(2027, 3, 1), session) == BANNER_2027
    assert len(statements) == 1
    holiday(session, D(2027, 10, 1))
    mark_loaded(session, 2027)
    assert calendar_gap_banner(D(2027, 3, 1), session) is None
    assert calendar_gap_banner(D(2027, 11, 2), session) == (
        "2028 年工作日历未加载：请在工作日历中录入节假日与调休工作日，并标记为已加载 (calendar for 2028 not loaded)")


def test_banner_names_both_years_when_neither_is_loaded(session):
    assert calendar_gap_banner(D(2027, 12, 1), session) == (
        "2027、2028 年工作日历未加载：请在工作日历中录入节假日与调休工作日，并标记为已加载 "
        "(calendar for 2027, 2028 not loaded)")


def test_banner_logs_each_missing_year_once_per_process(session, caplog, monkeypatch):
    monkeypatch.setattr(calendar, "_LOGGED_GAPS", set())
    with caplog.at_level(logging.INFO, logger="ltc.core.calendar"):
        for _ in range(3):
            calendar_gap_banner(D(2027, 3, 1), session)
    assert [r.getMessage() for r in caplog.records].count(
        "working-day calendar for 2027 not loaded: enter its holidays and in-lieu workdays, "
        "then mark the year loaded") == 1


def test_marking_a_year_loaded_is_audited_and_names_who_and_when(session, world):
    admin = Actor(world.users["mia_admin"].id, world.mia.id, "mia_admin")
    holiday(session, D(2027, 1, 1), "元旦")
    row = mark_year_loaded(session, 2027, loaded=True, actor=admin, now=NOW)
    assert (row.loaded, row.loaded_by, row.loaded_at) == (True, admin.user_id, NOW)
    assert loaded_years(session, [2026, 2027, 2028]) == {2026, 2027}
    mark_year_loaded(session, 2027, loaded=False, actor=admin, now=NOW)
    assert session.get(CalendarYear, 2027).loaded_by is None
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "calendar_year")
                              .order_by(AuditEntry.id)).all()
    assert [(e.action, e.entity_id, e.after["loaded"]) for e in entries] == [
        ("mark_loaded", "2027", True), ("mark_not_loaded", "2027", False)]


def test_a_year_without_any_override_cannot_be_marked_loaded(session):
    with pytest.raises(ValidationFailed) as caught:
        mark_loaded(session, 2027)
    assert caught.value.fields == {"year": "no overrides"}
    assert session.get(CalendarYear, 2027) is None


def test_every_override_change_announces_the_days_it_touched(session, monkeypatch):
    seen: list[CalendarChanged] = []
    monkeypatch.setattr(events.hub, "_handlers", {CalendarChanged: [lambda s, e: seen.append(e)]})
    holiday(session, D(2027, 10, 1), "国庆")
    holiday(session, D(2027, 10, 1), "国庆")                  # the same again: nothing changed
    holiday(session, D(2027, 10, 1), "国庆节")                # a new note moves no due date
    counts = set_overrides(session, [OverrideInput(D(2027, 10, 2), False, "国庆"),
                                     OverrideInput(D(2027, 10, 1), False, "国庆节"),
                                     OverrideInput(D(2027, 9, 26), True, "国庆调休")], actor=SYSTEM, now=NOW)
    delete_override(session, D(2027, 9, 26), actor=SYSTEM, now=NOW)
    assert counts == {"create": 2, "update": 0, "unchanged": 1}
    assert [(e.first, e.last) for e in seen] == [(D(2027, 10, 1), D(2027, 10, 1)), (D(2027, 9, 26), D(2027, 10, 2)),
                                                 (D(2027, 9, 26), D(2027, 9, 26))]
