"""The fund theme against hand-counted settlements: fund per service month (settled vs claimed, late and
adjustment lines in the month they correct, deposit releases and superseded revisions left out), the
year-to-date fund against the pro-rata budget with the budget alert on and off at its threshold, the fund
per beneficiary-month, and an insurer's scope."""
import copy
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from ltc.policy.models import PolicyVersion
from ltc.supervision import facts
from ltc.supervision.facts import refresh_month
from ltc.supervision.figures import Audience, Filters, Viewer
from ltc.supervision.themes import beneficiaries, fund
from tests import builders
from tests.people_builders import person
from tests.supervision_builders import entitlement, settlement

NOW = datetime(2026, 4, 2, 21, 0, tzinfo=timezone.utc)
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
Q1 = Filters(JAN, MAR)
CITY = Viewer(Audience.MIA)
D = Decimal


@pytest.fixture
def money(session, world, monkeypatch):
    monkeypatch.setattr(facts, "_SOURCES", {s.metric: s for s in (*beneficiaries.FACT_SOURCES, *fund.FACT_SOURCES)})
    builders.org(session, "insurer", "南区保险公司", 90, districts=["南区"])
    p1, p2, p3 = (person(session, n, district=d, name=f"参保人{n}", valid_from=date(2025, 1, 1))
                  for n, d in ((1, "东城区"), (2, "西城区"), (3, "南区")))
    home, inst = world.provider, world.provider2
    for who, at, care, level in ((p1, home, "home", 3), (p2, inst, "institution", 4), (p3, home, "home", 4)):
        entitlement(session, who, at, care_type=care, level=level, valid_from=JAN, valid_to=date(2027, 1, 1))
    settlement(session, home, JAN, "approved", (p1, "home", 3, "1000.00"), (p3, "home", 4, "500.00"))
    settlement(session, inst, JAN, "paid", (p2, "institution", 4, "1200.00"))
    settlement(session, home, FEB, "submitted", (p1, "home", 3, "800.00"), (p1, "home", 3, "100.00", "late", JAN, None))
    settlement(session, inst, FEB, "draft", (p2, "institution", 4, "1100.00"),
               (None, None, None, "50.00", "adjustment", JAN, "deposit_release"))
    settlement(session, inst, MAR, "approved", (p2, "institution", 4, "-100.00", "adjustment", FEB, "reevaluation"))
    for month in (JAN, FEB, MAR):
        refresh_month(session, month, now=NOW)
    return world


def _data(session, key, viewer=CITY, filters=Q1):
    figure = next(f for f in fund.FIGURES if f.key == key)
    return figure.compute(session, viewer, filters)


def _rows(session, key, viewer=CITY, filters=Q1):
    return [list(r) for r in _data(session, key, viewer, filters).rows]


def test_fund_by_service_month_settled_and_claimed(session, money):
    assert _rows(session, "fund_by_month") == [[JAN, D("2700.00"), D("100.00")], [FEB, D("-100.00"), D("1900.00")],
                                               [MAR, D("0.00"), D("0.00")]]


def test_an_insurer_sees_the_fund_of_its_districts_only(session, money):
    insurer = Viewer(Audience.INSURER, money.insurer.id)
    assert _rows(session, "fund_by_month", insurer) == [[JAN, D("2200.00"), D("100.00")],
                                                        [FEB, D("-100.00"), D("1900.00")], [MAR, D("0"), D("0")]]
    assert _rows(session, "fund_per_beneficiary_month", insurer) == [["institution", None, D("1200.00")],
                                                                     ["home", D("1000.00"), None]]
    assert not any(f.key == "fund_budget" and Audience.INSURER in f.audiences for f in fund.FIGURES)


def test_fund_per_beneficiary_month_counts_the_settled_months_only(session, money):
    data = _data(session, "fund_per_beneficiary_month")
    assert [c.title for c in data.columns] == ["服务形式", "重度失能Ⅰ级", "重度失能Ⅱ级"]
    assert [list(r) for r in data.rows] == [["institution", None, D("1200.00")], ["home", D("1000.00"), D("500.00")]]


def _budget(session, home: str, margin: str) -> None:
    version = session.scalar(select(PolicyVersion).where(PolicyVersion.number == 1))
    sections = copy.deepcopy(version.sections)
    sections["fund_budget"]["annual_budget"]["home"] = home
    sections["fund_budget"]["alert_margin"] = margin
    version.sections = sections
    session.flush()


def test_year_to_date_fund_against_the_pro_rata_budget(session, money):
    _budget(session, "12000.00", "0.20")
    data = _data(session, "fund_budget", filters=Filters(JAN, MAR, care_type="home"))
    assert [list(r) for r in data.rows] == [[JAN, D("1600.00"), D("1000.00"), D("12000.00")],
                                            [FEB, D("2400.00"), D("2000.00"), D("12000.00")],
                                            [MAR, D("2400.00"), D("3000.00"), D("12000.00")]]
    # February is the last month with fund: 2400.00 is not above 2000.00 × 1.20 = 2400.00
    assert data.notes == ()


def test_the_budget_alert_fires_above_the_threshold(session, money):
    _budget(session, "11999.94", "0.20")          # pro rata by February 1999.99: threshold 2399.988
    [alert] = _data(session, "fund_budget").notes
    assert alert["params"] | {} == {"care_type": "居家上门护理", "care_type_code": "home", "month": "2026-02",
                                    "spent": "2400.00", "budget": "1999.99", "margin": "20%"}
    assert _data(session, "fund_budget", filters=Filters(JAN, MAR, care_type="institution")).notes == ()
