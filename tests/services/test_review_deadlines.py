"""Due dates of review stages (SPEC §4.1) from the subject's period, and following the calendar
(SPEC §0.1): entering next year's holidays moves the open stages' due dates.

The subject ``test_monthly_statement`` is a provider's statement of a month (its id is the
provider organisation's; its period is kept in ``PERIODS``); its case type exists only as data:
the provider submits by the 5th of the month after the period, the MIA approves by the 20th.
"""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from ltc.core.audit import SYSTEM, Actor, AuditEntry
from ltc.core.calendar import OverrideInput, set_override, set_overrides
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewStage
from ltc.reviews.registry import Parties, SubjectType, register_subject
from tests.review_builders import publish_case_type

D = date
SUBJECT = "test_monthly_statement"
PERIODS: dict[int, date] = {}  # subject id → end of its period (exclusive)
CASE_TYPE = {
    "code": "monthly_statement", "label": "机构月度结单（测试）", "subject": SUBJECT,
    "steps": [
        {"code": "provider", "label": "机构提交", "owner": "subject_provider", "decisions": ["approve"],
         "sla": "day_of_month:5", "return_to": None, "precondition": None, "roles": ["operator"]},
        {"code": "mia", "label": "医保核定", "owner": "mia", "decisions": ["approve", "return"],
         "sla": "working_days:3", "return_to": "provider", "precondition": None},
    ],
    "reasons": [{"code": "DOCS", "label": "材料不全", "decisions": ["return"]}],
}

register_subject(SubjectType(
    name=SUBJECT, parties=lambda session, sid: Parties(provider_id=sid), title=lambda session, sid: f"月结单 {sid}",
    period_end=lambda session, sid: PERIODS.get(sid),
))


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai


@pytest.fixture
def actors(session, world):
    mia = Actor(world.users["mia_rev"].id, world.mia.id, "mia_rev")
    publish_case_type(session, CASE_TYPE, actor=mia)
    return mia, Actor(world.users["pr_op"].id, world.provider.id, "pr_op")


def open_statement(session, world, mia, *, period_end: date, on: date, provider=None):
    provider = provider or world.provider
    PERIODS[provider.id] = period_end
    return engine.open_case(session, case_type="monthly_statement", subject_id=provider.id, actor=mia, now=at(on))


def stage(session, case) -> ReviewStage:
    return session.scalars(select(ReviewStage).where(ReviewStage.case_id == case.id)
                           .order_by(ReviewStage.id.desc())).first()


@pytest.mark.parametrize("period_end,entered_on,due_on", [
    (D(2026, 10, 1), D(2026, 9, 30), D(2026, 10, 8)),   # September's statement: the 5th is National Day
    (D(2026, 10, 1), D(2026, 10, 9), D(2026, 10, 9)),   # entered after the moved day: due on entry
    (D(2026, 7, 1), D(2026, 7, 1), D(2026, 7, 6)),      # June's: Sunday 5 July → Monday
    (D(2026, 4, 1), D(2026, 3, 20), D(2026, 4, 7)),     # March's: 5 April is Qingming
])
def test_a_stage_is_due_on_the_day_of_the_month_after_the_subjects_period(session, world, actors, period_end,
                                                                          entered_on, due_on):
    mia, _ = actors
    case = open_statement(session, world, mia, period_end=period_end, on=entered_on)
    assert (stage(session, case).entered_on, stage(session, case).due_on) == (entered_on, due_on)


def test_entering_next_years_holidays_moves_an_open_due_date_and_leaves_decided_ones(session, world, actors):
    mia, provider = actors
    decided = open_statement(session, world, mia, period_end=D(2027, 10, 1), on=D(2027, 9, 1))
    engine.decide(session, decided, DecisionInput("approve"), actor=provider, now=at(D(2027, 9, 2)))
    first = session.scalars(select(ReviewStage).where(ReviewStage.case_id == decided.id)
                            .order_by(ReviewStage.id)).first()
    waiting = open_statement(session, world, mia, period_end=D(2027, 10, 1), on=D(2027, 9, 28),
                             provider=world.provider2)
    open_stage = stage(session, waiting)
    assert first.due_on == open_stage.due_on == D(2027, 10, 5)   # 2027: weekends only, a Tuesday
    at_mia = stage(session, decided)
    assert at_mia.due_on == D(2027, 9, 7)                        # 3 working days after Thursday 2 September

    counts = set_overrides(session, [OverrideInput(D(2027, 10, day), False, "国庆节") for day in range(1, 8)],
                           actor=SYSTEM, now=at(D(2027, 9, 29)))
    assert counts["create"] == 7
    session.expire_all()
    assert stage(session, waiting).due_on == D(2027, 10, 8)      # moved past National Day
    assert first.due_on == D(2027, 10, 5)                        # decided: history is not rewritten
    assert at_mia.due_on == D(2027, 9, 7)                        # due before the change: unaffected
    moved = session.scalars(select(AuditEntry).where(AuditEntry.entity == "review_stage",
                                                     AuditEntry.action == "recompute_due")).all()
    assert [(e.entity_id, e.before, e.after) for e in moved] == [
        (str(open_stage.id), {"due_on": "2027-10-05"}, {"due_on": "2027-10-08"})]


def test_a_corrected_day_moves_a_due_date_back_and_forth_and_an_overdue_mark_goes_when_no_longer_late(
        session, world, actors):
    mia, _ = actors
    case = open_statement(session, world, mia, period_end=D(2027, 10, 1), on=D(2027, 9, 28))
    set_overrides(session, [OverrideInput(D(2027, 10, day), False, "国庆节") for day in range(1, 8)],
                  actor=SYSTEM, now=at(D(2027, 9, 28)))
    assert stage(session, case).due_on == D(2027, 10, 8)
    set_override(session, day=D(2027, 10, 5), is_workday=True, note="误录", actor=SYSTEM, now=at(D(2027, 10, 5)))
    session.expire_all()
    assert stage(session, case).due_on == D(2027, 10, 5)
    engine.mark_overdue(session, today=D(2027, 10, 6))
    assert stage(session, case).overdue_marked_on == D(2027, 10, 6)
    set_override(session, day=D(2027, 10, 5), is_workday=False, note="国庆节", actor=SYSTEM, now=at(D(2027, 10, 6)))
    session.expire_all()
    # back to 8 October: on the 6th the stage is no longer late, so its mark goes
    assert (stage(session, case).due_on, stage(session, case).overdue_marked_on) == (D(2027, 10, 8), None)
