"""The demo refreshes the supervision facts of every month the nightly job would, so the dashboards of
`make run` are filled (issue 13)."""
from datetime import date, datetime, timezone

from sqlalchemy import func, literal, select

from ltc.demo.supervision import load_supervision
from ltc.orgs.models import Organisation
from ltc.supervision import facts
from ltc.supervision.facts import FactSource
from ltc.supervision.jobs import months_to_refresh
from ltc.supervision.models import FactRefresh, MonthlyFact

NOW = datetime(2026, 6, 3, 2, 0, tzinfo=timezone.utc)


def test_the_demo_refreshes_every_month_of_the_nightly_job(session, world, monkeypatch):
    orgs = FactSource("test_orgs", lambda month: select(literal("东城区").label("district"),
                                                         func.count(Organisation.id).label("value")))
    monkeypatch.setattr(facts, "_SOURCES", {"test_orgs": orgs})
    units = months_to_refresh(session, due_at=NOW)
    assert "2026-06" in units
    assert load_supervision(session, now=NOW) == len(units)
    marked = session.scalars(select(FactRefresh.month).where(FactRefresh.metric == "test_orgs")).all()
    assert sorted(m.strftime("%Y-%m") for m in marked) == units
    june = session.scalar(select(MonthlyFact.value).where(MonthlyFact.month == date(2026, 6, 1)))
    assert june == session.scalar(select(func.count(Organisation.id)))
