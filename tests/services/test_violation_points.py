"""Violation points (SPEC §6, §8): the ledger a submitted settlement fills once its appeal window closes
or an appeal is lost, and the suspension 12 points within 12 months trigger (P02 then rejects)."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from ltc.billing.review import appeals
from ltc.core.errors import ValidationFailed
from ltc.core.periods import period_on
from ltc.providers.carers.models import CarerSuspensionPeriod
from ltc.providers.carers.services.dated import suspend_carer
from ltc.ratings.points.jobs import attach_unit, settlements_to_check
from ltc.ratings.points.models import PointSettlementMark, PointSuspension, ViolationPoint
from ltc.ratings.points.services.attach import attach_settlement
from tests.points_builders import AFTER_WINDOW, APPROVE_NOW, LAST_APPEAL_DAY, approved
from tests.settlement_review_builders import actor

NOW = datetime(2026, 7, 16, 16, 45, tzinfo=timezone.utc)
FALSIFIED = ("FALSIFIED", "同一照片用于三户不同地址的服务记录，护理员承认未上门")
FRAUD = ("FRAUD", "监控录像显示当日未上门，家属书面证明")


def ledger(session, carer_id=None):
    stmt = select(ViolationPoint).order_by(ViolationPoint.id)
    if carer_id is not None:
        stmt = stmt.where(ViolationPoint.carer_id == carer_id)
    return list(session.scalars(stmt))


def test_a_reject_attaches_its_points_the_day_the_appeal_window_closes_without_an_appeal(session, world):
    built = approved(session, world)
    visit, finding = built.rejected[0]
    assert attach_settlement(session, built.settlement, today=LAST_APPEAL_DAY, now=NOW).rows == 0
    done = attach_settlement(session, built.settlement, today=AFTER_WINDOW, now=NOW)
    [row] = ledger(session)
    assert (row.carer_id, row.rule, row.points, row.attached_on, row.cause) == (
        visit.carer_id, "V03", 1, LAST_APPEAL_DAY, "reject")
    assert (row.finding_id, row.record_id, row.settlement_id, row.appeal_id) == (
        finding.id, visit.id, built.settlement.id, None)
    assert done.done and session.get(PointSettlementMark, built.settlement.id).points == 1


def test_attaching_again_writes_nothing_twice(session, world):
    built = approved(session, world)
    attach_settlement(session, built.settlement, today=AFTER_WINDOW, now=NOW)
    again = attach_settlement(session, built.settlement, today=date(2026, 7, 20), now=NOW)
    assert (again.rows, len(ledger(session))) == (0, 1)


def test_a_won_appeal_gives_no_points(session, world):
    built = approved(session, world)
    _visit, finding = built.rejected[0]
    appeal = appeals.file_appeal(session, built.settlement, refusals=[], rejects=[finding.id],
                                 reason="实际服务 60 分钟", actor=actor(world, "pr_op"), now=APPROVE_NOW)
    appeals.decide_appeal(session, appeal, upheld=True, actor=actor(world, "ins_rev"), now=APPROVE_NOW)
    assert attach_settlement(session, built.settlement, today=AFTER_WINDOW, now=NOW).done
    assert ledger(session) == []


def test_an_open_appeal_waits_and_a_lost_one_attaches_on_the_day_it_is_lost(session, world):
    built = approved(session, world)
    _visit, finding = built.rejected[0]
    appeal = appeals.file_appeal(session, built.settlement, refusals=[], rejects=[finding.id],
                                 reason="实际服务 60 分钟", actor=actor(world, "pr_op"), now=APPROVE_NOW)
    waiting = attach_settlement(session, built.settlement, today=AFTER_WINDOW, now=NOW)
    assert (waiting.rows, waiting.done) == (0, False)
    assert str(built.settlement.id) in settlements_to_check(session, due_at=NOW)
    lost_at = datetime(2026, 7, 20, 3, 0, tzinfo=timezone.utc)
    appeals.decide_appeal(session, appeal, upheld=False, reason_code="UNFOUNDED", actor=actor(world, "ins_rev"),
                          now=lost_at)
    assert attach_settlement(session, built.settlement, today=date(2026, 7, 21), now=NOW).done
    [row] = ledger(session)
    assert (row.rule, row.attached_on, row.appeal_id) == ("V03", date(2026, 7, 20), appeal.id)
    assert str(built.settlement.id) not in settlements_to_check(session, due_at=NOW)


def test_a_refused_flag_gives_the_points_of_its_rule_and_v01_is_worth_none(session, world):
    built = approved(session, world, with_reject=False, refusals={0: ("LOCATION", None)})
    attach_settlement(session, built.settlement, today=AFTER_WINDOW, now=NOW)
    assert ledger(session) == []


def test_s01_counts_only_when_the_insurer_confirms_the_record_as_falsified(session, world):
    built = approved(session, world, with_reject=False, extra_flags={1: "S01", 2: "S02"},
                     refusals={1: FALSIFIED, 2: ("NO_EVIDENCE", None)})
    attach_settlement(session, built.settlement, today=AFTER_WINDOW, now=NOW)
    [row] = ledger(session)
    first = built.visits[built.persons[0].id]
    assert (row.rule, row.points, row.cause, row.record_id, row.note) == (
        "S01", 6, "falsified", first[1].id, FALSIFIED[1])
    assert row.carer_id == first[1].carer_id and row.decision_id is not None


@pytest.mark.parametrize("code", ["FALSIFIED", "FRAUD"])
def test_falsified_and_fraud_refusals_need_the_insurers_evidence(session, world, code):
    with pytest.raises(ValidationFailed) as caught:
        approved(session, world, with_reject=False, extra_flags={1: "S01"}, refusals={1: (code, " ")})
    assert list(caught.value.fields) == ["reason_text"]


def test_fraud_gives_12_points_and_suspends_the_carer_for_3_months_from_the_next_day(session, world):
    built = approved(session, world, with_reject=False, extra_flags={1: "S01"}, refusals={1: FRAUD})
    carer_id = built.visits[built.persons[0].id][1].carer_id
    result = attach_settlement(session, built.settlement, today=AFTER_WINDOW, now=NOW)
    [row] = ledger(session)
    assert (row.rule, row.points, row.cause, row.note) == ("FRAUD", 12, "fraud", FRAUD[1])
    assert result.suspensions == 1
    [suspension] = session.scalars(select(PointSuspension)).all()
    period = session.get(CarerSuspensionPeriod, suspension.suspension_id)
    assert (suspension.carer_id, suspension.triggered_on, suspension.points) == (carer_id, LAST_APPEAL_DAY, 12)
    assert (period.valid_from, period.valid_to) == (date(2026, 7, 16), date(2026, 10, 16))
    assert period_on(session, CarerSuspensionPeriod, date(2026, 10, 15), carer_id=carer_id) is period
    assert period_on(session, CarerSuspensionPeriod, date(2026, 10, 16), carer_id=carer_id) is None
    attach_settlement(session, built.settlement, today=date(2026, 7, 17), now=NOW)
    assert len(session.scalars(select(PointSuspension)).all()) == 1


def test_a_late_run_never_backdates_the_suspension(session, world):
    built = approved(session, world, with_reject=False, extra_flags={1: "S01"}, refusals={1: FRAUD})
    attach_settlement(session, built.settlement, today=date(2026, 7, 20), now=NOW)
    [suspension] = session.scalars(select(PointSuspension)).all()
    period = session.get(CarerSuspensionPeriod, suspension.suspension_id)
    assert (suspension.triggered_on, period.valid_from, period.valid_to) == (
        LAST_APPEAL_DAY, date(2026, 7, 20), date(2026, 10, 20))


def test_a_suspension_already_served_is_followed_not_overlapped(session, world):
    built = approved(session, world, with_reject=False, extra_flags={1: "S01"}, refusals={1: FRAUD})
    carer = built.carers[1]     # the second visit's carer
    assert built.visits[built.persons[0].id][1].carer_id == carer.id
    suspend_carer(session, carer, valid_from=date(2026, 7, 1), valid_to=date(2026, 8, 1), reason="健康证过期",
                  actor=actor(world, "pr_admin"), now=NOW)
    attach_settlement(session, built.settlement, today=AFTER_WINDOW, now=NOW)
    [suspension] = session.scalars(select(PointSuspension)).all()
    period = session.get(CarerSuspensionPeriod, suspension.suspension_id)
    assert (period.valid_from, period.valid_to) == (date(2026, 8, 1), date(2026, 11, 1))


def test_eleven_points_suspend_nobody(session, world):
    built = approved(session, world, extra_flags={1: "S01", 2: "S02"}, refusals={1: FALSIFIED})
    attach_settlement(session, built.settlement, today=AFTER_WINDOW, now=NOW)
    # S01 6 on the second visit's carer, V03 1 on the first carer's short visit
    assert {(r.carer_id, r.rule, r.points) for r in ledger(session)} == {
        (built.carers[1].id, "S01", 6), (built.carers[0].id, "V03", 1)}
    assert session.scalars(select(PointSuspension)).all() == []


def test_the_job_checks_approved_settlements_only_and_drops_them_once_done(session, world):
    built = approved(session, world)
    due = datetime(2026, 7, 16, 0, 45, tzinfo=timezone.utc)     # 08:45 in Shanghai, 16 July
    assert settlements_to_check(session, due_at=due) == [str(built.settlement.id)]
    assert attach_unit(session, str(built.settlement.id), now=NOW, due_at=due) == {
        "rows": 1, "points": 1, "suspensions": 0, "done": 1}
    assert settlements_to_check(session, due_at=due) == []


def test_p02_rejects_the_visits_of_a_carer_suspended_by_points(session, world):
    from ltc.compliance.services import check_record
    from tests.compliance_db_builders import visit

    built = approved(session, world, with_reject=False, extra_flags={1: "S01"}, refusals={1: FRAUD})
    attach_settlement(session, built.settlement, today=AFTER_WINDOW, now=NOW)
    carer, who = built.carers[1], built.persons[0]
    before = visit(session, who, carer, day="2026-07-15", hour=9)
    during = visit(session, who, carer, day="2026-07-20", hour=9)
    assert "P02" not in {f.rule for f in check_record(session, "visit", before, now=NOW)}
    assert "P02" in {f.rule for f in check_record(session, "visit", during, now=NOW)}
