"""The monthly facts: the set-based refresh replaces a month whole, and the reader sums them per viewer
(an insurer by its contracts in each month, a provider or agency its own rows) and filters."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Integer, String, cast, literal, select, union_all

from ltc.supervision import facts
from ltc.supervision.facts import FactSource, fact_rows, fact_total, refresh_month
from ltc.supervision.figures import Audience, Dim, Filters, Viewer
from ltc.supervision.models import FactRefresh, MonthlyFact
from tests import builders

NOW = datetime(2026, 3, 5, 21, 0, tzinfo=timezone.utc)


def _rows(*rows):
    """A SELECT of literal fact rows (district, care_type, level, provider_id, value)."""
    return union_all(*(select(literal(d, String).label("district"), literal(c, String).label("care_type"),
                              cast(literal(lv), Integer).label("level"),
                              cast(literal(p), Integer).label("provider_id"), literal(Decimal(v)).label("value"))
                       for d, c, lv, p, v in rows))


@pytest.fixture
def source(session, world, monkeypatch):
    data = {}
    src = FactSource("test_people", lambda month: select(_rows(*data[month]).subquery()))
    monkeypatch.setattr(facts, "_SOURCES", {"test_people": src})
    return data


def test_refresh_replaces_the_month_and_records_when(session, world, source):
    p = world.provider.id
    source[date(2026, 2, 1)] = [("东城区", "home", 1, p, "3"), ("西城区", "home", 2, p, "2")]
    assert refresh_month(session, date(2026, 2, 14), now=NOW) == 2
    source[date(2026, 2, 1)] = [("东城区", "home", 1, p, "4")]
    assert refresh_month(session, date(2026, 2, 1), now=NOW) == 1
    rows = session.execute(select(MonthlyFact.district, MonthlyFact.value)
                           .where(MonthlyFact.metric == "test_people")).all()
    assert rows == [("东城区", Decimal("4.00"))]
    mark = session.scalar(select(FactRefresh).where(FactRefresh.metric == "test_people"))
    assert (mark.month, mark.rows, mark.refreshed_at) == (date(2026, 2, 1), 1, NOW)


def test_the_reader_sums_per_viewer_and_filter(session, world, source):
    p, p2 = world.provider.id, world.provider2.id
    other = builders.org(session, "insurer", "另一保险公司", 90, districts=["南区"])
    source[date(2026, 1, 1)] = [("东城区", "home", 1, p, "3"), ("南区", "institution", 2, p2, "5")]
    source[date(2026, 2, 1)] = [("东城区", "home", 2, p, "1"), ("西城区", "home", 1, p2, "2")]
    for month in source:
        refresh_month(session, month, now=NOW)
    months = Filters(date(2026, 1, 1), date(2026, 2, 1))
    city = Viewer(Audience.MIA)
    assert fact_rows(session, "test_people", city, months) == [
        (date(2026, 1, 1), Decimal("8.00")), (date(2026, 2, 1), Decimal("3.00"))]
    assert fact_total(session, "test_people", Viewer(Audience.INSURER, world.insurer.id), months) == Decimal("6.00")
    assert fact_total(session, "test_people", Viewer(Audience.INSURER, other.id), months) == Decimal("5.00")
    assert fact_total(session, "test_people", Viewer(Audience.PROVIDER, p2), months) == Decimal("7.00")
    assert fact_total(session, "test_people", Viewer(Audience.AGENCY, world.agency.id), months) == Decimal("0.00")
    home_level_1 = Filters(date(2026, 1, 1), date(2026, 2, 1), care_type="home", level=1)
    assert fact_rows(session, "test_people", city, home_level_1, by=("district",)) == [
        ("东城区", Decimal("3.00")), ("西城区", Decimal("2.00"))]
    # a figure that does not honour the level filter ignores it
    assert fact_total(session, "test_people", city, home_level_1, dims=frozenset({Dim.CARE_TYPE})) == Decimal("6.00")


def test_two_refreshes_of_one_month_take_turns(app, session, world, source):
    """On PostgreSQL a refresh holds the month's lock until its transaction ends: a second session's refresh
    of the same month waits (here: cannot take the lock), another month's does not."""
    from sqlalchemy import func
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL advisory locks")
    from ltc.extensions import db
    source[date(2026, 2, 1)] = [("东城区", "home", 1, world.provider.id, "1")]
    refresh_month(session, date(2026, 2, 1), now=NOW)
    with db.engine.connect() as other:
        key = facts.LOCK_SPACE
        assert other.scalar(select(func.pg_try_advisory_xact_lock(key, 202602))) is False
        assert other.scalar(select(func.pg_try_advisory_xact_lock(key, 202603))) is True
        other.rollback()
