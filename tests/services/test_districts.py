"""The MIA's district list and a provider's dated district (SPEC §0.2, §1)."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.periods import add_period, periods_of
from ltc.orgs import services as orgs
from ltc.orgs.contracts import insurer_of_district
from ltc.orgs.models import District
from ltc.orgs.profile import org_profile
from ltc.providers import services
from ltc.providers.models import ProviderDistrictPeriod
from tests.builders import contract, org

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)
JAN, FEB, MAR, APR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)


@pytest.fixture
def listed(session):
    """Three districts in the list: 东城区 and 西城区 active, 旧城区 deactivated."""
    for code in ("东城区", "西城区", "旧城区"):
        orgs.add_district(session, actor=SYSTEM, now=NOW, code=code, name=code)
    old = session.scalar(select(District).where(District.code == "旧城区"))
    orgs.set_district_active(session, old, actor=SYSTEM, now=NOW, active=False)
    return {d.code: d for d in orgs.list_districts(session)}


@pytest.fixture
def provider(session, listed):
    return org(session, "provider", "护理站丁", 611)


def set_district(session, provider, district, valid_from):
    return services.set_district(session, provider, actor=SYSTEM, now=NOW, district=district,
                                 valid_from=valid_from)


def audit_rows(session, entity):
    return session.scalars(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)).all()


# --- the list ------------------------------------------------------------------------------

def test_districts_are_listed_in_their_order_and_a_new_one_goes_last(session, listed):
    orgs.add_district(session, actor=SYSTEM, now=NOW, code="330104", name="南湖区")
    orgs.add_district(session, actor=SYSTEM, now=NOW, code="330100", name="市本级", sort_order=0)
    assert [d.name for d in orgs.list_districts(session)] == ["市本级", "东城区", "西城区", "旧城区", "南湖区"]
    assert [d.name for d in orgs.list_districts(session, active_only=True)] == ["市本级", "东城区", "西城区", "南湖区"]
    assert orgs.district_names(session)["330104"] == "南湖区"


@pytest.mark.parametrize("code, name, error, field", [
    ("东城区", "东城新区", Conflict, "code"),
    ("330199", "西城区", Conflict, "name"),
    ("  ", "空代码", ValidationFailed, "code"),
    ("330199", " ", ValidationFailed, "name"),
    ("东城区、西城区", "两区", ValidationFailed, "code"),
    ("3" * 51, "太长", ValidationFailed, "code"),
])
def test_a_district_with_a_taken_empty_or_malformed_code_or_name_is_refused(session, listed, code, name,
                                                                             error, field):
    with pytest.raises(error) as caught:
        orgs.add_district(session, actor=SYSTEM, now=NOW, code=code, name=name)
    assert field in caught.value.fields
    assert len(orgs.list_districts(session)) == 3


def test_renaming_keeps_the_code_and_is_audited(session, listed):
    district = listed["东城区"]
    orgs.update_district(session, district, actor=SYSTEM, now=NOW, name="东城新区", sort_order=5)
    assert (district.code, district.name, district.sort_order) == ("东城区", "东城新区", 5)
    with pytest.raises(Conflict, match="已在名录中"):
        orgs.update_district(session, listed["西城区"], actor=SYSTEM, now=NOW, name="东城新区", sort_order=20)
    last = audit_rows(session, "district")[-1]
    assert (last.action, last.entity_id, last.before, last.after) == (
        "update", "东城区", {"name": "东城区", "sort_order": 10}, {"name": "东城新区", "sort_order": 5})


def test_deactivating_and_activating_again_are_audited_and_a_repeat_is_refused(session, listed):
    district = listed["西城区"]
    orgs.set_district_active(session, district, actor=SYSTEM, now=NOW, active=False)
    with pytest.raises(ValidationFailed):
        orgs.set_district_active(session, district, actor=SYSTEM, now=NOW, active=False)
    orgs.set_district_active(session, district, actor=SYSTEM, now=NOW, active=True)
    assert district.active
    actions = [(row.action, row.entity_id) for row in audit_rows(session, "district")]
    assert actions[-2:] == [("deactivate", "西城区"), ("activate", "西城区")]


def test_an_unused_district_may_be_deleted_but_one_named_by_any_record_may_not(session, listed, provider):
    from tests.people_builders import person

    orgs.delete_district(session, listed["旧城区"], actor=SYSTEM, now=NOW)
    assert "旧城区" not in orgs.district_names(session)
    deleted = audit_rows(session, "district")[-1]
    assert (deleted.action, deleted.entity_id, deleted.before) == (
        "delete", "旧城区", {"code": "旧城区", "name": "旧城区"})
    for code in ("南湖区", "北山区", "新港区"):
        orgs.add_district(session, actor=SYSTEM, now=NOW, code=code, name=code)
    set_district(session, provider, "南湖区", JAN)
    person(session, district="北山区")
    org(session, "insurer", "承办乙", 612, districts=["新港区"])
    names = {d.code: d for d in orgs.list_districts(session)}
    for code in ("南湖区", "北山区", "新港区"):
        with pytest.raises(Conflict, match="已被使用"):
            orgs.delete_district(session, names[code], actor=SYSTEM, now=NOW)
    assert {"南湖区", "北山区", "新港区"} <= set(orgs.district_names(session))


# --- a provider's district -----------------------------------------------------------------

def test_district_on_answers_for_the_day_on_the_boundaries_of_each_period(session, provider):
    set_district(session, provider, "东城区", FEB)
    set_district(session, provider, "西城区", APR)
    assert services.district_on(session, provider.id, date(2026, 1, 31)) is None
    assert services.district_on(session, provider.id, FEB) == "东城区"
    assert services.district_on(session, provider.id, date(2026, 3, 31)) == "东城区"
    assert services.district_on(session, provider.id, APR) == "西城区"
    assert services.district_on(session, provider.id, date(2030, 1, 1)) == "西城区"
    spans = [(p.district, p.valid_from, p.valid_to) for p in periods_of(session, ProviderDistrictPeriod,
                                                                        org_id=provider.id)]
    assert spans == [("东城区", FEB, APR), ("西城区", APR, None)]
    row = audit_rows(session, "organisation")[-1]
    assert (row.action, row.before, row.after) == (
        "set_district", {"district": "东城区", "on": "2026-04-01"}, {"district": "西城区", "valid_from": "2026-04-01"})


def test_the_district_must_be_an_active_district_of_the_list(session, provider):
    with pytest.raises(ValidationFailed, match="不在区县名录中"):
        set_district(session, provider, "火星区", JAN)
    with pytest.raises(ValidationFailed, match="已停用"):
        set_district(session, provider, "旧城区", JAN)
    assert periods_of(session, ProviderDistrictPeriod, org_id=provider.id) == []


def test_a_district_period_overlapping_a_later_one_or_repeating_the_value_is_refused(session, provider):
    set_district(session, provider, "东城区", JAN)
    set_district(session, provider, "西城区", MAR)
    with pytest.raises(ValidationFailed, match="无需变更"):
        set_district(session, provider, "东城区", FEB)
    with pytest.raises(Conflict, match="重叠"):  # [FEB, …) would overlap the period from MAR
        set_district(session, provider, "西城区", FEB)
    with pytest.raises(Conflict, match="重叠"):
        add_period(session, ProviderDistrictPeriod, org_id=provider.id, district="东城区",
                   valid_from=date(2026, 2, 15), valid_to=APR)
    assert len(periods_of(session, ProviderDistrictPeriod, org_id=provider.id)) == 2


def test_only_providers_have_a_district_period(session, listed):
    agency = org(session, "agency", "评估机构戊", 613)
    with pytest.raises(ValidationFailed, match="只有定点护理服务机构"):
        set_district(session, agency, "东城区", JAN)


def test_the_profile_shows_the_districts_name_not_its_code(session, provider, listed):
    orgs.add_district(session, actor=SYSTEM, now=NOW, code="330104", name="南湖区")
    set_district(session, provider, "330104", JAN)
    profile = org_profile(session, provider, FEB)
    assert (profile.district, profile.district_name) == ("330104", "南湖区")
    assert org_profile(session, provider, date(2025, 12, 31)).district_name is None


def test_a_deactivated_district_stays_on_the_providers_history(session, provider, listed):
    set_district(session, provider, "东城区", JAN)
    orgs.set_district_active(session, listed["东城区"], actor=SYSTEM, now=NOW, active=False)
    assert services.district_on(session, provider.id, FEB) == "东城区"
    assert [p.district for p in orgs.org_history(session, provider).district_periods] == ["东城区"]


# --- which insurer answers for a district ---------------------------------------------------

def test_insurer_of_district_is_the_insurer_whose_contract_covers_it_that_day(session, listed):
    first = org(session, "insurer", "承办甲", 621, districts=["东城区"], start=JAN)
    second = org(session, "insurer", "承办乙", 622)
    contract(session, first, "西城区", JAN, MAR)
    contract(session, second, "西城区", MAR)
    contract(session, second, "南湖区", FEB)
    org(session, "provider", "护理站", 623)
    assert insurer_of_district(session, "东城区", JAN) == first.id
    assert insurer_of_district(session, "东城区", date(2025, 12, 31)) is None
    assert insurer_of_district(session, "西城区", date(2026, 2, 28)) == first.id
    assert insurer_of_district(session, "西城区", MAR) == second.id
    assert insurer_of_district(session, "南湖区", JAN) is None
    assert insurer_of_district(session, "南湖区", FEB) == second.id
    assert insurer_of_district(session, "北山区", JAN) is None
    assert insurer_of_district(session, None, JAN) is None
    assert insurer_of_district(session, "", JAN) is None


def test_a_providers_district_leads_to_its_insurer(session, provider):
    insurer = org(session, "insurer", "承办丙", 624, districts=["西城区"])
    set_district(session, provider, "西城区", JAN)
    district = services.district_on(session, provider.id, FEB)
    assert insurer_of_district(session, district, FEB) == insurer.id


# --- PostgreSQL: the EXCLUDE constraint itself ---------------------------------------------

def _direct_insert(session, **values):
    with session.begin_nested():
        session.execute(insert(ProviderDistrictPeriod).values(**values))


def test_postgresql_exclude_constraint_rejects_a_direct_overlapping_district_period(session, provider):
    if session.bind.dialect.name != "postgresql":
        pytest.skip("EXCLUDE USING gist exists on PostgreSQL only")
    _direct_insert(session, org_id=provider.id, district="东城区", valid_from=JAN, valid_to=None)
    with pytest.raises(IntegrityError, match="ex_provider_district_periods_no_overlap"):
        _direct_insert(session, org_id=provider.id, district="西城区", valid_from=MAR, valid_to=APR)
    _direct_insert(session, org_id=provider.id, district="西城区", valid_from=date(2025, 1, 1), valid_to=JAN)
    assert len(periods_of(session, ProviderDistrictPeriod, org_id=provider.id)) == 2


def test_a_district_period_must_name_a_district_of_the_list(session, provider):
    with pytest.raises(IntegrityError):
        _direct_insert(session, org_id=provider.id, district="火星区", valid_from=JAN, valid_to=None)


# --- the demo ------------------------------------------------------------------------------

def test_each_demo_provider_is_in_the_district_of_its_address_from_its_agreement_start(session):
    from ltc.demo import data

    demo = data.load_orgs(session, now=NOW)
    assert [d.code for d in orgs.list_districts(session)] == list(data.DISTRICTS)
    providers = [o for o in demo.values() if o.kind == "provider"]
    assert len(providers) == 4  # with the low-star provider without settlements (ltc.demo.rating_run)
    for provider in providers:
        [period] = periods_of(session, ProviderDistrictPeriod, org_id=provider.id)
        assert (period.valid_from, period.valid_to) == (data.START, None)
        assert period.valid_from == provider.agreements[0].valid_from
        assert period.district in provider.address
        assert insurer_of_district(session, period.district, NOW.date()) == demo["insurer"].id
    data.load_orgs(session, now=NOW)  # idempotent
    assert len(orgs.list_districts(session)) == 6
