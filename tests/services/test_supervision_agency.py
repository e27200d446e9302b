"""The assessment agency's dashboard (issue 13 point 4) against hand-counted data: its queue by state today, its
SLA against the city's, its levels against the city's (the 2-SE flag), the reassessments expected in the next
90 days — and only its own applications."""
from datetime import date
from decimal import Decimal

from ltc.supervision.figures import Audience, Filters, Viewer, get_figure
from ltc.supervision.themes import agency as theme, assessment_facts as facts
from tests.assessment_fact_builders import application, conclusion, entitlement, refreshed

FEB, MAR = date(2026, 2, 1), date(2026, 3, 1)
TODAY = date(2026, 3, 16)


def _viewer(c, index=0):
    return Viewer(Audience.AGENCY, c.agencies[index].org.id)


def test_queue_by_state_today_with_the_overdue(session, world, shared_cast):
    c = shared_cast
    for status, due, paused in (("dispatched", date(2026, 3, 13), None), ("dispatched", TODAY, None),
                                ("scheduled", date(2026, 4, 20), None), ("confirmed", date(2026, 3, 1), None),
                                ("assessed", date(2026, 3, 2), date(2026, 3, 1))):   # paused by a 复评: not late
        application(session, c, submitted_on=date(2026, 1, 20), status=status, accepted_on=date(2026, 1, 21),
                    conclusion_due_on=due, paused_since=paused)
    application(session, c, submitted_on=date(2026, 1, 20), status="dispatched", agency=1,
                accepted_on=date(2026, 1, 21), conclusion_due_on=date(2026, 3, 1))      # another agency's
    application(session, c, submitted_on=date(2026, 1, 20), status="publicized", level=4,
                accepted_on=date(2026, 1, 21), concluded_on=date(2026, 3, 2))          # no longer in its queue

    data = theme.queue(session, _viewer(c), Filters(MAR, MAR), today=TODAY)
    assert data.columns[0].labels == "application_status"
    assert data.rows == (("dispatched", 2, 1), ("scheduled", 1, 0), ("rescheduled", 0, 0), ("assessed", 1, 0),
                         ("confirmed", 1, 1))
    assert theme.queue(session, _viewer(c, 1), Filters(MAR, MAR), today=TODAY).rows[0] == ("dispatched", 1, 1)
    # the dashboard asks on the real today: the same counts (only the overdue column depends on the day)
    dashboard = get_figure("agency_queue").compute(session, _viewer(c), Filters(MAR, MAR))
    assert [row[:2] for row in dashboard.rows] == [row[:2] for row in data.rows]


def test_sla_against_the_city(session, world, shared_cast):
    c = shared_cast
    conclusion(session, c, date(2026, 2, 10), 3, agency=0, accepted_on=date(2026, 1, 5),
               conclusion_due_on=date(2026, 2, 13))
    conclusion(session, c, date(2026, 2, 17), 3, agency=0, accepted_on=date(2026, 1, 5),
               conclusion_due_on=date(2026, 2, 13))                                    # late
    for day in (date(2026, 2, 3), date(2026, 2, 4)):
        conclusion(session, c, day, 3, agency=1, district="南区", accepted_on=date(2026, 1, 5),
                   conclusion_due_on=date(2026, 2, 13))
    refreshed(session, FEB, MAR, metrics=[facts.SLA])
    data = get_figure("agency_sla").compute(session, _viewer(c), Filters(FEB, MAR))
    assert data.rows == ((FEB, 2, 1, Decimal("0.5000"), Decimal("0.7500")), (MAR, 0, 0, None, None))
    assert get_figure("agency_sla").compute(session, _viewer(c, 1), Filters(FEB, FEB)).rows == (
        (FEB, 2, 2, Decimal("1.0000"), Decimal("0.7500")),)


def test_levels_against_the_city_with_the_flag(session, world, shared_cast):
    """甲 5 of 5 at levels 4–5, 乙 0 of 4, 丙 1 of 2: the city 6 of 11; 甲 is flagged high, and sees its own
    row only."""
    c = shared_cast
    for agency, levels in {0: (4, 5, 4, 5, 5), 1: (3, 3, 2, 0), 2: (5, 3)}.items():
        for level in levels:
            conclusion(session, c, date(2026, 2, 10), level, agency=agency)
    refreshed(session, FEB, metrics=[facts.CONCLUSIONS])
    data = get_figure("agency_levels").compute(session, _viewer(c), Filters(FEB, FEB))
    assert [row[:5] + row[8:] for row in data.rows] == [
        ("评估机构甲", 5, 5, Decimal("1.0000"), Decimal("0.5455"), "high")]
    assert len(data.notes) == 1
    third = get_figure("agency_levels").compute(session, _viewer(c, 2), Filters(FEB, FEB))
    assert [row[:5] + row[8:] for row in third.rows] == [
        ("评估机构丙", 2, 1, Decimal("0.5000"), Decimal("0.5455"), None)]
    assert third.notes == ()


def test_reassessments_expected_in_the_next_90_days_by_month_of_expiry(session, world, shared_cast):
    """From 16 March 2026 (today, before the end of March) to 14 June: conclusions expiring on 10 April and on
    14 June count; 16 March (the window's first day is excluded), 15 June, an entitlement ended early and
    another agency's conclusion do not."""
    c, provider = shared_cast, world.provider.id

    def expiring(valid_to, *, agency=0, ended=None):
        app = conclusion(session, c, date(2024, 6, 1), 4, agency=agency, valid_to=valid_to)
        entitlement(session, app, provider, valid_to=ended)

    for valid_to in (date(2026, 4, 10), date(2026, 6, 14), date(2026, 3, 16), date(2026, 6, 15)):
        expiring(valid_to)
    expiring(date(2026, 5, 5), ended=date(2026, 4, 1))
    expiring(date(2026, 5, 6), agency=1)
    conclusion(session, c, date(2024, 6, 2), 4, valid_to=date(2026, 5, 7))               # no entitlement

    data = theme.reassessments_due(session, _viewer(c), Filters(FEB, MAR), today=TODAY)
    assert data.rows == ((MAR, 0), (date(2026, 4, 1), 1), (date(2026, 5, 1), 0), (date(2026, 6, 1), 1))
    assert data.notes[0]["params"] == {"start": "2026-03-16", "end": "2026-06-14"}
    # filters ending in February: from 28 February to 29 May
    earlier = theme.reassessments_due(session, _viewer(c), Filters(FEB, FEB), today=TODAY)
    assert earlier.rows == ((FEB, 0), (MAR, 1), (date(2026, 4, 1), 1), (date(2026, 5, 1), 0))
    assert theme.reassessments_due(session, _viewer(c, 1), Filters(FEB, MAR), today=TODAY).rows[2] == (
        date(2026, 5, 1), 1)
