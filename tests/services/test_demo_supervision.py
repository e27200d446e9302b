"""The demo refreshes the supervision facts of the nightly job's months within the last 13 (the dashboards'
default and the report's), so the dashboards of `make run` are filled (issue 13); the history before them
is the scheduler's back-fill."""
from datetime import date, datetime, timezone

from sqlalchemy import func, literal, select

from ltc.demo.supervision import load_supervision
from ltc.orgs.models import Organisation
from ltc.supervision import facts
from ltc.supervision.facts import FactSource
from ltc.supervision.jobs import months_to_refresh
from ltc.supervision.models import FactRefresh, MonthlyFact

NOW = datetime(2026, 6, 3, 2, 0, tzinfo=timezone.utc)


def test_the_demo_refreshes_the_nightly_jobs_months_of_the_last_13(session, world, monkeypatch):
    orgs = FactSource("test_orgs", lambda month: select(literal("东城区").label("district"),
                                                         func.count(Organisation.id).label("value")))
    monkeypatch.setattr(facts, "_SOURCES", {"test_orgs": orgs})
    units = [u for u in months_to_refresh(session, due_at=NOW) if u >= "2025-06"]
    assert units[0] == "2025-06" and units[-1] == "2026-06"
    assert load_supervision(session, now=NOW) == len(units)
    marked = session.scalars(select(FactRefresh.month).where(FactRefresh.metric == "test_orgs")).all()
    assert sorted(m.strftime("%Y-%m") for m in marked) == units
    june = session.scalar(select(MonthlyFact.value).where(MonthlyFact.month == date(2026, 6, 1)))
    assert june == session.scalar(select(func.count(Organisation.id)))
