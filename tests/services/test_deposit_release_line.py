"""The year-end release reaches the provider's next regular settlement as a provider-level adjustment
line (SPEC §7.3), and that settlement's net carries no deposit on it."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ltc.billing.deposits import clearing, services
from ltc.billing.models import Settlement, SettlementLine
from ltc.core.audit import SYSTEM
from tests.builders import world
from tests.deposit_builders import NOW, annual_star, settlement
from tests.settlement_builders import example_special, generate


def test_the_release_is_an_adjustment_line_of_the_next_settlement_without_a_deposit(session):
    world(session)
    hospital, _patient = example_special(session)           # all January 2026: fund 6138.00
    december = settlement(session, hospital, date(2025, 12, 1), "5000.00")
    services.book_net(session, december, actor=SYSTEM, now=NOW)         # withholds 500.00
    december.status = "paid"
    annual_star(session, hospital, 2025, 4)
    done = clearing.clear_year(session, hospital.id, 2025, actor=SYSTEM, now=NOW)
    assert done.released == Decimal("450.00") and done.returned == Decimal("50.00")

    january = session.get(Settlement, generate(session, hospital, date(2026, 1, 1)).settlement_id)
    [line] = session.scalars(select(SettlementLine).where(SettlementLine.settlement_id == january.id,
                                                          SettlementLine.kind == "adjustment")).all()
    assert (line.reason, line.person_id, line.fund, line.service_month) == (
        "deposit_release", None, Decimal("450.00"), date(2025, 12, 1))
    assert (january.fund, january.adjustments) == (Decimal("6138.00"), Decimal("450.00"))
    january.status = "approved"
    net = services.book_net(session, january, actor=SYSTEM, now=NOW)
    assert (net.deposit, net.payable) == (Decimal("613.80"), Decimal("5974.20"))   # 6138 − 613.80 + 450
