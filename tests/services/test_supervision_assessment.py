"""The assessment pipeline figures (issue 13 point 1; SPEC §3.1, §3.2) against hand-counted data: applications
by current state, the 30-working-day SLA (across a holiday), objections by outcome, agencies' levels with the
2-SE flag, and the insurer's scope (its districts only)."""
from datetime import date
from decimal import Decimal

from ltc.core.calendar import add_working_days
from ltc.supervision.figures import Audience, Filters, Viewer, get_figure
from ltc.supervision.themes import assessment_facts as facts
from ltc.supervision.themes.levels import compare
from tests.assessment_builders import at, confirmed
from tests.assessment_fact_builders import application, conclusion, refreshed, someone

FEB, MAR = date(2026, 2, 1), date(2026, 3, 1)
MIA = Viewer(Audience.MIA)


def _insurer(world):
    return Viewer(Audience.INSURER, world.insurer.id)


def _compute(session, key, viewer, filters):
    return get_figure(key).compute(session, viewer, filters)


def test_applications_by_state_counts_filed_applications_by_current_state(session, world, shared_cast):
    c = shared_cast
    application(session, c, submitted_on=date(2026, 2, 3), status="concluded", level=3, accepted_on=date(2026, 2, 4),
                concluded_on=date(2026, 2, 20))
    application(session, c, submitted_on=date(2026, 2, 10), status="concluded", level=2, district="南区",
                accepted_on=date(2026, 2, 11), concluded_on=date(2026, 2, 25))
    application(session, c, submitted_on=date(2026, 2, 12), status="refused", agency=None)
    application(session, c, submitted_on=date(2026, 2, 27), status="dispatched", kind="reassessment",
                accepted_on=date(2026, 2, 27))
    parent = application(session, c, submitted_on=date(2026, 1, 5), status="objected", level=3,
                         accepted_on=date(2026, 1, 6), concluded_on=date(2026, 1, 30))
    application(session, c, submitted_on=date(2026, 2, 5), status="dispatched", kind="review", parent=parent,
                agency=1)                                                        # an objection, not a filing
    application(session, c, submitted_on=date(2026, 2, 6), status="concluded", kind="migrated", agency=None)
    application(session, c, submitted_on=date(2026, 3, 2), status="submitted", agency=None)
    refreshed(session, FEB, MAR, metrics=[facts.FILED])

    data = _compute(session, "assessment_applications_by_state", MIA, Filters(FEB, MAR))
    assert [c.title for c in data.columns] == ["月份", "申请数", "已提交", "不予受理", "已派单", "已出结论"]
    assert data.rows == ((FEB, 4, 0, 1, 1, 2), (MAR, 1, 1, 0, 0, 0))
    # the insurer (东城区, 西城区) does not see the application of 南区
    assert _compute(session, "assessment_applications_by_state", _insurer(world), Filters(FEB, FEB)).rows == (
        (FEB, 3, 1, 1, 1),)
    assert _compute(session, "assessment_applications_by_state", MIA, Filters(FEB, FEB, district="南区")).rows == (
        (FEB, 1, 1),)


def test_sla_counts_working_days_from_acceptance_to_conclusion_across_national_day(session, world, shared_cast):
    """Accepted on 1 September 2026, due 30 working days later: 19 October, after the National Day holidays
    (on weekdays alone it would be 13 October). Concluded on the 19th: on time; on the 20th: late."""
    c = shared_cast
    accepted = date(2026, 9, 1)
    due = add_working_days(session, accepted, 30)
    assert due == date(2026, 10, 19)
    for agency, confirm_on in ((0, due), (1, date(2026, 10, 20)), (1, date(2026, 10, 13))):
        app = confirmed(session, c, agency=agency, now=at(accepted), visit_on=date(2026, 9, 10),
                        confirm_on=confirm_on, person_id=someone(session).id)
        assert (app.accepted_on, app.concluded_on, app.conclusion_due_on) == (accepted, confirm_on, due)
    refreshed(session, date(2026, 10, 1), metrics=[facts.SLA])

    data = _compute(session, "assessment_sla", MIA, Filters(date(2026, 9, 1), date(2026, 10, 1)))
    assert [col.title for col in data.columns] == ["月份", "办结数", "按时办结数", "按时办结率", "评估机构乙",
                                                    "评估机构甲"]
    assert data.rows == ((date(2026, 9, 1), 0, 0, None, None, None),
                         (date(2026, 10, 1), 3, 2, Decimal("0.6667"), Decimal("0.5000"), Decimal("1.0000")))
    assert data.series == (3, 4, 5)


def test_sla_counts_applications_paused_by_a_review_against_their_moved_due_date(session, world, shared_cast):
    c = shared_cast
    # the stored due date already holds the paused working days (SPEC §3.1: the clock pauses during a 复评)
    conclusion(session, c, date(2026, 2, 20), 3, accepted_on=date(2026, 1, 5), conclusion_due_on=date(2026, 2, 24))
    conclusion(session, c, date(2026, 2, 25), 3, accepted_on=date(2026, 1, 5), conclusion_due_on=date(2026, 2, 24))
    application(session, c, submitted_on=date(2026, 2, 2), status="accepted", accepted_on=date(2026, 2, 2),
                conclusion_due_on=date(2026, 3, 16))                            # not concluded: not counted
    refreshed(session, FEB, metrics=[facts.SLA])
    assert _compute(session, "assessment_sla", MIA, Filters(FEB, FEB)).rows == (
        (FEB, 2, 1, Decimal("0.5000"), Decimal("0.5000")),)


def test_objections_are_counted_by_month_of_objection_and_outcome(session, world, shared_cast):
    c = shared_cast

    def objected(level_then, child_status, child_level=None, *, on=date(2026, 2, 10), district="东城区"):
        parent = application(session, c, submitted_on=date(2026, 1, 2), status="concluded", level=level_then,
                             district=district, accepted_on=date(2026, 1, 5), concluded_on=date(2026, 2, 2))
        dates = {"concluded_on": on, "final_on": on} if child_status == "concluded" else {}
        application(session, c, submitted_on=on, status=child_status, kind="review", parent=parent, agency=1,
                    level=child_level, accepted_on=on, **dates)

    objected(3, "concluded", 3)
    objected(3, "concluded", 5)
    objected(4, "concluded", 2)
    objected(3, "withdrawn")
    objected(3, "scheduled")
    objected(3, "concluded", 4, on=date(2026, 3, 3))
    objected(3, "concluded", 3, district="南区")
    objected(None, "concluded", 4, on=date(2026, 3, 4))              # a migrated conclusion: no graded level
    refreshed(session, FEB, MAR, metrics=[facts.OBJECTIONS])

    data = _compute(session, "assessment_objections", MIA, Filters(FEB, MAR))
    assert [col.title for col in data.columns] == ["月份", "异议数", "复评中", "维持原等级", "等级上调", "等级下调",
                                                    "复评已出结论", "撤回异议"]
    assert data.rows == ((FEB, 6, 1, 2, 1, 1, 0, 1), (MAR, 2, 0, 0, 1, 0, 1, 0))
    assert _compute(session, "assessment_objections", _insurer(world), Filters(FEB, FEB)).rows == (
        (FEB, 5, 1, 1, 1, 1, 1),)


def _levels(session, c, month, per_agency):
    for agency, levels in per_agency.items():
        for level in levels:
            conclusion(session, c, month + (date(2026, 1, 10) - date(2026, 1, 1)), level, agency=agency)


def test_agency_levels_flag_a_share_more_than_two_standard_errors_from_the_city(session, world, shared_cast):
    """January: 甲 4 of 4 at levels 4–5, 乙 0 of 4, 丙 1 of 2; the city 5 of 10 = 0.5. 甲's SE = √(0.25 / 4)
    = 0.25: 甲 and 乙 lie exactly 2 SE away, not more: no flag. With February (甲 one more at level 5) the
    city is 6 of 11: 甲 (5 of 5) lies 0.4545 above it, more than 2 × √(6/11 × 5/11 ÷ 5) = 0.4454; 乙 (0 of 4)
    0.5455 below, more than 2 × 0.2490 = 0.4979; 丙 (1 of 2) within."""
    c = shared_cast
    _levels(session, c, date(2026, 1, 1), {0: (4, 5, 4, 5), 1: (3, 3, 2, 0), 2: (5, 3)})
    _levels(session, c, FEB, {0: (5,)})
    refreshed(session, date(2026, 1, 1), FEB, metrics=[facts.CONCLUSIONS])

    january = _compute(session, "assessment_agency_levels", MIA, Filters(date(2026, 1, 1), date(2026, 1, 1)))
    assert [row[:5] + row[8:] for row in january.rows] == [
        ("评估机构丙", 2, 1, Decimal("0.5000"), Decimal("0.5000"), None),
        ("评估机构乙", 4, 0, Decimal("0.0000"), Decimal("0.5000"), None),
        ("评估机构甲", 4, 4, Decimal("1.0000"), Decimal("0.5000"), None)]
    assert january.notes == ()

    both = _compute(session, "assessment_agency_levels", MIA, Filters(date(2026, 1, 1), FEB))
    assert [(row[0], row[1], row[2], row[3], row[4], row[5], row[8]) for row in both.rows] == [
        ("评估机构丙", 2, 1, Decimal("0.5000"), Decimal("0.5455"), Decimal("0.3521"), None),
        ("评估机构乙", 4, 0, Decimal("0.0000"), Decimal("0.5455"), Decimal("0.2490"), "low"),
        ("评估机构甲", 5, 5, Decimal("1.0000"), Decimal("0.5455"), Decimal("0.2227"), "high")]
    assert [n["params"]["agency"] for n in both.notes] == ["评估机构乙", "评估机构甲"]
    assert both.notes[1]["detail"].startswith("%(agency)s 的 4–5级占比 %(share)s 高于全市占比")
    # the chart: each agency's share next to the city's
    assert both.series == (3, 4)


def test_the_insurer_compares_the_agencies_of_its_districts_with_the_whole_city(session, world, shared_cast):
    c = shared_cast
    conclusion(session, c, date(2026, 1, 10), 5, agency=0)
    conclusion(session, c, date(2026, 1, 11), 3, agency=0, district="南区")
    conclusion(session, c, date(2026, 1, 12), 3, agency=1, district="南区")
    refreshed(session, date(2026, 1, 1), metrics=[facts.CONCLUSIONS])
    data = _compute(session, "assessment_agency_levels", _insurer(world), Filters(date(2026, 1, 1), date(2026, 1, 1)))
    # only 甲's conclusion in 东城区; the city's share counts all three
    assert [row[:5] for row in data.rows] == [("评估机构甲", 1, 1, Decimal("1.0000"), Decimal("0.3333"))]


def test_compare_flags_only_beyond_two_standard_errors():
    assert compare(4, 4, 5, 10).flag is None                 # exactly 2 SE
    assert compare(5, 5, 6, 11).flag == "high"
    assert compare(0, 4, 6, 11).flag == "low"
    assert compare(3, 3, 10, 10).flag is None                # the city all at 4–5: SE 0, same share
    assert compare(2, 3, 10, 10).flag == "low"
