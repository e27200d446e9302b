"""Re-evaluation (SPEC §7.3): a dated fact changed after a month was submitted — here an entitlement
granted retroactively — is found by the nightly scan; each record whose payability changed becomes a
± adjustment booked into the provider's next regular settlement (the E01 bed-days of March are paid
in April's settlement, generated on 1 May)."""
from datetime import date, datetime, time, timezone
from decimal import Decimal

from sqlalchemy import select

from ltc.billing import adjustments
from ltc.billing.models import Settlement, SettlementAdjustment, SettlementLine
from ltc.compliance import jobs as scan
from ltc.core.audit import SYSTEM
from ltc.core.clock import LOCAL_TZ
from ltc.core.periods import add_period
from ltc.providers.models import ProviderPricePeriod
from tests.builders import world
from tests.compliance_db_builders import stay
from tests.entitlement_builders import conclusion, grant
from tests.people_builders import person
from tests.settlement_builders import generate, provider, submit

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
GRANTED = datetime(2026, 4, 10, 2, 0, tzinfo=timezone.utc)


def _nightly(day: date) -> datetime:
    return datetime.combine(day, time(1, 0), LOCAL_TZ)


def _march_without_entitlement(session):
    world(session)
    home = provider(session, 90, care_type="institution", grade="nursing_home", name="颐养院")
    add_period(session, ProviderPricePeriod, org_id=home.id, daily_price=Decimal("58.00"), valid_from=date(2025, 1, 1))
    resident = person(session, 90, valid_from=date(2025, 1, 1))
    row = stay(session, resident, home, date(2026, 3, 1))
    row.created_at = row.updated_at = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
    march = generate(session, home, MARCH)
    submit(session, march.settlement_id, datetime(2026, 4, 3, 2, 0, tzinfo=timezone.utc))
    return home, resident, session.get(Settlement, march.settlement_id)


def test_a_retroactive_grant_pays_the_e01_bed_days_of_a_submitted_month_as_an_adjustment(session):
    home, resident, march = _march_without_entitlement(session)
    [line] = session.scalars(select(SettlementLine).where(SettlementLine.settlement_id == march.id)).all()
    assert (line.payable_units, line.rejected, march.fund) == (0, {"E01": 31}, Decimal("0.00"))
    concluded = conclusion(session, resident, concluded_on=date(2026, 2, 20), level=4)
    grant(session, resident, home, care_type="institution", conclusion_of=concluded, starts_on=MARCH, level=4,
          now=GRANTED)
    scan.scan_provider(session, str(home.id), now=GRANTED.replace(day=11), due_at=_nightly(date(2026, 4, 11)))
    [raised] = session.scalars(select(SettlementAdjustment)).all()
    assert (raised.reason, raised.service_month, raised.corrects_settlement_id, raised.units) == (
        "reevaluation", MARCH, march.id, 31)
    assert (raised.billable, raised.fund, raised.copay) == (Decimal("1705.00"), Decimal("1278.75"), Decimal("426.25"))
    assert march.revision == 1 and march.fund == Decimal("0.00")      # the submitted month is not touched
    assert adjustments.reevaluate_month(session, march, actor=SYSTEM, now=GRANTED,
                                        as_of=_nightly(date(2026, 4, 12))) == 0     # raised once
    april = session.get(Settlement, generate(session, home, APRIL).settlement_id)
    [booked] = session.scalars(select(SettlementLine).where(SettlementLine.settlement_id == april.id,
                                                            SettlementLine.kind == "adjustment")).all()
    assert (booked.service_month, booked.reason, booked.fund, booked.adjustment_id) == (
        MARCH, "reevaluation", Decimal("1278.75"), raised.id)
    assert april.fund == Decimal("1237.50")                            # April's own 30 bed-days at 55 × 75 %
    assert (april.adjustments, april.net) == (Decimal("1278.75"), Decimal("2516.25"))
    assert raised.settlement_id == april.id


def test_a_draft_month_is_regenerated_by_the_nightly_scan_instead_of_adjusted(session):
    world(session)
    home = provider(session, 91, care_type="institution", grade="nursing_home", name="康乐院")
    add_period(session, ProviderPricePeriod, org_id=home.id, daily_price=Decimal("50.00"), valid_from=date(2025, 1, 1))
    resident = person(session, 91, valid_from=date(2025, 1, 1))
    stay(session, resident, home, date(2026, 3, 1))
    march = generate(session, home, MARCH)
    concluded = conclusion(session, resident, concluded_on=date(2026, 2, 20), level=4)
    grant(session, resident, home, care_type="institution", conclusion_of=concluded, starts_on=MARCH, level=4,
          now=GRANTED)
    scan.scan_provider(session, str(home.id), now=GRANTED.replace(day=11), due_at=_nightly(date(2026, 4, 11)))
    settlement = session.get(Settlement, march.settlement_id)
    assert (settlement.revision, settlement.billable) == (2, Decimal("1550.00"))   # 31 × 50
    assert session.scalars(select(SettlementAdjustment)).all() == []


def test_re_evaluation_keeps_the_monthly_fund_cap_of_outreach(session):
    """Twelve outreach visits of June rejected as E01 and paid after a retroactive L5 grant: 1440.00
    billable, but the adjustments together pay the month's fund cap 1000.00, not 90 % = 1296.00."""
    from tests.compliance_db_builders import carer
    from tests.settlement_builders import home_plan, home_visit

    world(session)
    clinic = provider(session, 92, care_type="outreach", grade="clinic", name="乡村卫生室")
    villager = person(session, 92, valid_from=date(2025, 1, 1))
    home_plan(session, villager, clinic).care_type = "outreach"
    doctor = carer(session, clinic, 92, staff_type="nurse")
    for day in range(1, 13):
        home_visit(session, villager, doctor, date(2026, 6, day * 2), care_type="outreach",
                   created_at=datetime(2026, 6, day * 2, 8, 0, tzinfo=timezone.utc))
    june = generate(session, clinic, date(2026, 6, 1))
    submit(session, june.settlement_id, datetime(2026, 7, 3, 2, 0, tzinfo=timezone.utc))
    concluded = conclusion(session, villager, concluded_on=date(2026, 5, 20), level=5)
    grant(session, villager, clinic, care_type="outreach", conclusion_of=concluded, starts_on=date(2026, 6, 1),
          level=5, now=datetime(2026, 7, 10, 2, 0, tzinfo=timezone.utc))
    scan.scan_provider(session, str(clinic.id), now=datetime(2026, 7, 11, 2, 0, tzinfo=timezone.utc),
                       due_at=_nightly(date(2026, 7, 11)))
    raised = session.scalars(select(SettlementAdjustment)).all()
    assert len(raised) == 12 and {a.units for a in raised} == {1}
    assert sum(a.billable for a in raised) == Decimal("1440.00") and sum(a.fund for a in raised) == Decimal("1000.00")
    assert adjustments.reevaluate_month(session, session.get(Settlement, june.settlement_id), actor=SYSTEM,
                                        now=GRANTED, as_of=_nightly(date(2026, 7, 12))) == 0
