"""Periods of the same subject and attribute never overlap (SPEC §0.2): refused by the service
layer on every database, and by the EXCLUDE USING gist constraint itself on PostgreSQL."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.periods import add_period, period_on, periods_of
from ltc.orgs.models import AgreementPeriod, Organisation, OrgStatusPeriod
from ltc.providers.models import (ProviderBedsPeriod, ProviderCareTypePeriod, ProviderGradePeriod,
                                  ProviderPricePeriod)
from tests.builders import org, uscc

#: each period table of organisations, with the values of one row (besides org and dates)
TABLES = [
    (OrgStatusPeriod, {"status": "active"}),
    (AgreementPeriod, {"agreement_no": "XY-9"}),
    (ProviderCareTypePeriod, {"care_type": "home"}),
    (ProviderGradePeriod, {"grade": "clinic"}),
    (ProviderBedsPeriod, {"beds": 10}),
    (ProviderPricePeriod, {"daily_price": Decimal("50.00")}),
]
IDS = [model.__name__ for model, _ in TABLES]


@pytest.fixture
def subject(session):
    """A provider without any period yet."""
    o = Organisation(kind="provider", name="期间测试", uscc=uscc(701))
    session.add(o)
    session.flush()
    return o


@pytest.mark.parametrize("model, values", TABLES, ids=IDS)
def test_the_service_refuses_an_overlapping_period(session, subject, model, values):
    add_period(session, model, org_id=subject.id, valid_from=date(2026, 1, 1), valid_to=date(2026, 7, 1),
               **values)
    for start, end in ((date(2026, 6, 30), None), (date(2025, 1, 1), date(2026, 1, 2)),
                       (date(2026, 3, 1), date(2026, 4, 1)), (date(2025, 1, 1), None)):
        with pytest.raises(Conflict, match="重叠"):
            add_period(session, model, org_id=subject.id, valid_from=start, valid_to=end, **values)
    # half-open: a period may start on the day the previous one ends, and end where the next starts
    add_period(session, model, org_id=subject.id, valid_from=date(2026, 7, 1), **values)
    add_period(session, model, org_id=subject.id, valid_from=date(2025, 1, 1), valid_to=date(2026, 1, 1),
               **values)
    assert len(periods_of(session, model, org_id=subject.id)) == 3


def test_an_empty_or_inverted_period_is_refused(session, subject):
    with pytest.raises(ValidationFailed):
        add_period(session, OrgStatusPeriod, org_id=subject.id, status="active",
                   valid_from=date(2026, 1, 1), valid_to=date(2026, 1, 1))


def test_different_care_types_of_one_provider_may_overlap(session, subject):
    for care_type in ("home", "outreach"):
        add_period(session, ProviderCareTypePeriod, org_id=subject.id, care_type=care_type,
                   valid_from=date(2026, 1, 1))
    with pytest.raises(Conflict):
        add_period(session, ProviderCareTypePeriod, org_id=subject.id, care_type="home",
                   valid_from=date(2026, 5, 1))


def test_periods_of_different_organisations_are_independent(session, subject):
    other = org(session, "provider", "另一家", 702)
    add_period(session, ProviderGradePeriod, org_id=subject.id, grade="clinic", valid_from=date(2026, 1, 1))
    add_period(session, ProviderGradePeriod, org_id=other.id, grade="home_care", valid_from=date(2026, 1, 1))
    assert period_on(session, ProviderGradePeriod, date(2026, 2, 1), org_id=other.id).grade == "home_care"


def test_close_open_ends_the_running_period_where_the_new_one_starts(session, subject):
    add_period(session, OrgStatusPeriod, org_id=subject.id, status="active", valid_from=date(2025, 1, 1))
    add_period(session, OrgStatusPeriod, org_id=subject.id, status="suspended", valid_from=date(2026, 1, 1),
               close_open=True)
    assert [(p.valid_from, p.valid_to) for p in periods_of(session, OrgStatusPeriod, org_id=subject.id)] == [
        (date(2025, 1, 1), date(2026, 1, 1)), (date(2026, 1, 1), None)]


def _direct_insert(session, model, **values):
    """An INSERT that bypasses the service layer, in a savepoint so the test can go on."""
    with session.begin_nested():
        session.execute(insert(model).values(**values))


@pytest.mark.parametrize("model, values", TABLES, ids=IDS)
def test_postgresql_exclude_constraint_rejects_a_direct_overlapping_insert(session, subject, model, values):
    if session.bind.dialect.name != "postgresql":
        pytest.skip("EXCLUDE USING gist exists on PostgreSQL only")
    _direct_insert(session, model, org_id=subject.id, valid_from=date(2026, 1, 1), valid_to=None, **values)
    with pytest.raises(IntegrityError, match="ex_.*_no_overlap"):
        _direct_insert(session, model, org_id=subject.id, valid_from=date(2026, 6, 1),
                       valid_to=date(2026, 7, 1), **values)
    # adjacent half-open periods are not an overlap
    _direct_insert(session, model, org_id=subject.id, valid_from=date(2025, 1, 1),
                   valid_to=date(2026, 1, 1), **values)
    assert len(periods_of(session, model, org_id=subject.id)) == 2


def test_postgresql_exclude_constraint_keys_care_types_separately(session, subject):
    if session.bind.dialect.name != "postgresql":
        pytest.skip("EXCLUDE USING gist exists on PostgreSQL only")
    _direct_insert(session, ProviderCareTypePeriod, org_id=subject.id, care_type="home",
                   valid_from=date(2026, 1, 1))
    _direct_insert(session, ProviderCareTypePeriod, org_id=subject.id, care_type="family",
                   valid_from=date(2026, 1, 1))
    with pytest.raises(IntegrityError):
        _direct_insert(session, ProviderCareTypePeriod, org_id=subject.id, care_type="family",
                       valid_from=date(2026, 2, 1))
