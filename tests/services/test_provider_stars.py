"""Provider stars as dated attributes (SPEC §8): the monthly star of M is in force from the 1st of
M+1 until the next one; the annual star of Y covers Y; the MIA enters them with a reason, every
change is an event and an audit row; a computed star is never overwritten by hand."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ltc.billing.stars import services
from ltc.billing.stars.models import ProviderAnnualStar, ProviderMonthlyStar, ProviderStarEvent
from ltc.billing.stars.services import StarChange
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import Conflict, ValidationFailed
from tests.builders import org

NOW = datetime(2026, 6, 10, 2, 0, tzinfo=timezone.utc)
TODAY = date(2026, 6, 10)
JAN, FEB, MAR, APR, MAY = (date(2026, m, 1) for m in range(1, 6))


@pytest.fixture
def provider(session):
    return org(session, "provider", "护理院星", 701)


def monthly(session, provider, month, stars, reason="人工录入"):
    return services.set_star(session, StarChange("monthly", provider.id, month, stars, reason),
                             actor=SYSTEM, now=NOW, today=TODAY)


def annual(session, provider, year, stars, reason="年度评定"):
    return services.set_star(session, StarChange("annual", provider.id, date(year, 1, 1), stars, reason),
                             actor=SYSTEM, now=NOW, today=TODAY)


def test_a_monthly_star_is_in_force_from_the_first_of_the_next_month_until_the_next_star(session, provider):
    monthly(session, provider, JAN, 4)
    monthly(session, provider, MAR, 2)
    assert services.monthly_star_on(session, provider.id, JAN) is None
    assert services.monthly_star_on(session, provider.id, date(2026, 1, 31)) is None
    assert services.monthly_star_on(session, provider.id, FEB) == 4
    assert services.monthly_star_on(session, provider.id, date(2026, 3, 31)) == 4
    assert services.monthly_star_on(session, provider.id, APR) == 2
    assert services.monthly_star_on(session, provider.id, date(2027, 1, 1)) == 2


def test_a_month_entered_out_of_order_ends_where_the_later_star_begins(session, provider):
    monthly(session, provider, MAR, 2)
    monthly(session, provider, JAN, 5)
    spans = [(r.month, r.valid_from, r.valid_to) for r in session.scalars(
        select(ProviderMonthlyStar).where(ProviderMonthlyStar.org_id == provider.id)
        .order_by(ProviderMonthlyStar.valid_from))]
    assert spans == [(JAN, FEB, APR), (MAR, APR, None)]
    assert services.monthly_star_on(session, provider.id, MAR) == 5


def test_a_correction_keeps_the_history_with_the_value_before_and_the_reason(session, provider):
    monthly(session, provider, APR, 3)
    monthly(session, provider, APR, 4, reason="复核更正")
    assert services.monthly_star_on(session, provider.id, MAY) == 4
    events = services.star_history(session, provider.id)
    assert [(e.kind, e.period, e.before, e.stars, e.reason) for e in events] == [
        ("monthly", APR, 3, 4, "复核更正"), ("monthly", APR, None, 3, "人工录入")]
    audits = session.scalars(select(AuditEntry).where(AuditEntry.entity == "provider_star",
                                                      AuditEntry.entity_id == str(provider.id))).all()
    assert [a.after["stars"] for a in audits] == [3, 4]


def test_the_annual_star_of_a_year_is_read_by_its_year(session, provider):
    annual(session, provider, 2025, 3)
    assert services.annual_star(session, provider.id, 2025) == 3
    assert services.annual_star(session, provider.id, 2024) is None
    row = session.scalars(select(ProviderAnnualStar).where(ProviderAnnualStar.org_id == provider.id)).one()
    assert (row.valid_from, row.valid_to) == (date(2025, 1, 1), date(2026, 1, 1))


@pytest.mark.parametrize("change, field", [
    (dict(kind="monthly", period=date(2026, 6, 1), stars=3), "period"),      # the month is not over
    (dict(kind="annual", period=date(2026, 1, 1), stars=3), "period"),       # nor the year
    (dict(kind="monthly", period=MAR, stars=6), "stars"),
    (dict(kind="monthly", period=MAR, stars=3, reason="  "), "reason"),
])
def test_a_star_outside_the_rules_is_refused_and_nothing_is_written(session, provider, change, field):
    with pytest.raises(ValidationFailed) as refused:
        services.set_star(session, StarChange(provider_id=provider.id, **{"reason": "x", **change}),
                          actor=SYSTEM, now=NOW, today=TODAY)
    assert field in refused.value.fields
    assert session.scalars(select(ProviderStarEvent).where(ProviderStarEvent.org_id == provider.id)).all() == []


def test_only_a_provider_has_stars(session):
    insurer = org(session, "insurer", "承办星", 702)
    with pytest.raises(ValidationFailed):
        services.set_star(session, StarChange("monthly", insurer.id, MAR, 3, "x"), actor=SYSTEM, now=NOW,
                          today=TODAY)


def test_a_computed_star_is_not_overwritten_by_hand(session, provider):
    services.set_star(session, StarChange("annual", provider.id, date(2025, 1, 1), 4, "评级运行", "computed"),
                      actor=SYSTEM, now=NOW, today=TODAY)
    with pytest.raises(Conflict):
        annual(session, provider, 2025, 5)
    assert services.annual_star(session, provider.id, 2025) == 4


def test_overlapping_monthly_periods_are_refused_by_the_database_on_postgresql(session, provider):
    if session.bind.dialect.name != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    monthly(session, provider, JAN, 3)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert(ProviderMonthlyStar).values(
            org_id=provider.id, month=MAR, stars=2, source="entered", reason="x", valid_from=MAR, valid_to=None,
            set_at=NOW))


def test_the_settlement_audit_reads_the_star_in_force_on_the_first_of_the_next_month(session, provider, app):
    from ltc.billing.review.stars import monthly_star_on as audit_reads

    monthly(session, provider, APR, 2)
    assert audit_reads(session, provider.id, MAY) == 2          # April's settlement is sampled at the 2★ rate
    assert audit_reads(session, provider.id, APR) is None       # March's: no star yet
