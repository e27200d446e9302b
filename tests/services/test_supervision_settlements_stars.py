"""The settlements and stars themes against hand-counted data: the home provider lies in 东城区 (the
insurer's), the nursing home in 南区 (not the insurer's).

Settlements: May — home paid 1000.00, nursing home approved 500.00; June — home submitted 800.00,
nursing home a draft 300.00. Refusals of May: home NOT_DELIVERED 50.00 + 25.50 and LOCATION 10.00 (and one
record paid); nursing home NOT_DELIVERED 20.00.
Stars (rated month → stars, in force from the next month's 1st): home March 3, April 3, May 4;
nursing home April 2, May 2.
"""
from datetime import date
from decimal import Decimal

import pytest

from ltc.supervision.figures import Audience, Filters, Viewer
from ltc.supervision.themes import settlements, stars
from tests import care_figure_builders as b
from tests.people_builders import person

MIA = Viewer(Audience.MIA)
BOTH = Filters(b.MAY, b.JUNE)


@pytest.fixture
def located(session, world):
    b.located(session, world.provider, "东城区")
    b.located(session, world.provider2, "南区")
    return world


@pytest.fixture
def settled(session, located):
    w = located
    someone = person(session, 811, district="东城区")
    may_home = b.settlement(session, w.provider, b.MAY, "paid", "1000.00")
    may_nursing = b.settlement(session, w.provider2, b.MAY, "approved", "500.00")
    b.settlement(session, w.provider, b.JUNE, "submitted", "800.00")
    b.settlement(session, w.provider2, b.JUNE, "draft", "300.00")
    for n, (reason, fund) in enumerate((("NOT_DELIVERED", "50.00"), ("NOT_DELIVERED", "25.50"),
                                        ("LOCATION", "10.00"))):
        b.decision(session, may_home, someone, "refuse", reason, fund, record_id=n + 1)
    b.decision(session, may_home, someone, "pay", None, "0.00", record_id=9)
    b.decision(session, may_nursing, someone, "refuse", "NOT_DELIVERED", "20.00", record_id=1)
    b.refresh(session, ("settlements", "settlement_fund", "refusals", "refused_fund"), b.MAY, b.JUNE)
    return w


def test_settlement_progress_counts_each_months_settlements_by_state(session, settled):
    table = settlements._progress("settlements", settlements.ValueKind.COUNT)(session, MIA, BOTH)
    assert [c.title for c in table.columns] == ["月份", "草稿", "已提交", "已退回", "已审核", "已审批", "已支付"]
    assert table.rows == ((b.MAY, 0, 0, 0, 0, 1, 1), (b.JUNE, 1, 1, 0, 0, 0, 0))


def test_settlement_progress_in_fund(session, settled):
    figure = next(f for f in settlements.FIGURES if f.key == "settlement_progress_fund")
    d = Decimal
    assert figure.compute(session, MIA, BOTH).rows == (
        (b.MAY, d("0.00"), d("0.00"), d("0.00"), d("0.00"), d("500.00"), d("1000.00")),
        (b.JUNE, d("300.00"), d("800.00"), d("0.00"), d("0.00"), d("0.00"), d("0.00")))


def test_refusals_by_reason_with_the_refused_fund(session, settled):
    table = settlements.refusals_by_reason(session, MIA, BOTH)
    assert table.rows == (("NOT_DELIVERED", 3, Decimal("95.50")), ("LOCATION", 1, Decimal("10.00")))
    assert table.columns[0].labels == "refusal_reason"


def test_an_insurer_sees_the_settlements_of_providers_in_its_districts(session, settled):
    insurer = Viewer(Audience.INSURER, settled.insurer.id)
    progress = settlements._progress("settlements", settlements.ValueKind.COUNT)(session, insurer, BOTH)
    assert progress.rows == ((b.MAY, 0, 0, 0, 0, 0, 1), (b.JUNE, 0, 1, 0, 0, 0, 0))
    assert settlements.refusals_by_reason(session, insurer, BOTH).rows == (
        ("NOT_DELIVERED", 2, Decimal("75.50")), ("LOCATION", 1, Decimal("10.00")))
    assert settlements.refusals_by_reason(session, MIA, Filters(b.JUNE, b.JUNE)).rows == ()


@pytest.fixture
def starred(session, located):
    w = located
    b.stars(session, w.provider, {date(2026, 3, 1): 3, date(2026, 4, 1): 3, b.MAY: 4})
    b.stars(session, w.provider2, {date(2026, 4, 1): 2, b.MAY: 2})
    b.refresh(session, ("provider_stars",), date(2026, 4, 1), b.MAY, b.JUNE)
    return w


def test_stars_distribution_counts_providers_by_the_star_in_force_on_the_1st(session, starred):
    assert stars.distribution(session, MIA, BOTH).rows == ((b.MAY, 0, 1, 1, 0, 0), (b.JUNE, 0, 1, 0, 1, 0))
    insurer = Viewer(Audience.INSURER, starred.insurer.id)
    assert stars.distribution(session, insurer, BOTH).rows == ((b.MAY, 0, 0, 1, 0, 0), (b.JUNE, 0, 0, 0, 1, 0))


def test_movers_name_the_providers_whose_star_changed_against_the_month_before(session, starred):
    # May: the home keeps ★3 (April's star was ★3 too), the nursing home had none before; June: ★3 → ★4
    assert stars.movers(session, MIA, BOTH).rows == ((b.JUNE, "居家护理甲", 3, 4),)
    assert stars.movers(session, MIA, Filters(b.MAY, b.MAY)).rows == ()
    assert stars.movers(session, MIA, Filters(b.JUNE, b.JUNE, district="南区")).rows == ()


def test_every_settlement_and_star_chart_draws(session, settled, starred):
    charts = b.rendered(session, settlements.FIGURES + stars.FIGURES, MIA, BOTH)
    assert set(charts) == {"settlement_progress", "settlement_progress_fund", "settlement_refusals",
                           "stars_distribution"}
    assert all(b"<svg" in svg and b"<script" not in svg for svg in charts.values())
