"""Service catalogue (SPEC §5.2): the shipped list, dated standard minutes, care-type checks, edits."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import Conflict, ValidationFailed
from ltc.providers.catalogue import services as cs
from ltc.providers.catalogue.models import ServiceItem, ServiceItemCareType, ServiceItemMinutes, ServiceItemStaffType

pytestmark = pytest.mark.usefixtures("unseeded")  # loading the catalogue is what is tested

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)
SEED = date(2020, 1, 1)
MAR, APR, MAY = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)


@pytest.fixture
def loaded(session):
    cs.load_catalogue(session, cs.read_catalogue_csv(), actor=SYSTEM, now=NOW)
    return cs.items_by_code(session, [r.code for r in cs.read_catalogue_csv()])


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_the_shipped_catalogue_loads_42_items_27_life_and_15_medical(session):
    counts = cs.load_catalogue(session, cs.read_catalogue_csv(), actor=SYSTEM, now=NOW)
    assert counts == {"created": 42, "updated": 0, "unchanged": 0}
    classes = dict(session.execute(select(ServiceItem.item_class, func.count())
                                   .group_by(ServiceItem.item_class)).tuples().all())
    assert classes == {"life": 27, "medical": 15}
    sh01 = cs.items_by_code(session, ["SH01"])["SH01"]
    assert sh01.name_zh == "头面部清洁、梳理" and sh01.national_code is None
    assert sh01.staff_types == ["assistant", "nurse"]
    assert sh01.care_types == ["family", "home", "institution", "special"]
    assert cs.minutes_on(session, sh01.id, SEED) == 10
    assert cs.minutes_on(session, sh01.id, date(2019, 12, 31)) is None
    assert count(session, AuditEntry) == 42


def test_reloading_the_catalogue_changes_nothing(session, loaded):
    before = [count(session, m) for m in (ServiceItem, ServiceItemStaffType, ServiceItemCareType, ServiceItemMinutes)]
    counts = cs.load_catalogue(session, cs.read_catalogue_csv(), actor=SYSTEM, now=NOW)
    assert counts == {"created": 0, "updated": 0, "unchanged": 42}
    assert [count(session, m) for m in (ServiceItem, ServiceItemStaffType, ServiceItemCareType,
                                        ServiceItemMinutes)] == before


def test_reload_keeps_a_mapped_national_code_and_dated_minutes(session, loaded):
    item = loaded["SH02"]
    cs.update_item(session, item, actor=SYSTEM, now=NOW, name_zh="洗头", name_en="Hair washing",
                   national_code="ab1234567890123cd", item_class="life", staff_types=["assistant"],
                   care_types=["home"], active=True)
    cs.change_minutes(session, item, actor=SYSTEM, now=NOW, minutes=25, valid_from=APR)
    counts = cs.load_catalogue(session, cs.read_catalogue_csv(), actor=SYSTEM, now=NOW)
    assert counts == {"created": 0, "updated": 1, "unchanged": 41}
    assert item.name_zh == "洗发" and item.national_code == "AB1234567890123CD"
    assert item.staff_types == ["assistant", "nurse"]
    assert [(p.minutes, p.valid_from, p.valid_to) for p in cs.minutes_history(session, item.id)] == [
        (20, SEED, APR), (25, APR, None)]


def test_minutes_are_read_as_of_a_date_across_a_change(session, loaded):
    item = loaded["SH03"]
    cs.change_minutes(session, item, actor=SYSTEM, now=NOW, minutes=20, valid_from=APR)
    assert cs.minutes_on(session, item.id, date(2026, 3, 31)) == 15
    assert cs.minutes_on(session, item.id, APR) == 20
    assert cs.minutes_for(session, [item.id, loaded["SH01"].id], date(2026, 3, 31)) == {
        item.id: 15, loaded["SH01"].id: 10}
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "change_minutes")).one()
    assert entry.before == {"minutes": 15, "on": "2026-04-01"}
    assert entry.after == {"minutes": 20, "valid_from": "2026-04-01"}


def test_a_change_on_the_same_start_day_corrects_the_period(session, loaded):
    item = loaded["SH03"]
    cs.change_minutes(session, item, actor=SYSTEM, now=NOW, minutes=20, valid_from=APR)
    cs.change_minutes(session, item, actor=SYSTEM, now=NOW, minutes=30, valid_from=APR)
    assert [(p.minutes, p.valid_from, p.valid_to) for p in cs.minutes_history(session, item.id)] == [
        (15, SEED, APR), (30, APR, None)]


def test_a_change_before_a_later_period_is_refused_as_overlap(session, loaded):
    item = loaded["SH03"]
    cs.change_minutes(session, item, actor=SYSTEM, now=NOW, minutes=20, valid_from=MAY)
    with pytest.raises(Conflict):
        cs.change_minutes(session, item, actor=SYSTEM, now=NOW, minutes=25, valid_from=APR)
    assert [(p.minutes, p.valid_from, p.valid_to) for p in cs.minutes_history(session, item.id)] == [
        (15, SEED, MAY), (20, MAY, None)]


@pytest.mark.parametrize("minutes", [0, -5, 601, "10", True])
def test_minutes_must_be_a_positive_whole_number(session, loaded, minutes):
    with pytest.raises(ValidationFailed) as raised:
        cs.change_minutes(session, loaded["SH01"], actor=SYSTEM, now=NOW, minutes=minutes, valid_from=APR)
    assert raised.value.fields == {"minutes": "invalid"}
    assert len(cs.minutes_history(session, loaded["SH01"].id)) == 1


def test_unchanged_minutes_are_refused(session, loaded):
    with pytest.raises(ValidationFailed):
        cs.change_minutes(session, loaded["SH01"], actor=SYSTEM, now=NOW, minutes=10, valid_from=APR)


def _edit(session, item, **overrides):
    values = {"name_zh": item.name_zh, "name_en": item.name_en, "national_code": item.national_code,
              "item_class": item.item_class, "staff_types": item.staff_types, "care_types": item.care_types,
              "active": item.active, **overrides}
    return cs.update_item(session, item, actor=SYSTEM, now=NOW, **values)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"staff_types": ["assistant", "cook"]}, "staff_types"),
    ({"staff_types": []}, "staff_types"),
    ({"care_types": ["spa"]}, "care_types"),
    ({"national_code": "123"}, "national_code"),
    ({"national_code": "ABCDEFGHIJKLMNOP-"}, "national_code"),
    ({"national_code": "ＡBCDEFGHIJKLMNOPQ"}, "national_code"),
    ({"item_class": "leisure"}, "item_class"),
    ({"name_zh": "  "}, "name_zh"),
])
def test_bad_edits_are_refused_and_change_nothing(session, loaded, overrides, field):
    item = loaded["SH01"]
    before = cs._snapshot(item)
    with pytest.raises(ValidationFailed) as raised:
        _edit(session, item, **overrides)
    assert field in raised.value.fields
    assert cs._snapshot(item) == before


def test_an_edit_is_audited_with_only_the_changed_values(session, loaded):
    item = loaded["SH28"]
    _edit(session, item, national_code="A1B2C3D4E5F6G7H8J", care_types=["home", "outreach"], active=False)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.after == {"national_code": "A1B2C3D4E5F6G7H8J", "active": False,
                           "care_types": ["home", "outreach"]}
    assert entry.before["national_code"] is None and entry.before["active"] is True
    session.expire_all()
    assert sorted(session.scalars(select(ServiceItemCareType.care_type).where(
        ServiceItemCareType.item_id == item.id))) == ["home", "outreach"]


def test_items_for_care_type_lists_active_items_with_minutes_on_the_day(session, loaded):
    outreach = cs.items_for_care_type(session, "outreach", MAR)
    assert len(outreach) == 15 and {line.item.item_class for line in outreach} == {"medical"}
    assert all(line.minutes > 0 for line in outreach)
    assert len(cs.items_for_care_type(session, "home", MAR)) == 42
    _edit(session, loaded["SH01"], active=False)
    assert "SH01" not in {line.item.code for line in cs.items_for_care_type(session, "home", MAR)}
    assert cs.items_for_care_type(session, "home", date(2019, 1, 1)) == []


def test_check_items_allowed_names_the_problem_per_code(session, loaded):
    medical = "SH28"
    _edit(session, loaded["SH02"], active=False)
    problems = cs.check_items_allowed(session, ["SH01", "SH02", "XX99", medical], "outreach")
    assert set(problems) == {"SH01", "SH02", "XX99"}
    assert problems["SH01"].endswith("不属于服务形式 巡护")
    assert "停用" in problems["SH02"] and "未知" in problems["XX99"]
    assert cs.check_items_allowed(session, [medical], "outreach", "assistant") == {
        medical: f"服务项目 {medical} 不能由 护理员 提供"}
    assert cs.check_items_allowed(session, ["SH01", medical], "home", "nurse") == {}


def test_catalogue_query_filters_by_care_type_class_and_text(session, loaded):
    def codes(**filters):
        return [i.code for i in session.scalars(cs.catalogue_query(**filters))]

    assert len(codes(item_class="medical")) == 15
    assert codes(text="洗发") == ["SH02"]
    assert codes(text="hair WASH") == ["SH02"]
    assert codes(text="%") == []
    assert len(codes(care_type="outreach", item_class="life")) == 0


def test_seed_catalogue_inserts_the_file_once_with_core_only(session):
    connection = session.connection()
    assert cs.seed_catalogue(connection) == 42
    assert cs.seed_catalogue(connection) == 0
    assert count(session, ServiceItem) == 42
    assert count(session, ServiceItemMinutes) == 42
    item = cs.items_by_code(session, ["SH01"])["SH01"]
    assert item.care_types == ["family", "home", "institution", "special"]
    assert cs.minutes_on(session, item.id, SEED) == 10
    assert cs.load_catalogue(session, cs.read_catalogue_csv(), actor=SYSTEM, now=NOW)["unchanged"] == 42


def _direct_insert(session, model, **values):
    """An INSERT that bypasses the service layer, in a savepoint so the test can go on."""
    with session.begin_nested():
        session.execute(insert(model).values(**values))


def test_the_database_refuses_zero_minutes_a_bad_class_and_a_short_national_code(session, loaded):
    item = loaded["SH01"]
    with pytest.raises(IntegrityError):
        _direct_insert(session, ServiceItemMinutes, item_id=item.id, minutes=0, valid_from=APR)
    with pytest.raises(IntegrityError):
        _direct_insert(session, ServiceItem, code="ZZ01", item_class="leisure", name_zh="x", name_en="", active=True)
    with pytest.raises(IntegrityError):
        _direct_insert(session, ServiceItem, code="ZZ02", item_class="life", name_zh="x", name_en="",
                       national_code="123", active=True)
    with pytest.raises(IntegrityError):
        _direct_insert(session, ServiceItemStaffType, item_id=item.id, staff_type="cook")
    with pytest.raises(IntegrityError):
        _direct_insert(session, ServiceItemCareType, item_id=item.id, care_type="home")  # already there


def test_postgresql_exclude_constraint_rejects_overlapping_minutes(session, loaded):
    if session.bind.dialect.name != "postgresql":
        pytest.skip("EXCLUDE USING gist exists on PostgreSQL only")
    with pytest.raises(IntegrityError, match="ex_service_item_minutes_no_overlap"):
        _direct_insert(session, ServiceItemMinutes, item_id=loaded["SH01"].id, minutes=12, valid_from=APR)
    _direct_insert(session, ServiceItemMinutes, item_id=loaded["SH02"].id, minutes=12,
                   valid_from=date(2019, 1, 1), valid_to=SEED)
