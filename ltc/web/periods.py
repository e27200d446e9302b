"""The one way a period is shown, on pages and notices alike: inclusive, "2026-04-01 至 2027-03-31 止"
(SPEC §0.1 stores periods half-open; the last day shown is the day before the stored end)."""
from datetime import date, timedelta

from flask_babel import gettext as _


def period_text(start: date | None, end: date | None, *, end_inclusive: bool = False) -> str:
    """``start 至 last day 止``; ``start 起（长期）`` without an end; ``—`` without a start. ``end`` is
    the stored, exclusive end unless ``end_inclusive`` (a publicity's last day)."""
    if start is None:
        return "—"
    if end is None:
        return _("%(start)s 起（长期）", start=start)
    last = end if end_inclusive else end - timedelta(days=1)
    return _("%(start)s 至 %(end)s 止", start=start, end=last)
