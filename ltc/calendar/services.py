"""A year's official holiday schedule (国务院办公厅 notice: holidays and 调休 workdays) loaded from
a CSV/XLSX file instead of one date at a time (SPEC §0.1): preview, then apply.

Columns ``date,type,note`` (Chinese headers 日期、类型、备注 accepted); ``type`` is ``holiday``
or ``workday`` (or 节假日/放假/休 and 调休工作日/上班/班). The schedule's year is the one most of
its dates fall in; a date may also lie in the December before or the January after (a New Year
holiday that straddles two years). A 调休 workday must be a Saturday or a Sunday. Each row is
created, updated or left unchanged against the override table, so applying the same file again
changes nothing; overrides of that year the file does not list are kept. A file with any bad row
is rejected whole. The import is audited with the file's SHA-256; marking the year loaded is a
separate, explicit action (``ltc.core.calendar.mark_year_loaded``).
"""
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.calendar import CalendarOverride, OverrideInput, official_calendar_knows, set_overrides
from ltc.core.errors import ValidationFailed
from ltc.core.sheets import Preview, as_date, as_text, is_blank, read_table

FIELDS = ("date", "type", "note")
REQUIRED_COLUMNS = ("date", "type")
HEADER_ALIASES = {"日期": "date", "类型": "type", "备注": "note", "说明": "note"}
#: accepted spellings of the type column → is a working day
TYPES = {"holiday": False, "节假日": False, "放假": False, "休": False, "休息": False,
         "workday": True, "调休工作日": True, "工作日": True, "上班": True, "班": True}
TYPE_LABELS = {False: "节假日（休息）", True: "调休工作日"}
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MAX_ROWS = 400
NOTE_MAX = 200


@dataclass
class ScheduleRow:
    line: int
    day: date | None = None
    is_workday: bool | None = None
    note: str | None = None
    errors: list[str] = field(default_factory=list)
    action: str | None = None     # create / update / unchanged
    current: bool | None = None   # the stored override's is_workday, when there is one

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.day.weekday()] if self.day else ""


@dataclass
class SchedulePreview(Preview):
    rows: list[ScheduleRow] = field(default_factory=list)
    year: int | None = None
    #: overrides of the year's window that the file does not list (kept as they are)
    kept: int = 0

    @property
    def official_known(self) -> bool:
        return self.year is not None and official_calendar_knows(self.year)


def parse_row(line: int, cells: list, columns: list[str]) -> ScheduleRow:
    """One data row checked on its own: a date, a known type, a note of at most 200 characters,
    a 调休 workday on a weekend."""
    row = ScheduleRow(line=line)
    if not is_blank(cells[len(columns):]):
        row.errors.append("该行的单元格多于表头的列")
    raw = {name: cell for name, cell in zip(columns, cells, strict=False) if name}
    try:
        row.day = as_date(raw.get("date"))
    except ValueError as exc:
        row.errors.append(f"日期：{exc}")
    kind = as_text(raw.get("type"))
    row.is_workday = TYPES.get(kind.lower())
    if row.is_workday is None:
        row.errors.append(f"类型应为 holiday（节假日）或 workday（调休工作日）：{kind}")
    row.note = as_text(raw.get("note")) or None
    if row.note and len(row.note) > NOTE_MAX:
        row.errors.append(f"备注不能超过 {NOTE_MAX} 个字符")
    if row.is_workday and row.day and row.day.weekday() < 5:
        row.errors.append(f"调休工作日应为周六或周日（{row.day.isoformat()} 是{row.weekday}）")
    return row


def schedule_year(rows: list[ScheduleRow]) -> int | None:
    """The year most of the rows' dates fall in (the later one on a tie)."""
    counted = Counter(r.day.year for r in rows if r.day)
    return max(counted, key=lambda y: (counted[y], y)) if counted else None


def window(year: int) -> tuple[date, date]:
    """The days a schedule of ``year`` may name: from 1 December before to 31 January after."""
    return date(year - 1, 12, 1), date(year + 1, 1, 31)


def _check_dates(rows: list[ScheduleRow], year: int) -> None:
    first, last = window(year)
    seen: dict[date, int] = {}
    for row in rows:
        if row.day is None:
            continue
        if not first <= row.day <= last:
            row.errors.append(f"{row.day.isoformat()} 不属于 {year} 年的放假安排")
        if row.day in seen:
            row.errors.append(f"与第 {seen[row.day]} 行日期重复")
        seen.setdefault(row.day, row.line)


def classify(session: Session, result: SchedulePreview) -> None:
    """Each valid row is ``create``, ``update`` or ``unchanged`` against the stored overrides;
    counts the stored overrides of the window that the file does not list."""
    first, last = window(result.year)
    stored = {o.day: o for o in session.scalars(select(CalendarOverride).where(CalendarOverride.day >= first,
                                                                                CalendarOverride.day <= last))}
    for row in result.rows:
        if row.errors:
            continue
        existing = stored.get(row.day)
        row.current = None if existing is None else existing.is_workday
        if existing is None:
            row.action = "create"
        elif (existing.is_workday, existing.note) == (row.is_workday, row.note):
            row.action = "unchanged"
        else:
            row.action = "update"
    listed = {r.day for r in result.rows}
    result.kept = sum(1 for day in stored if day not in listed)


def preview(session: Session, data: bytes, filename: str, *, today: date) -> SchedulePreview:
    """Read and check a schedule file without writing anything."""
    result = SchedulePreview(filename=filename, sha256=hashlib.sha256(data).hexdigest(), today=today)
    table = read_table(result, data, aliases=HEADER_ALIASES, known=FIELDS, required=REQUIRED_COLUMNS,
                       max_rows=MAX_ROWS)
    if table is None:
        return result
    columns, body = table
    result.rows = [parse_row(line, cells, columns) for line, cells in body]
    result.year = schedule_year(result.rows)
    if result.year is None:
        return result
    _check_dates(result.rows, result.year)
    classify(session, result)
    return result


def apply(session: Session, result: SchedulePreview, *, actor: Actor, now: datetime) -> dict[str, int]:
    """Write a checked schedule: the overrides it lists (open due dates follow), audited with the
    file's hash. Returns the counts and the year. Raises ValidationFailed when it has any error."""
    if not result.ok:
        raise ValidationFailed("文件有错误，未导入任何数据", {"file": "has errors"})
    counts = set_overrides(session, [OverrideInput(r.day, r.is_workday, r.note) for r in result.rows],
                           actor=actor, now=now)
    audit.record(session, actor, "import", "calendar_year", result.year, now=now,
                 after={"file": result.filename, "sha256": result.sha256, **counts})
    return {**counts, "year": result.year}
