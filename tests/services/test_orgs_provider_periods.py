"""A provider's dated agreement attributes: what was true on date D."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.periods import period_on, periods_of
from ltc.orgs.profile import org_profile
from ltc.providers import services
from ltc.providers.models import (ProviderBedsPeriod, ProviderCareTypePeriod, ProviderGradePeriod,
                                  ProviderPricePeriod)
from tests.builders import org

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)
JAN, FEB, MAR, APR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)


@pytest.fixture
def provider(session):
    return org(session, "provider", "护理院丙", 601)


def care_types(session, provider, day):
    return services.care_types_on(session, provider.id, day)


def test_care_types_change_from_a_date_and_old_dates_keep_their_answer(session, provider):
    services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types={"home", "outreach"},
                            valid_from=JAN)
    services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types={"home", "institution"},
                            valid_from=MAR)
    assert care_types(session, provider, date(2025, 12, 31)) == set()
    assert care_types(session, provider, date(2026, 2, 28)) == {"home", "outreach"}
    assert care_types(session, provider, MAR) == {"home", "institution"}
    spans = sorted((p.care_type, p.valid_from, p.valid_to)
                   for p in periods_of(session, ProviderCareTypePeriod, org_id=provider.id))
    assert spans == [("home", JAN, None), ("institution", MAR, None), ("outreach", JAN, MAR)]
    row = session.scalars(select(AuditEntry).where(AuditEntry.action == "set_care_types")
                          .order_by(AuditEntry.id.desc())).first()
    assert row.before == {"care_types": ["home", "outreach"], "on": "2026-03-01"}
    assert row.after == {"care_types": ["home", "institution"], "valid_from": "2026-03-01"}


def test_removing_a_care_type_on_the_day_it_started_drops_that_period(session, provider):
    services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types={"home"}, valid_from=JAN)
    services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types={"home", "family"},
                            valid_from=MAR)
    services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types={"home"}, valid_from=MAR)
    assert [p.care_type for p in periods_of(session, ProviderCareTypePeriod, org_id=provider.id)] == ["home"]


def test_all_care_types_may_end(session, provider):
    services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types={"home"}, valid_from=JAN)
    services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types=set(), valid_from=APR)
    assert care_types(session, provider, date(2026, 3, 31)) == {"home"}
    assert care_types(session, provider, APR) == set()


def test_care_types_unchanged_unknown_or_before_a_later_change_are_refused(session, provider):
    services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types={"home"}, valid_from=JAN)
    services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types={"home", "special"},
                            valid_from=APR)
    with pytest.raises(ValidationFailed, match="无需变更"):
        services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types={"home"}, valid_from=FEB)
    with pytest.raises(ValidationFailed, match="服务形式无效"):
        services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types={"spa"}, valid_from=FEB)
    with pytest.raises(Conflict, match="2026-04-01 起已有"):  # "special" already starts on 1 April
        services.set_care_types(session, provider, actor=SYSTEM, now=NOW, care_types={"home", "special"},
                                valid_from=FEB)


def test_grade_beds_and_price_are_read_as_of_a_date(session, provider):
    services.set_grade(session, provider, actor=SYSTEM, now=NOW, grade="nursing_home", valid_from=JAN)
    services.set_grade(session, provider, actor=SYSTEM, now=NOW, grade="nursing_hospital", valid_from=MAR)
    services.set_beds(session, provider, actor=SYSTEM, now=NOW, beds=40, valid_from=JAN)
    services.set_beds(session, provider, actor=SYSTEM, now=NOW, beds=0, valid_from=APR)
    services.set_daily_price(session, provider, actor=SYSTEM, now=NOW, daily_price=Decimal("55.5"),
                             valid_from=JAN)
    services.set_daily_price(session, provider, actor=SYSTEM, now=NOW, daily_price="58.005", valid_from=FEB)

    def on(model, attr, day):
        period = period_on(session, model, day, org_id=provider.id)
        return getattr(period, attr) if period else None

    assert on(ProviderGradePeriod, "grade", date(2026, 2, 28)) == "nursing_home"
    assert on(ProviderGradePeriod, "grade", MAR) == "nursing_hospital"
    assert on(ProviderBedsPeriod, "beds", date(2026, 3, 31)) == 40
    assert on(ProviderBedsPeriod, "beds", APR) == 0
    assert on(ProviderPricePeriod, "daily_price", date(2026, 1, 31)) == Decimal("55.50")
    assert on(ProviderPricePeriod, "daily_price", FEB) == Decimal("58.01")  # half-up to the cent
    assert on(ProviderPricePeriod, "daily_price", date(2025, 12, 31)) is None
    profile = org_profile(session, provider, date(2026, 2, 15))
    assert (profile.grade, profile.beds, profile.daily_price) == ("nursing_home", 40, Decimal("58.01"))
    actions = list(session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "organisation", AuditEntry.entity_id == str(provider.id))))
    assert sorted(actions) == ["set_beds", "set_beds", "set_daily_price", "set_daily_price",
                               "set_grade", "set_grade"]


@pytest.mark.parametrize("price", [Decimal("-0.01"), 12.5, "abc", Decimal("100000")])
def test_a_negative_float_or_non_numeric_price_is_refused(session, provider, price):
    with pytest.raises(ValidationFailed):
        services.set_daily_price(session, provider, actor=SYSTEM, now=NOW, daily_price=price, valid_from=JAN)


@pytest.mark.parametrize("beds", [-1, 2.5, True])
def test_beds_must_be_a_whole_number_not_below_zero(session, provider, beds):
    with pytest.raises(ValidationFailed):
        services.set_beds(session, provider, actor=SYSTEM, now=NOW, beds=beds, valid_from=JAN)


def test_unknown_grade_is_refused(session, provider):
    with pytest.raises(ValidationFailed):
        services.set_grade(session, provider, actor=SYSTEM, now=NOW, grade="hospital_9", valid_from=JAN)


def test_only_providers_have_provider_attributes(session):
    agency = org(session, "agency", "评估丁", 602)
    with pytest.raises(ValidationFailed, match="只有定点护理服务机构"):
        services.set_grade(session, agency, actor=SYSTEM, now=NOW, grade="clinic", valid_from=JAN)
    with pytest.raises(ValidationFailed, match="只有定点护理服务机构"):
        services.set_care_types(session, agency, actor=SYSTEM, now=NOW, care_types={"home"}, valid_from=JAN)
