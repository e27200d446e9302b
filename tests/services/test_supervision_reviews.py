"""The review SLA figures (issue 13 point 1; SPEC §4.1, §0.1) against hand-counted stages: the share of stages
decided by their due date, per party and step and per month of entry; the insurer sees its districts only."""
from datetime import date
from decimal import Decimal

from ltc.core.periods import add_period
from ltc.providers.models import ProviderDistrictPeriod
from ltc.supervision.figures import Audience, Filters, Viewer, get_figure
from ltc.supervision.themes import reviews
from tests.builders import district
from tests.assessment_fact_builders import noon, refreshed, review_case, someone, stage
from tests.conftest import NOW
from tests.review_builders import approve_through, opened, plan_for

FEB, MAR = date(2026, 2, 1), date(2026, 3, 1)
MIA = Viewer(Audience.MIA)


def _stages(session, world):
    w = world
    east = review_case(session, person_id=someone(session).id)
    stage(session, east, "provider", "provider", w.provider.id, entered_on=date(2026, 3, 2), due_on=date(2026, 3, 5),
          left_on=date(2026, 3, 5))                                                      # on its due date: on time
    stage(session, east, "insurer", "insurer", w.insurer.id, entered_on=date(2026, 3, 6), due_on=date(2026, 3, 11),
          left_on=date(2026, 3, 12))                                                     # a day late
    stage(session, east, "mia", "mia", w.mia.id, entered_on=date(2026, 3, 12), due_on=date(2026, 3, 17))  # open
    west = review_case(session, person_id=someone(session, "西城区").id)
    stage(session, west, "provider", "provider", w.provider.id, entered_on=date(2026, 3, 3), due_on=date(2026, 3, 6),
          left_on=date(2026, 3, 4), decision="return")
    stage(session, west, "insurer", "insurer", w.insurer.id, entered_on=date(2026, 2, 26), due_on=date(2026, 3, 3),
          left_on=date(2026, 3, 3))                                                      # entered in February
    stage(session, west, "agency", "agency", w.agency.id, entered_on=date(2026, 3, 9), due_on=date(2026, 3, 12),
          left_on=date(2026, 3, 20), decision=None)                                      # cancelled: not decided
    # a settlement: no person; the district of its provider (南区) on the entry date
    district(session, "南区")
    add_period(session, ProviderDistrictPeriod, org_id=w.provider2.id, district="南区", valid_from=date(2025, 1, 1))
    settlement = review_case(session, provider_id=w.provider2.id, case_type="settlement")
    stage(session, settlement, "insurer", "audit", w.insurer.id, entered_on=date(2026, 3, 10),
          due_on=date(2026, 3, 13), left_on=date(2026, 3, 13))
    refreshed(session, FEB, MAR, metrics=[reviews.DECIDED, reviews.ON_TIME])


def test_review_sla_by_party_and_step(session, world):
    _stages(session, world)
    data = get_figure("review_sla_by_step").compute(session, MIA, Filters(FEB, MAR))
    assert [c.title for c in data.columns] == ["办理方", "审核步骤", "已决定步骤数", "按时决定数", "按时率"]
    assert data.rows == (("provider", "provider", 2, 2, Decimal("1.0000")),
                         ("insurer", "audit", 1, 1, Decimal("1.0000")),
                         ("insurer", "insurer", 2, 1, Decimal("0.5000")))
    assert (data.columns[0].labels, data.columns[1].labels) == ("org_kind", "review_step")
    march = get_figure("review_sla_by_step").compute(session, MIA, Filters(MAR, MAR))
    assert march.rows[2] == ("insurer", "insurer", 1, 0, Decimal("0.0000"))


def test_review_sla_by_month_of_entry_per_party(session, world):
    _stages(session, world)
    data = get_figure("review_sla_by_month").compute(session, MIA, Filters(FEB, MAR))
    assert [c.title for c in data.columns] == ["进入月份", "定点护理服务机构", "承办商保公司"]
    assert data.rows == ((FEB, None, Decimal("1.0000")), (MAR, Decimal("1.0000"), Decimal("0.5000")))


def test_the_insurer_sees_the_stages_of_its_districts(session, world):
    _stages(session, world)
    insurer = Viewer(Audience.INSURER, world.insurer.id)
    data = get_figure("review_sla_by_step").compute(session, insurer, Filters(FEB, MAR))
    assert [row[:3] for row in data.rows] == [("provider", "provider", 2), ("insurer", "insurer", 2)]
    south = get_figure("review_sla_by_step").compute(session, MIA, Filters(FEB, MAR, district="南区"))
    assert [row[:3] for row in south.rows] == [("insurer", "audit", 1)]


def test_stages_decided_through_the_review_engine(session, world, shared_review):
    """An entitlement review opened on Monday 16 March 2026 (REF: 3 working days a step): the provider decides on
    its due date, Thursday 19 March; the agency's step, due on Tuesday 24 March, is decided a day late."""
    r = shared_review
    request, case = opened(session, r, now=NOW)
    plan_for(session, request)
    approve_through(session, r, case, "provider", now=noon(date(2026, 3, 19)))
    approve_through(session, r, case, "agency", now=noon(date(2026, 3, 25)))
    refreshed(session, MAR, metrics=[reviews.DECIDED, reviews.ON_TIME])
    data = get_figure("review_sla_by_step").compute(session, MIA, Filters(MAR, MAR))
    assert data.rows == (("provider", "provider", 1, 1, Decimal("1.0000")),
                         ("agency", "agency", 1, 0, Decimal("0.0000")))
