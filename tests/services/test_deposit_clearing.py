"""Year-end clearing (SPEC §7.3): the deposits withheld from year Y's service months are released by
the provider's annual star of Y (5★ 100 %, 4★ 90 %, 3★ 70 %, 2★ 40 %, 1★ 0 %) as an adjustment for
its next regular settlement; the rest returns to the fund; without a star, or with a settlement of
Y not paid yet, nothing is cleared; clearing twice changes nothing."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ltc.billing.deposits import clearing, services
from ltc.billing.deposits.models import DepositEntry
from ltc.billing.models import SettlementAdjustment
from ltc.core.audit import SYSTEM
from ltc.core.errors import Conflict, ValidationFailed
from tests.builders import org
from tests.deposit_builders import NOW, annual_star, settlement

Y = 2026


@pytest.fixture
def provider(session):
    p = org(session, "provider", "护理院清算", 721)
    for month, fund in ((date(Y, 3, 1), "10000.00"), (date(Y, 12, 1), "2345.65")):
        row = settlement(session, p, month, fund)
        services.book_net(session, row, actor=SYSTEM, now=NOW)     # withholds 1000.00 and 234.57
        row.status = "paid"
    session.flush()
    return p


def clear(session, provider):
    return clearing.clear_year(session, provider.id, Y, actor=SYSTEM, now=NOW)


@pytest.mark.parametrize("stars, released, returned", [
    (5, "1234.57", "0.00"), (4, "1111.11", "123.46"), (3, "864.20", "370.37"), (2, "493.83", "740.74"),
    (1, "0.00", "1234.57"),
])
def test_the_annual_star_sets_the_share_released_and_the_rest_returns_to_the_fund(
        session, provider, stars, released, returned):
    annual_star(session, provider, Y, stars)
    done = clear(session, provider)
    assert (done.withheld, done.released, done.returned) == (
        Decimal("1234.57"), Decimal(released), Decimal(returned))
    kinds = {e.kind: e.amount for e in session.scalars(select(DepositEntry).where(
        DepositEntry.provider_id == provider.id, DepositEntry.clearing_id == done.id))}
    assert kinds == {k: Decimal(v) for k, v in (("released", released), ("returned", returned)) if Decimal(v)}
    assert [b.balance for b in services.balances(session, provider.id)] == [Decimal("0.00")]


def test_the_release_is_a_provider_adjustment_for_the_next_regular_settlement(session, provider):
    annual_star(session, provider, Y, 4)
    done = clear(session, provider)
    adjustment = session.get(SettlementAdjustment, done.adjustment_id)
    assert (adjustment.reason, adjustment.person_id, adjustment.fund, adjustment.service_month,
            adjustment.settlement_id) == ("deposit_release", None, Decimal("1111.11"), date(Y, 12, 1), None)
    assert adjustment.params == {"year": Y, "stars": 4, "percent": "90"}


def test_one_star_releases_nothing_and_books_no_adjustment(session, provider):
    annual_star(session, provider, Y, 1)
    assert clear(session, provider).adjustment_id is None
    assert session.scalars(select(SettlementAdjustment).where(
        SettlementAdjustment.provider_id == provider.id)).all() == []


def test_without_an_annual_star_nothing_is_cleared(session, provider):
    with pytest.raises(ValidationFailed, match="年度星级尚未评定"):
        clear(session, provider)
    assert clearing.years_to_clear(session, Y + 1) == []
    assert services.balances(session, provider.id)[0].balance == Decimal("1234.57")


def test_a_year_with_an_unpaid_settlement_waits(session, provider):
    annual_star(session, provider, Y, 5)
    settlement(session, provider, date(Y, 11, 1), "10.00", status="approved")
    with pytest.raises(Conflict, match="2026-11"):
        clear(session, provider)
    assert clearing.years_to_clear(session, Y + 1) == []


def test_clearing_twice_changes_nothing_and_the_job_lists_a_year_once(session, provider):
    annual_star(session, provider, Y, 3)
    assert clearing.years_to_clear(session, Y + 1) == [(provider.id, Y)]
    assert clearing.years_to_clear(session, Y) == []            # the year is not over before Y + 1
    first = clear(session, provider)
    assert clear(session, provider).id == first.id
    assert clearing.years_to_clear(session, Y + 1) == []
    assert len(session.scalars(select(DepositEntry).where(DepositEntry.clearing_id == first.id)).all()) == 2
