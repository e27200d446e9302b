"""Working-day calendar (SPEC §0.1).

A day is a working day according to the official Chinese calendar (package
``chinese_calendar``, which knows 2004–2026 only) unless the admin-editable override
table says otherwise; the override always wins. For a year the package does not know,
the fallback is "Monday to Friday" plus the overrides, and admins see a banner asking
them to enter that year's holidays and 调休 workdays.

``WorkCalendar`` is the pure part (overrides given as a mapping); the session-taking
functions load the overrides of the needed date range with one query and delegate to it.
"""
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar
from sqlalchemy import Date, ForeignKey, String, exists, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import utcnow
from ltc.core.db import Base
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


# --- admin edits -----------------------------------------------------------------------

def _snapshot(row: CalendarOverride) -> dict:
    return {"day": row.day, "is_workday": row.is_workday, "note": row.note}


def set_override(session: Session, *, day: date, is_workday: bool, note: str | None,
                 actor: Actor, now: datetime) -> CalendarOverride:
    """Declare ``day`` a working day or a holiday (replacing an earlier override of that day)."""
    note = (note or "").strip() or None
    if note is not None and len(note) > 200:
        raise ValidationFailed("备注不能超过 200 个字符", {"note": "too long"})
    row = session.get(CalendarOverride, day)
    before = _snapshot(row) if row is not None else None
    if row is None:
        row = CalendarOverride(day=day)
        session.add(row)
    row.is_workday, row.note, row.updated_by, row.updated_at = is_workday, note, actor.user_id, now
    session.flush()
    audit.record(session, actor, "create" if before is None else "update", "calendar_override",
                 day.isoformat(), before=before, after=_snapshot(row), now=now)
    return row


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


# --- banner for admins -----------------------------------------------------------------

_LOGGED_GAPS: set[int] = set()


def years_to_check(today: date) -> list[int]:
    """The current year, and from 1 November on also the next one."""
    return [today.year, today.year + 1] if today.month >= 11 else [today.year]


def calendar_gap_banner(today: date, session: Session) -> str | None:
    """A notice for admins when a year that matters has neither official data nor overrides.

    No query at all while the official calendar covers the years concerned; otherwise one
    EXISTS query. Logs each missing year once per process (a log line, never a warning).
    """
    unknown = [y for y in years_to_check(today) if not official_calendar_knows(y)]
    if not unknown:
        return None
    probes = [exists().where(CalendarOverride.day >= date(y, 1, 1), CalendarOverride.day < date(y + 1, 1, 1))
              for y in unknown]
    loaded = session.execute(select(*probes)).one()
    missing = [y for y, has_rows in zip(unknown, loaded, strict=False) if not has_rows]
    if not missing:
        return None
    for year in missing:
        if year not in _LOGGED_GAPS:
            _LOGGED_GAPS.add(year)
            log.warning("working-day calendar for %s not loaded: enter its holidays and in-lieu workdays", year)
    years = "、".join(str(y) for y in missing)
    return (f"{years} 年工作日历未加载：节假日与调休请在工作日历中录入 "
            f"(calendar for {', '.join(str(y) for y in missing)} not loaded)")
