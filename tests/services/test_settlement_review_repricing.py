"""The audit re-prices (SPEC §6 V07, §7.2): a refused flagged visit frees its share of the monthly hours,
which pays the next over-cap visit in check-in order; the deduction is the re-priced difference."""
from datetime import date, timedelta
from decimal import Decimal

from ltc.billing.models import Settlement
from ltc.billing.review import auditing, sampling, workflow
from ltc.billing.review.auditing import RecordFilter
from ltc.billing.review.records import flagged_records
from ltc.core.audit import Actor
from tests.builders import user
from tests.compliance_db_builders import carer
from tests.settlement_builders import beneficiary, generate, home_plan, home_visit, provider
from tests.settlement_review_builders import AUDIT_NOW, NOW, actor

JUNE = date(2026, 6, 1)


def _home_month(session, world, *, extra: bool):
    """L5 home care in June (30 h cap): a one-hour visit every day, the first uploaded 4 days late (V12
    FLAG), and with ``extra`` a 31st hour on 30 June (over the cap: V07)."""
    agency = provider(session, 80, care_type="home", grade="home_care", name="居家护理丁")
    someone = beneficiary(session, 80, agency, care_type="home", level=5)
    home_plan(session, someone, agency)
    nurse = carer(session, agency, 80)
    visits = [home_visit(session, someone, nurse, date(2026, 6, day)) for day in range(1, 31)]
    visits[0].device_id, visits[0].uploaded_at = "PAD-1", visits[0].check_in_at + timedelta(days=4)
    if extra:
        home_visit(session, someone, nurse, date(2026, 6, 30), hour=15)
    session.flush()
    settlement = session.get(Settlement, generate(session, agency, JUNE).settlement_id)
    operator = user(session, agency, "ding_op", "operator")
    workflow.submit(session, settlement, remarks={}, actor=Actor(operator.id, agency.id, "ding_op"), now=NOW)
    return settlement, visits[0]


def _audit(session, world, settlement, refused_visit):
    rev = actor(world, "ins_rev")
    assert [r.rules for r in flagged_records(session, settlement)] == [["V12"]]
    auditing.decide_flagged(session, settlement, [("visit", refused_visit.id)], "refuse", reason_code="NO_EVIDENCE",
                            actor=rev, now=AUDIT_NOW)
    auditing.decide_flagged_by_filter(session, settlement, RecordFilter(), "pay", actor=rev, now=AUDIT_NOW)
    for person_id in sampling.draw_sample(session, settlement, actor=rev, now=AUDIT_NOW, seed=1):
        auditing.decide_sampled(session, settlement, None, "pay", person_id=person_id, actor=rev, now=AUDIT_NOW)
    auditing.finish_audit(session, settlement, actor=rev, now=AUDIT_NOW)
    return workflow.audit_row(session, settlement)


def test_a_refused_visit_within_the_cap_deducts_its_hour(session, world):
    settlement, flagged = _home_month(session, world, extra=False)
    assert (settlement.billable, settlement.fund) == (Decimal("1950.00"), Decimal("1755.00"))
    row = _audit(session, world, settlement, flagged)
    assert (row.deducted_billable, row.deducted_fund) == (Decimal("65.00"), Decimal("58.50"))


def test_a_refused_visit_frees_its_cap_share_for_the_next_over_cap_visit(session, world):
    settlement, flagged = _home_month(session, world, extra=True)
    assert settlement.billable == Decimal("1950.00")        # 31 hours, 30 paid: the last is V07
    row = _audit(session, world, settlement, flagged)
    refused = auditing.decisions(session, settlement)[("visit", flagged.id)]
    assert refused.deducted_fund == Decimal("58.50")
    # … but re-priced, the over-cap hour of 30 June is paid instead: nothing is deducted
    assert (row.deducted_billable, row.deducted_fund) == (Decimal("0.00"), Decimal("0.00"))


def test_an_appeal_claims_no_more_than_the_audit_deducted_after_re_pricing(session, world):
    from datetime import datetime, timezone

    from ltc.billing.review import appeals

    settlement, flagged = _home_month(session, world, extra=True)
    _audit(session, world, settlement, flagged)
    operator = Actor(None, settlement.provider_id, "ding_op")
    appeal = appeals.file_appeal(session, settlement, refusals=[("visit", flagged.id)], rejects=[], reason="有照片",
                                 actor=operator, now=datetime(2026, 7, 10, 2, 0, tzinfo=timezone.utc))
    [item] = appeal_items(session, appeal)
    assert (item.billable, item.fund) == (Decimal("0.00"), Decimal("0.00"))


def appeal_items(session, appeal):
    from sqlalchemy import select

    from ltc.billing.review.models import SettlementAppealItem
    return session.scalars(select(SettlementAppealItem).where(SettlementAppealItem.appeal_id == appeal.id)).all()
