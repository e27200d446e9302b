"""The chart cache (issue 13 point 2): an entry per figure, filters, viewer, language and facts stamp; a
refresh of a month changes the stamp and the nightly refresh purges the entries over that month."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from ltc.supervision import facts
from ltc.supervision.cache import as_of, cache_key, cached_svg, facts_stamp, purge
from ltc.supervision.figures import Audience, Filters, Viewer
from ltc.supervision.jobs import refresh_unit
from ltc.supervision.models import ChartCache, FactRefresh

NOW = datetime(2026, 6, 3, 21, 0, tzinfo=timezone.utc)
APRIL, MAY, JUNE = date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)


def keep(session, filters: Filters, body: bytes = b"<svg/>", *, now=NOW, lang="zh") -> str:
    key = cache_key("f", filters, Viewer(Audience.MIA), lang, facts_stamp(session, filters.months))
    cached_svg(session, key=key, figure="f", filters=filters, render=lambda: body, now=now)
    return key


def test_a_kept_chart_is_read_back_and_not_rendered_again(session):
    filters = Filters(APRIL, MAY)
    keep(session, filters, b"<svg>first</svg>")
    calls = []
    key = cache_key("f", filters, Viewer(Audience.MIA), "zh", facts_stamp(session, filters.months))
    again = cached_svg(session, key=key, figure="f", filters=filters, render=lambda: calls.append(1) or b"x", now=NOW)
    assert again == b"<svg>first</svg>" and calls == []
    assert keep(session, filters, lang="en") != key  # each language, viewer and filters its own entry
    assert cache_key("f", filters, Viewer(Audience.INSURER, 7), "zh", "s") != cache_key(
        "f", filters, Viewer(Audience.INSURER, 8), "zh", "s")


def test_the_stamp_changes_with_any_refresh_of_the_months(session):
    months = (APRIL, MAY)
    before = facts_stamp(session, months)
    assert as_of(session, months) is None
    session.add(FactRefresh(month=APRIL, metric="m", refreshed_at=NOW, rows=1))
    session.flush()
    first = facts_stamp(session, months)
    session.add(FactRefresh(month=MAY, metric="m", refreshed_at=NOW - timedelta(days=9), rows=1))
    session.flush()
    second = facts_stamp(session, months)
    assert len({before, first, second}) == 3
    assert as_of(session, months) == NOW - timedelta(days=9)  # the oldest of the months refreshed
    assert facts_stamp(session, (JUNE,)) == before  # other months leave it alone


def test_the_nightly_refresh_purges_the_charts_over_its_month_and_old_ones(session, monkeypatch):
    monkeypatch.setattr(facts, "_SOURCES", {})
    over_may, april_only = keep(session, Filters(APRIL, MAY)), keep(session, Filters(APRIL, APRIL))
    june = keep(session, Filters(JUNE, JUNE))
    stale = keep(session, Filters(JUNE, JUNE), lang="en", now=NOW - timedelta(days=8))
    assert refresh_unit(session, "2026-05", now=NOW, due_at=NOW) == {"rows": 0, "charts_purged": 2}
    assert set(session.scalars(select(ChartCache.key))) == {april_only, june}
    assert over_may and stale
    assert purge(session, now=NOW + timedelta(days=8)) == 2
