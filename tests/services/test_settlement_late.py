"""Late lines (补记, SPEC §7.3): records of a submitted month entered after its submission go into the
next regular settlement on the cap left, within ``late_record_months`` of their service date; older
ones are refused with the reason."""
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from ltc.billing.models import Settlement, SettlementLine, SettlementLineRecord
from tests.builders import world
from tests.settlement_builders import example_home, generate, home_visit, submit

JUNE, JULY, SEPTEMBER = date(2026, 6, 1), date(2026, 7, 1), date(2026, 9, 1)
SUBMITTED = datetime(2026, 7, 3, 2, 0, tzinfo=timezone.utc)


def _late(session, settlement_id):
    settlement = session.get(Settlement, settlement_id)
    return settlement, session.scalars(select(SettlementLine).where(
        SettlementLine.settlement_id == settlement_id, SettlementLine.revision == settlement.revision,
        SettlementLine.kind == "late")).all()


def _submitted_june(session):
    world(session)
    agency, someone, nurse = example_home(session)
    june = generate(session, agency, JUNE)
    submit(session, june.settlement_id, SUBMITTED)
    return agency, someone, nurse, june


def test_records_entered_after_submission_are_late_lines_using_only_the_cap_left(session):
    """June paid 29 of L5's 30 hours: two one-hour visits entered on 10 July get one hour between them
    (the earlier first), the other is over the cap; the settled visits are never displaced."""
    agency, someone, nurse, june = _submitted_june(session)
    entered = datetime(2026, 7, 10, 2, 0, tzinfo=timezone.utc)
    first = home_visit(session, someone, nurse, date(2026, 6, 30), hour=14, created_at=entered)
    second = home_visit(session, someone, nurse, date(2026, 6, 30), hour=16, created_at=entered)
    july, [line] = _late(session, generate(session, agency, JULY).settlement_id)
    assert (line.service_month, line.payable_units, line.rejected) == (JUNE, 60, {"V07": 60})
    assert (line.billable, line.fund, line.copay) == (Decimal("65.00"), Decimal("58.50"), Decimal("6.50"))
    assert (july.billable, july.fund) == (Decimal("65.00"), Decimal("58.50"))
    links = {r.record_id: r.units for r in session.scalars(select(SettlementLineRecord).where(
        SettlementLineRecord.line_id == line.id))}
    assert links == {first.id: 60, second.id: 0}
    assert generate(session, agency, JULY).outcome == "unchanged"          # a regeneration takes them again
    june_settlement = session.get(Settlement, june.settlement_id)
    assert (june_settlement.revision, june_settlement.billable) == (1, Decimal("1885.00"))


def test_a_late_record_is_settled_once(session):
    agency, someone, nurse, _june = _submitted_june(session)
    home_visit(session, someone, nurse, date(2026, 6, 30), hour=14,
               created_at=datetime(2026, 7, 10, 2, 0, tzinfo=timezone.utc))
    july = generate(session, agency, JULY)
    submit(session, july.settlement_id, datetime(2026, 8, 3, 2, 0, tzinfo=timezone.utc))
    _august, late = _late(session, generate(session, agency, date(2026, 8, 1)).settlement_id)
    assert late == []


def test_a_record_entered_beyond_the_late_limit_is_refused_with_the_reason(session):
    """REF ``late_record_months`` 3: a visit of 10 June entered on 15 September is refused."""
    agency, someone, nurse, _june = _submitted_june(session)
    home_visit(session, someone, nurse, date(2026, 6, 10), hour=15,
               created_at=datetime(2026, 9, 15, 2, 0, tzinfo=timezone.utc))
    september, [line] = _late(session, generate(session, agency, SEPTEMBER).settlement_id)
    assert (line.payable_units, line.rejected, line.fund) == (0, {"late_limit": 60}, Decimal("0.00"))
    assert line.note.startswith("补记超过时限") and line.params == {"month": "2026-06", "months": 3}
    assert september.fund == Decimal("0.00")


def test_the_nightly_re_evaluation_leaves_a_late_record_to_its_late_line(session):
    """A record no submitted settlement names is paid by a late line, never also by an adjustment."""
    from datetime import time

    from ltc.billing.models import SettlementAdjustment
    from ltc.compliance import jobs as scan
    from ltc.core.clock import LOCAL_TZ

    agency, someone, nurse, _june = _submitted_june(session)
    entered = datetime(2026, 7, 10, 2, 0, tzinfo=timezone.utc)
    home_visit(session, someone, nurse, date(2026, 6, 30), hour=14, created_at=entered)
    scan.scan_provider(session, str(agency.id), now=datetime(2026, 7, 11, 2, 0, tzinfo=timezone.utc),
                       due_at=datetime.combine(date(2026, 7, 11), time(1, 0), LOCAL_TZ))
    assert session.scalars(select(SettlementAdjustment)).all() == []
    _july, [line] = _late(session, generate(session, agency, JULY).settlement_id)
    assert line.payable_units == 60
