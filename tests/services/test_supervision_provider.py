"""The provider's own dashboard against hand-counted data, each figure read as the provider itself and as
the other provider (who sees none of it).

Nursing home (60 beds): persons C and D with institution entitlements (level 4) from February; stays —
C from 1 June (open), D 10–20 June, E a same-day stay on 5 June.
Home provider: June 3 a visit done; June 30 one done, one scheduled, one cancelled; May 12 one done;
June findings V03 (REJECT) and S01 (FLAG). Settlements: May paid (fund 1000.00, 85.50 deducted), June
submitted (800.00). Monthly stars: rated April ★3, May ★4.
"""
from datetime import date
from decimal import Decimal

import pytest

from ltc.supervision.figures import Audience, Filters, Viewer
from ltc.supervision.themes import provider as dashboard
from tests import care_figure_builders as b
from tests.compliance_db_builders import beneficiary, carer
from tests.people_builders import person

BOTH = Filters(b.MAY, b.JUNE)
METRICS = ("provider_beneficiaries", "census", "visits", "findings", "provider_stars")


@pytest.fixture
def data(session, world):
    c = beneficiary(session, world.provider2, 821, care_type="institution")
    d = beneficiary(session, world.provider2, 822, care_type="institution")
    e = person(session, 823)
    b.stay(session, world.provider2, c, date(2026, 6, 1))
    b.stay(session, world.provider2, d, date(2026, 6, 10), date(2026, 6, 20))
    b.stay(session, world.provider2, e, date(2026, 6, 5), date(2026, 6, 5))
    a, c1 = person(session, 824), carer(session, world.provider, 1)
    first = b.visit(session, world.provider, a, c1, "2026-06-03")
    b.visit(session, world.provider, a, c1, "2026-06-30")
    b.visit(session, world.provider, a, c1, "2026-06-30", status="scheduled", hour=14)
    b.visit(session, world.provider, a, c1, "2026-06-30", status="cancelled", hour=16)
    b.visit(session, world.provider, a, c1, "2026-05-12")
    b.finding(session, first, "V03")
    b.finding(session, first, "S01")
    b.settlement(session, world.provider, b.MAY, "paid", "1000.00", deducted="85.50")
    b.settlement(session, world.provider, b.JUNE, "submitted", "800.00")
    b.stars(session, world.provider, {date(2026, 4, 1): 3, b.MAY: 4})
    b.refresh(session, METRICS, b.MAY, b.JUNE)
    return world


def own(world, org):
    return Viewer(Audience.PROVIDER, org.id)


def test_today_is_the_last_day_of_a_month_already_over():
    assert dashboard.business_day(BOTH, today=date(2026, 12, 4)) == date(2026, 6, 30)
    assert dashboard.business_day(Filters(b.MAY, date(2026, 12, 1)), today=date(2026, 12, 4)) == date(2026, 12, 4)


def test_census_today_counts_the_beds_held_next_to_the_beds(session, data):
    table = dashboard.census_today(session, own(data, data.provider2), BOTH)
    assert table.rows == (("institution", 1, 60),)
    assert table.notes[0]["params"] == {"day": "2026-06-30"}
    may_31 = dashboard.census_today(session, own(data, data.provider2), Filters(b.MAY, b.MAY))
    assert may_31.rows == ()   # nobody in on 31 May
    assert dashboard.census_today(session, own(data, data.provider), BOTH).rows == ()


def test_visits_today_done_against_scheduled(session, data):
    assert dashboard.visits_today(session, own(data, data.provider), BOTH).rows == (("home", 1, 2),)
    assert dashboard.visits_today(session, own(data, data.provider2), BOTH).rows == ()


def test_beneficiaries_per_month_by_level_and_care_type(session, data):
    viewer = own(data, data.provider2)
    by_level = dashboard.beneficiaries_by_level(session, viewer, BOTH)
    assert [c.title for c in by_level.columns] == ["月份", "重度失能Ⅱ级"]
    assert by_level.rows == ((b.MAY, 2), (b.JUNE, 2))
    assert dashboard.beneficiaries_by_care_type(session, viewer, BOTH).rows == ((b.MAY, 2), (b.JUNE, 2))
    assert dashboard.beneficiaries_by_level(session, own(data, data.provider), BOTH).rows == (
        (b.MAY,), (b.JUNE,))


def test_census_at_month_end_and_visits_per_month(session, data):
    assert dashboard.census_by_month(session, own(data, data.provider2), BOTH).rows == ((b.MAY, 0), (b.JUNE, 1))
    assert dashboard.visits_by_month(session, own(data, data.provider), BOTH).rows == ((b.MAY, 1, 1), (b.JUNE, 2, 3))
    assert dashboard.visits_by_month(session, own(data, data.provider2), BOTH).rows == ((b.MAY, 0, 0), (b.JUNE, 0, 0))


def test_findings_trend_by_severity(session, data):
    assert dashboard.severity_by_month(session, own(data, data.provider), BOTH).rows == (
        (b.MAY, 0, 0, 0), (b.JUNE, 1, 1, 0))
    assert dashboard.severity_by_month(session, own(data, data.provider2), BOTH).rows == (
        (b.MAY, 0, 0, 0), (b.JUNE, 0, 0, 0))


def test_settlement_status_per_month(session, data):
    d = Decimal
    assert dashboard.settlements(session, own(data, data.provider), BOTH).rows == (
        (b.MAY, "paid", d("2000.00"), d("1000.00"), d("85.50"), d("1000.00")),
        (b.JUNE, "submitted", d("1600.00"), d("800.00"), d("0.00"), d("800.00")))
    assert dashboard.settlements(session, own(data, data.provider2), BOTH).rows == ()


def test_monthly_stars_over_time(session, data):
    assert dashboard.stars(session, own(data, data.provider), BOTH).rows == ((b.MAY, 3), (b.JUNE, 4))
    assert dashboard.stars(session, own(data, data.provider2), BOTH).rows == ((b.MAY, None), (b.JUNE, None))


def test_only_a_provider_reads_its_dashboard(session, data):
    mia = Viewer(Audience.MIA)
    assert all(f.audiences == {Audience.PROVIDER} for f in dashboard.FIGURES)
    assert dashboard.settlements(session, mia, BOTH).rows == ()
    assert dashboard.visits_today(session, mia, BOTH).rows == ()


def test_every_provider_chart_draws(session, data):
    for org in (data.provider, data.provider2):
        charts = b.rendered(session, dashboard.FIGURES, own(data, org), BOTH)
        assert set(charts) == {f.key for f in dashboard.FIGURES}
        assert all(b"<svg" in svg and b"<script" not in svg for svg in charts.values())
