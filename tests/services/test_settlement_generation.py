"""Generating a provider's regular settlement (SPEC §7.2, §7.3): the worked examples to the cent
through a real generated settlement, idempotency, revisions with their diff, submitted months kept."""
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import func, select

from ltc.billing.models import (Settlement, SettlementFinding, SettlementLine, SettlementLineRecord,
                                SettlementRevision)
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.people.hospital.models import HospitalStay
from tests.builders import world
from tests.settlement_builders import (beneficiary, example_home, example_special, generate, home_plan, home_visit,
                                       provider, submit)
from tests.compliance_db_builders import carer

JANUARY, JUNE = date(2026, 1, 1), date(2026, 6, 1)


def _lines(session, settlement):
    return session.scalars(select(SettlementLine).where(SettlementLine.settlement_id == settlement.id,
                                                        SettlementLine.revision == settlement.revision)
                           .order_by(SettlementLine.id)).all()


def _money(settlement) -> tuple[str, str, str]:
    return str(settlement.billable), str(settlement.fund), str(settlement.copay)


def test_spec_example_1_special_care_all_january_through_a_generated_settlement(session):
    """SPEC §7.2 example 1: 220 × 31 = 6820.00 billable; fund 6138.00; copay 682.00."""
    world(session)
    hospital, patient = example_special(session)
    outcome = generate(session, hospital, JANUARY)
    settlement = session.get(Settlement, outcome.settlement_id)
    assert (outcome.outcome, settlement.status, settlement.revision) == ("created", "draft", 1)
    assert _money(settlement) == ("6820.00", "6138.00", "682.00")
    [line] = _lines(session, settlement)
    assert (line.kind, line.person_id, line.care_type, line.unit, line.rate, line.payable_units, line.ratio) == (
        "regular", patient.id, "special", "day", Decimal("220.00"), 31, Decimal("0.90"))
    assert (line.held_units, line.rejected) == (0, {})
    [run] = session.scalars(select(SettlementLineRecord).where(SettlementLineRecord.line_id == line.id)).all()
    assert (run.record_kind, run.service_date, run.service_to, run.units) == (
        "stay", date(2026, 1, 1), date(2026, 2, 1), 31)
    assert settlement.net == Decimal("6138.00") and settlement.beneficiaries == 1


def test_spec_example_2_home_care_june_with_one_short_visit(session):
    """SPEC §7.2 example 2: 29 h × 65 = 1885.00; fund 1696.50; copay 188.50; the 35-minute visit is V03."""
    world(session)
    agency, someone, _nurse = example_home(session)
    settlement = session.get(Settlement, generate(session, agency, JUNE).settlement_id)
    assert _money(settlement) == ("1885.00", "1696.50", "188.50")
    [line] = _lines(session, settlement)
    assert (line.unit, line.rate, line.payable_units, line.rejected) == ("minute", Decimal("65.00"), 29 * 60,
                                                                         {"V03": 60})
    linked = session.scalars(select(SettlementFinding).where(SettlementFinding.settlement_id == settlement.id)).all()
    assert [f.line_id for f in linked] == [line.id]          # the V03 finding, on the line of its visit


def test_spec_example_3_outreach_twelve_visits_capped_at_the_monthly_fund(session):
    """SPEC §7.2 example 3: 12 × 120 = 1440.00; 90 % = 1296.00 capped to 1000.00; copay 440.00."""
    world(session)
    clinic = provider(session, 80, care_type="outreach", grade="clinic", name="村卫生室")
    someone = beneficiary(session, 80, clinic, care_type="outreach", level=5)
    plan = home_plan(session, someone, clinic)
    plan.care_type = "outreach"
    doctor = carer(session, clinic, 80, staff_type="nurse")
    for day in range(1, 13):
        home_visit(session, someone, doctor, date(2026, 6, day * 2), care_type="outreach")
    settlement = session.get(Settlement, generate(session, clinic, JUNE).settlement_id)
    assert _money(settlement) == ("1440.00", "1000.00", "440.00")


def test_a_rerun_that_changes_nothing_adds_no_revision(session):
    world(session)
    hospital, _patient = example_special(session)
    first = generate(session, hospital, JANUARY)
    again = generate(session, hospital, JANUARY)
    assert (again.settlement_id, again.outcome, again.revision) == (first.settlement_id, "unchanged", 1)
    assert session.scalar(select(func.count(SettlementRevision.id))) == 1
    assert session.scalar(select(func.count(Settlement.id))) == 1        # one regular settlement per provider-month


def test_a_rerun_after_a_change_replaces_the_draft_with_a_new_revision_and_keeps_the_old_one(session):
    world(session)
    hospital, patient = example_special(session)
    first = generate(session, hospital, JANUARY)
    session.add(HospitalStay(person_id=patient.id, hospital="市一医院", category="inpatient",
                             admitted_on=date(2026, 1, 10), discharged_on=date(2026, 1, 12)))
    session.flush()
    later = datetime(2026, 2, 3, 2, 0, tzinfo=timezone.utc)
    second = generate(session, hospital, JANUARY, now=later)
    settlement = session.get(Settlement, first.settlement_id)
    assert (second.outcome, settlement.revision) == ("revised", 2)
    assert _money(settlement) == ("6380.00", "5742.00", "638.00")      # 29 days: the 10th and 11th are E08
    [line] = _lines(session, settlement)
    assert (line.payable_units, line.rejected) == (29, {"E08": 2})
    revision = session.scalar(select(SettlementRevision).where(SettlementRevision.number == 2))
    assert revision.diff["totals"]["billable"] == ["6820.00", "6380.00"]
    [changed] = revision.diff["changed"]
    assert changed["fields"]["payable_units"] == [31, 29] and changed["fields"]["rejected"] == [{}, {"E08": 2}]
    old = session.scalars(select(SettlementLine).where(SettlementLine.revision == 1)).all()
    assert [o.payable_units for o in old] == [31]                       # revision 1 kept as it was
    audited = session.scalars(select(AuditEntry.after).where(AuditEntry.entity == "settlement")).all()
    assert [a["revision"] for a in audited] == [1, 2]


def test_a_submitted_settlement_is_never_touched_by_a_rerun(session):
    world(session)
    hospital, patient = example_special(session)
    first = generate(session, hospital, JANUARY)
    submit(session, first.settlement_id, datetime(2026, 2, 4, 2, 0, tzinfo=timezone.utc))
    session.add(HospitalStay(person_id=patient.id, hospital="市一医院", category="inpatient",
                             admitted_on=date(2026, 1, 10), discharged_on=date(2026, 1, 12)))
    session.flush()
    again = generate(session, hospital, JANUARY, now=datetime(2026, 2, 5, 2, 0, tzinfo=timezone.utc))
    settlement = session.get(Settlement, first.settlement_id)
    assert (again.outcome, settlement.revision, settlement.status) == ("locked", 1, "submitted")
    assert _money(settlement) == ("6820.00", "6138.00", "682.00")


def test_submitting_marks_the_settlements_records_settled_and_a_correction_is_refused(session):
    """SPEC §5.4: records are append-only once settled (``mark_settled`` is what the submit step calls)."""
    import pytest

    from ltc.billing.settled import mark_settled
    from ltc.core.errors import Conflict
    from ltc.providers.records.models import Stay
    from ltc.providers.records.stays import correct_stay

    world(session)
    hospital, _patient = example_special(session)
    settlement = session.get(Settlement, generate(session, hospital, JANUARY).settlement_id)
    moment = datetime(2026, 2, 4, 2, 0, tzinfo=timezone.utc)
    assert mark_settled(session, settlement, now=moment) == 1
    [stay] = session.scalars(select(Stay)).all()
    assert stay.settled_at == moment
    with pytest.raises(Conflict):
        correct_stay(session, stay, care_type="special", admitted_on=stay.admitted_on, discharged_on=date(2026, 1, 20),
                     note=None, reason="出院日期有误", actor=SYSTEM, now=moment)
    assert mark_settled(session, settlement, now=moment) == 0
