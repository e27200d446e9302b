"""How billing documents print values (pure): Chinese dates and periods, units of service, money,
the service dates a line's records gave, and a line's explanation (a msgid with its parameters).
PDFs are official Chinese documents: they print the Chinese labels, not the user's language."""
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from ltc.billing.kinds import Unit

ONE_DAY = timedelta(days=1)
MAX_DATES = 12   # service dates printed one by one; more are summarised


def cn_month(month: date) -> str:
    return f"{month.year}年{month.month}月"


def short_date(day: date) -> str:
    return f"{day.month}月{day.day}日"


def period_text(start: date, end: date) -> str:
    """A half-open period ``[start, end)`` as its first and last day: ``3月1日—3月31日``."""
    last = end - ONE_DAY
    return short_date(start) if last <= start else f"{short_date(start)}—{short_date(last)}"


def units_text(unit: str, units: int) -> str:
    """Payable units as people say them: 18 床日, 2小时5分钟, 3 次, 服务包."""
    if unit == Unit.MINUTE:
        hours, minutes = divmod(units, 60)
        return (f"{hours}小时" if hours else "") + (f"{minutes}分钟" if minutes or not hours else "")
    if unit == Unit.PACKAGE:
        return "服务包" if units else "服务包（不予支付）"
    return f"{units}{'床日' if unit == Unit.DAY else '次'}"


def money_text(value: Decimal | None) -> str:
    """``1,234.50`` (two decimals, thousands separated)."""
    return "" if value is None else f"{value:,.2f}"


def ratio_text(ratio: Decimal | None) -> str:
    return "" if ratio is None else f"{(ratio * 100).normalize():f}%"


def dates_text(runs: Iterable[tuple[date, date | None]]) -> str:
    """The service dates of a line's records: visit dates (``service_to`` None) and runs of
    bed-days ``[service_date, service_to)``, merged and printed in order."""
    days: set[date] = set()
    for start, end in runs:
        day = start
        while True:
            days.add(day)
            day += ONE_DAY
            if end is None or day >= end:
                break
    return _runs_text(sorted(days))


def _runs_text(days: list[date]) -> str:
    runs: list[list[date]] = []
    for day in days:
        if runs and runs[-1][1] + ONE_DAY == day:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    parts = [short_date(a) if a == b else f"{short_date(a)}—{short_date(b)}" for a, b in runs]
    if len(parts) > MAX_DATES:
        parts = parts[:MAX_DATES] + [f"等{len(days)}天"]
    return "、".join(parts)


def explained(note: str | None, params: dict | None) -> str:
    """A stored msgid with ``%(name)s`` placeholders, filled in (the Chinese text); blank when none."""
    if not note:
        return ""
    try:
        return note % (params or {})
    except (KeyError, TypeError, ValueError):
        return note
