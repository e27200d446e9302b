"""Net payment and the quality deposit (SPEC §7.3): approved fund − deposit (10 % of the approved
fund, half-up on the provider total) ± adjustments (no deposit on them) = net; a negative net is
carried into the next settlement, never paid out; the ledger's balance by year."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ltc.billing.deposits import services
from ltc.billing.deposits.models import DepositEntry
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import InvalidTransition
from tests.builders import org
from tests.deposit_builders import NOW, settlement

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


@pytest.fixture
def provider(session):
    return org(session, "provider", "护理院押金", 711)


def book(session, row):
    return services.book_net(session, row, actor=SYSTEM, now=NOW)


def test_the_deposit_is_rounded_half_up_once_on_the_provider_total(session, provider):
    # two lines of 0.25 and 0.20: 10 % per line would round to 0.03 + 0.02; on the total 0.45 → 0.05
    net = book(session, settlement(session, provider, JAN, "0.45"))
    assert (net.deposit, net.net, net.payable) == (Decimal("0.05"), Decimal("0.40"), Decimal("0.40"))


def test_adjustments_carry_no_deposit(session, provider):
    row = settlement(session, provider, JAN, "10000.00", adjustments="-1234.56")
    net = book(session, row)
    assert net.deposit == Decimal("1000.00")
    assert net.net == Decimal("7765.44")
    assert (row.deposit, row.net) == (Decimal("1000.00"), Decimal("7765.44"))


def test_a_negative_net_is_carried_into_the_next_settlement_and_never_paid(session, provider):
    january = book(session, settlement(session, provider, JAN, "100.00", adjustments="-500.00"))
    assert (january.net, january.payable, january.carried_out) == (
        Decimal("-410.00"), Decimal("0.00"), Decimal("-410.00"))
    february = book(session, settlement(session, provider, FEB, "1000.00"))
    assert february.carried_in == Decimal("-410.00") and february.carried_from_id == january.id
    assert (february.net, february.payable, february.carried_out) == (
        Decimal("490.00"), Decimal("490.00"), Decimal("0.00"))
    march = book(session, settlement(session, provider, MAR, "100.00"))
    assert march.carried_in == Decimal("0.00")      # a carry is taken once


def test_booking_again_after_a_return_recomputes_and_keeps_one_ledger_entry(session, provider):
    row = settlement(session, provider, JAN, "2000.00")
    book(session, row)
    row.fund = Decimal("1500.00")                   # the audit deducted after the MIA returned it
    net = book(session, row)
    entries = session.scalars(select(DepositEntry).where(DepositEntry.settlement_id == row.id)).all()
    assert [(e.kind, e.amount) for e in entries] == [("withheld", Decimal("150.00"))]
    assert net.payable == Decimal("1350.00")
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "settlement_net")).all() == [
        "book_net", "book_net"]


def test_a_paid_settlement_is_immutable(session, provider):
    with pytest.raises(InvalidTransition):
        book(session, settlement(session, provider, JAN, "100.00", status="paid"))


def test_the_ledger_balance_by_year_is_withheld_less_released_and_returned(session, provider):
    for month, fund in ((JAN, "1000.00"), (FEB, "2000.05"), (date(2025, 12, 1), "500.00")):
        book(session, settlement(session, provider, month, fund))
    years = services.balances(session, provider.id)
    assert [(y.year, y.withheld, y.balance) for y in years] == [
        (2025, Decimal("50.00"), Decimal("50.00")), (2026, Decimal("300.01"), Decimal("300.01"))]
