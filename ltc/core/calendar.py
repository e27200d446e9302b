"""Working-day calendar (SPEC §0.1).

A day is a working day according to the official Chinese calendar (package
``chinese_calendar``, which knows 2004–2026 only) unless the admin-editable override
table says otherwise; the override always wins. For a year the package does not know,
the fallback is "Monday to Friday" plus the overrides, and admins see a banner asking
them to enter that year's holidays and 调休 workdays.

``WorkCalendar`` is the pure part (overrides given as a mapping); the session-taking
functions load the overrides of the needed date range with one query and delegate to it.

A year is **loaded** when the official calendar knows it or an admin has marked it so
(``CalendarYear``) after entering its holidays and 调休 workdays; one override row is not
enough. Every change of the overrides publishes ``CalendarChanged`` so that the domains
holding stored due dates recompute their open ones (SPEC §0.1).
"""
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar
from sqlalchemy import Date, ForeignKey, String, exists, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ltc.core import audit, events
from ltc.core.audit import Actor
from ltc.core.clock import utcnow
from ltc.core.db import Base, UtcDateTime
from ltc.core.errors import NotFound, ValidationFailed

log = logging.getLogger(__name__)
ONE_DAY = timedelta(days=1)


class CalendarOverride(Base):
    """An admin's decision that ``day`` is (or is not) a working day."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(200))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarYear(Base):
    """An admin's statement that the holidays and 调休 workdays of ``year`` are all entered."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    loaded: Mapped[bool] = mapped_column(default=False)
    loaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    loaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class CalendarChanged:
    """Whether some days of ``[first, last]`` are working days changed (overrides written or
    removed). Subscribers recompute the open due dates the change may move."""

    first: date
    last: date
    actor: Actor
    now: datetime


# --- pure part -------------------------------------------------------------------------

@lru_cache(maxsize=64)
def official_calendar_knows(year: int) -> bool:
    """Whether ``chinese_calendar`` has the official holidays of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def official_is_workday(day: date) -> bool:
    """The official calendar's answer; Monday–Friday for a year the package does not know."""
    if official_calendar_knows(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


@dataclass(frozen=True)
class WorkCalendar:
    """Working days given the overrides (day → is_workday) of the range being asked about."""

    overrides: Mapping[date, bool] = field(default_factory=dict)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return official_is_workday(day)

    def add_working_days(self, start: date, n: int, *, last: date | None = None) -> date | None:
        """The n-th working day after ``start`` (``start`` excluded; n = 0 gives ``start``).

        Returns None when that day would lie after ``last`` (the end of the loaded range).
        Raises ValueError for a negative n.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        day, found = start, 0
        while found < n:
            day += ONE_DAY
            if last is not None and day > last:
                return None
            if self.is_workday(day):
                found += 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]``; 0 when b <= a."""
        count, day = 0, a + ONE_DAY
        while day <= b:
            count += self.is_workday(day)
            day += ONE_DAY
        return count


# --- with the database -----------------------------------------------------------------

def load_calendar(session: Session, first: date, last: date) -> WorkCalendar:
    """A WorkCalendar with the overrides of ``[first, last]`` (one query)."""
    rows = session.execute(
        select(CalendarOverride.day, CalendarOverride.is_workday)
        .where(CalendarOverride.day >= first, CalendarOverride.day <= last)
    )
    return WorkCalendar({day: bool(flag) for day, flag in rows})


def is_workday(session: Session, day: date) -> bool:
    return load_calendar(session, day, day).is_workday(day)


def add_working_days(session: Session, day: date, n: int) -> date:
    """The n-th working day after ``day`` (``day`` excluded): the due date of an n-day deadline.

    n = 0 returns ``day``. Loads the overrides of a window generous enough for the usual
    holidays in one query; a longer run of holidays widens the window. Raises ValueError
    for a negative n.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    span = n * 2 + 30
    while True:
        last = day + timedelta(days=span)
        result = load_calendar(session, day + ONE_DAY, last).add_working_days(day, n, last=last)
        if result is not None:
            return result
        span *= 4


def working_days_between(session: Session, a: date, b: date) -> int:
    """Working days in ``(a, b]`` (0 when b <= a)."""
    if b <= a:
        return 0
    return load_calendar(session, a + ONE_DAY, b).working_days_between(a, b)


def working_day_adder(session: Session, first: date, last: date) -> Callable[[date, int], date]:
    """``add_working_days`` for many deadlines at once: the overrides of ``[first, last]`` are
    loaded with one query; a deadline starting before or running past that range costs its own."""
    loaded = load_calendar(session, first, last)

    def add(day: date, n: int) -> date:
        if day >= first - ONE_DAY:
            result = loaded.add_working_days(day, n, last=last)
            if result is not None:
                return result
        return add_working_days(session, day, n)
    return add


# --- admin edits -----------------------------------------------------------------------

def _snapshot(row: CalendarOverride) -> dict:
    return {"day": row.day, "is_workday": row.is_workday, "note": row.note}


def _write_override(session: Session, day: date, is_workday: bool, note: str | None, *,
                    actor: Actor, now: datetime) -> tuple[str, bool]:
    """Create or update the override of ``day`` (audited). Returns the action (``create``,
    ``update`` or ``unchanged``) and whether the day's working-day status may have changed (a
    note alone changes no due date)."""
    note = (note or "").strip() or None
    if note is not None and len(note) > 200:
        raise ValidationFailed("备注不能超过 200 个字符", {"note": "too long"})
    row = session.get(CalendarOverride, day)
    before = _snapshot(row) if row is not None else None
    if before == {"day": day, "is_workday": is_workday, "note": note}:
        return "unchanged", False
    if row is None:
        row = CalendarOverride(day=day)
        session.add(row)
    row.is_workday, row.note, row.updated_by, row.updated_at = is_workday, note, actor.user_id, now
    session.flush()
    action = "create" if before is None else "update"
    audit.record(session, actor, action, "calendar_override", day.isoformat(), before=before,
                 after=_snapshot(row), now=now)
    return action, before is None or before["is_workday"] != is_workday


def _changed(session: Session, days: list[date], *, actor: Actor, now: datetime) -> None:
    if days:
        events.publish(session, CalendarChanged(first=min(days), last=max(days), actor=actor, now=now))


def set_override(session: Session, *, day: date, is_workday: bool, note: str | None,
                 actor: Actor, now: datetime) -> CalendarOverride:
    """Declare ``day`` a working day or a holiday (replacing an earlier override of that day);
    open due dates follow (``CalendarChanged``). Raises ValidationFailed (note too long)."""
    _action, moved = _write_override(session, day, is_workday, note, actor=actor, now=now)
    _changed(session, [day] if moved else [], actor=actor, now=now)
    return session.get(CalendarOverride, day)


@dataclass(frozen=True)
class OverrideInput:
    day: date
    is_workday: bool
    note: str | None = None


def set_overrides(session: Session, rows: Iterable[OverrideInput], *, actor: Actor,
                  now: datetime) -> dict[str, int]:
    """Write many overrides at once (e.g. a year's official schedule): each row is created,
    updated or left unchanged (so writing the same rows again changes nothing), each change
    audited; one ``CalendarChanged`` covers them. Returns the counts per action."""
    counts = {"create": 0, "update": 0, "unchanged": 0}
    changed = []
    for row in rows:
        action, moved = _write_override(session, row.day, row.is_workday, row.note, actor=actor, now=now)
        counts[action] += 1
        if moved:
            changed.append(row.day)
    _changed(session, changed, actor=actor, now=now)
    return counts


def delete_override(session: Session, day: date, *, actor: Actor, now: datetime) -> None:
    """Remove the override of ``day``: the official calendar (or the weekend rule) applies again.

    Raises NotFound when there is none.
    """
    row = session.get(CalendarOverride, day)
    if row is None:
        raise NotFound("该日期没有调整记录")
    before = _snapshot(row)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "delete", "calendar_override", day.isoformat(), before=before, now=now)
    _changed(session, [day], actor=actor, now=now)


# --- loaded years ------------------------------------------------------------------------

def _year_snapshot(row: CalendarYear | None) -> dict | None:
    return None if row is None else {"year": row.year, "loaded": row.loaded}


def mark_year_loaded(session: Session, year: int, *, loaded: bool, actor: Actor, now: datetime) -> CalendarYear:
    """Mark ``year`` loaded (its holidays and 调休 workdays are all entered) or not loaded again;
    audited. Raises ValidationFailed for a year outside 2000–2100, or when marking loaded a year
    the official calendar does not know and that has no override at all."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年份应在 2000–2100 之间", {"year": "out of range"})
    if loaded and not official_calendar_knows(year) and not _has_overrides(session, year):
        raise ValidationFailed("%(year)s 年尚未录入任何节假日或调休工作日，不能标记为已加载", {"year": "no overrides"},
                               params={"year": year})
    row = session.get(CalendarYear, year)
    before = _year_snapshot(row)
    if row is None:
        row = CalendarYear(year=year)
        session.add(row)
    row.loaded = loaded
    row.loaded_by, row.loaded_at = (actor.user_id, now) if loaded else (None, None)
    session.flush()
    audit.record(session, actor, "mark_loaded" if loaded else "mark_not_loaded", "calendar_year", year,
                 before=before, after=_year_snapshot(row), now=now)
    return row


def _has_overrides(session: Session, year: int) -> bool:
    return session.scalar(select(exists().where(CalendarOverride.day >= date(year, 1, 1),
                                                CalendarOverride.day < date(year + 1, 1, 1))))


def loaded_years(session: Session, years: Iterable[int]) -> set[int]:
    """Those of ``years`` that are loaded: known to the official calendar or marked loaded by an
    admin (one query, none when the official calendar knows them all)."""
    years = set(years)
    known = {y for y in years if official_calendar_knows(y)}
    unknown = years - known
    if not unknown:
        return known
    marked = session.scalars(select(CalendarYear.year).where(CalendarYear.year.in_(sorted(unknown)),
                                                             CalendarYear.loaded.is_(True)))
    return known | set(marked)


# --- banner for admins -----------------------------------------------------------------

_LOGGED_GAPS: set[int] = set()


def years_to_check(today: date) -> list[int]:
    """The current year, and from 1 November on also the next one."""
    return [today.year, today.year + 1] if today.month >= 11 else [today.year]


def calendar_gap_banner(today: date, session: Session) -> str | None:
    """A notice for admins while a year that matters is not loaded (neither known to the
    official calendar nor marked loaded; overrides alone are not enough).

    No query at all while the official calendar covers the years concerned; otherwise one.
    Logs each missing year once per process (a log line, never a warning).
    """
    years = years_to_check(today)
    missing = sorted(set(years) - loaded_years(session, years))
    if not missing:
        return None
    for year in missing:
        if year not in _LOGGED_GAPS:
            _LOGGED_GAPS.add(year)
            log.warning("working-day calendar for %s not loaded: enter its holidays and in-lieu workdays, "
                        "then mark the year loaded", year)
    years_zh = "、".join(str(y) for y in missing)
    return (f"{years_zh} 年工作日历未加载：请在工作日历中录入节假日与调休工作日，并标记为已加载 "
            f"(calendar for {', '.join(str(y) for y in missing)} not loaded)")
