"""The chart cache (issue 13 point 2): rendered SVGs kept in the database, table ``supervision_chart_cache``.

Why the database and not the instance folder: every gunicorn worker (and every host) reads one cache, an
entry written by a request that then fails is rolled back with it, the tests' rolled-back transactions
keep one test's charts from another's, and the nightly job purges it with one DELETE. A chart request
may therefore write (``records_view`` marks it, so SQLite begins it with the write lock).

An entry's key is the digest of the figure, the filters, the viewer, the language and the **stamp** of
the facts of the filtered months (the newest refresh and the number of refresh marks): refreshing any of
those months changes the stamp, so an older entry is never read again. ``purge`` (the nightly refresh)
deletes the entries whose months a refresh replaced and any entry older than ``KEEP``.
"""
import hashlib
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ltc.supervision.figures import Filters, Viewer
from ltc.supervision.models import ChartCache, FactRefresh

KEEP = timedelta(days=7)


def facts_stamp(session: Session, months: Sequence[date]) -> str:
    """The refresh stamp of ``months``' facts: changes whenever one of them is refreshed."""
    newest, marks = session.execute(select(func.max(FactRefresh.refreshed_at), func.count(FactRefresh.id))
                                    .where(FactRefresh.month.in_(months))).one()
    return f"{newest.isoformat() if newest else '-'}|{marks}"


def as_of(session: Session, months: Sequence[date]) -> datetime | None:
    """When the figures of ``months`` were computed: the oldest refresh among the months refreshed so far
    (months before the scheme began are never refreshed); None when none was."""
    return session.scalar(select(func.min(FactRefresh.refreshed_at)).where(FactRefresh.month.in_(months)))


def cache_key(figure: str, filters: Filters, viewer: Viewer, lang: str, stamp: str) -> str:
    text = "\n".join((figure, filters.key(), viewer.audience.value, str(viewer.org_id or ""), lang, stamp))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_svg(session: Session, *, key: str, figure: str, filters: Filters, render: Callable[[], bytes],
               now: datetime) -> bytes:
    """The cached chart of ``key``, else ``render()`` it and keep it (a concurrent request that kept the
    same entry first wins; both answer the same chart)."""
    found = session.scalar(select(ChartCache.svg).where(ChartCache.key == key))
    if found is not None:
        return found.encode("utf-8")
    svg = render()
    try:
        with session.begin_nested():
            session.add(ChartCache(key=key, figure=figure, month_from=filters.month_from,
                                   month_to=filters.month_to, svg=svg.decode("utf-8"), created_at=now))
    except IntegrityError:
        pass  # the same entry, written by a concurrent request
    return svg


def purge(session: Session, *, now: datetime, month: date | None = None) -> int:
    """Delete the entries over ``month`` (just refreshed) and those older than ``KEEP``. Flushes."""
    stale = ChartCache.created_at < now - KEEP
    if month is not None:
        stale = stale | ((ChartCache.month_from <= month) & (ChartCache.month_to >= month))
    result = session.execute(delete(ChartCache).where(stale).execution_options(synchronize_session=False))
    session.flush()
    return result.rowcount
