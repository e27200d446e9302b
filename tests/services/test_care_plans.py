"""Care plans (SPEC §5.3): versioning, checks under the policy in force, scope, refused input."""
from datetime import date, time

import pytest
from sqlalchemy import func, select

from ltc.auth.scope import get_scoped, scoped
from ltc.auth.services import actor_of
from ltc.core.audit import AuditEntry
from ltc.core.errors import NotFound, ValidationFailed
from ltc.policy.ref import seed_ref
from ltc.providers.catalogue import services as cs
from ltc.providers.care_plans import services as plans
from ltc.providers.care_plans.services import VisitTypeInput
from ltc.providers.care_plans.models import CarePlan, CarePlanVisitItem, CarePlanVisitType
from tests import builders
from tests.conftest import NOW
from tests.people_builders import person

NINE = time(9, 0)  # a weekly visit type's usual start time

DAY = date(2026, 3, 16)


@pytest.fixture
def setup(session, world):
    seed_ref(session, now=NOW)
    cs.load_catalogue(session, cs.read_catalogue_csv(), actor=actor_of(world.users["mia_admin"]), now=NOW)
    east = person(session, 1, district="东城区")                  # in the insurer's districts
    north = person(session, 2, district="朝阳区", category="resident")
    session.flush()
    return world, east, north


def visit(name="日常照护", frequency=3, unit="week", minutes=60, items=("SH01", "SH02")) -> VisitTypeInput:
    return VisitTypeInput(name, frequency, unit, minutes, tuple(items), start_time=NINE if unit == "week" else None)


def save(session, world, who="pr_op", *, person_id, provider=None, care_type="home", level=3, visits=None,
         note=None):
    return plans.save_plan(session, person_id=person_id, provider_id=(provider or world.provider).id,
                           care_type=care_type, level=level, visit_types=visits or [visit()],
                           actor=actor_of(world.users[who]), now=NOW, note=note)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_save_creates_version_1_with_visit_types_and_items(session, setup):
    world, east, _ = setup
    plan = save(session, world, person_id=east.id, note="首版",
                visits=[visit(), visit("测量", 2, "month", 30, ["SH01"])])
    assert (plan.version, plan.status, plan.previous_id, plan.note) == (1, "draft", None, "首版")
    assert plan.created_by == world.users["pr_op"].id
    assert [(v.position, v.name, v.frequency, v.frequency_unit, v.planned_minutes) for v in plan.visit_types] == [
        (1, "日常照护", 3, "week", 60), (2, "测量", 2, "month", 30)]
    assert [i.item.code for i in plan.visit_types[0].items] == ["SH01", "SH02"]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "care_plan")).one()
    assert entry.after["visit_types"][0]["items"] == ["SH01", "SH02"]


def test_each_save_is_a_new_version_and_the_previous_is_untouched(session, setup):
    world, east, _ = setup
    first = save(session, world, person_id=east.id)
    second = save(session, world, person_id=east.id, level=4, visits=[visit(frequency=5)])
    assert (second.version, second.previous_id, second.level) == (2, first.id, 4)
    session.expire_all()
    assert (first.level, first.visit_types[0].frequency) == (3, 3)
    assert plans.current_plan(session, person_id=east.id, provider_id=world.provider.id, care_type="home") == second
    assert plans.versions_of(session, first) == [second, first]
    # another care type or provider starts its own versions
    other = save(session, world, person_id=east.id, care_type="family")
    assert other.version == 1


def test_finalize_marks_the_granted_version_and_is_idempotent(session, setup):
    world, east, _ = setup
    first = save(session, world, person_id=east.id)
    plans.finalize_plan(session, first, actor=actor_of(world.users["mia_rev"]), now=NOW)
    plans.finalize_plan(session, first, actor=actor_of(world.users["mia_rev"]), now=NOW)
    assert first.status == "final"
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "finalize")) == 1
    second = save(session, world, person_id=east.id)
    assert second.status == "draft"
    key = dict(person_id=east.id, provider_id=world.provider.id, care_type="home")
    assert plans.current_plan(session, **key) == second
    assert plans.current_plan(session, **key, final_only=True) == first


def test_no_plan_yet(session, setup):
    world, east, _ = setup
    assert plans.current_plan(session, person_id=east.id, provider_id=world.provider.id, care_type="home") is None


# --- checks read the policy in force and the person's category -------------------------------

def test_home_checks_at_the_cap_pass_and_one_minute_over_fails(session, setup):
    world, east, _ = setup
    at_cap = save(session, world, person_id=east.id, level=3, visits=[visit(frequency=13, unit="month")])
    checks = plans.plan_checks(session, at_cap, DAY)
    assert [(c.code, c.passed) for c in checks] == [("items_allowed", True), ("home_hours_cap", True),
                                                    ("home_calendar_months", True)]
    over = save(session, world, person_id=east.id, level=3,
                visits=[visit(frequency=13, unit="month"), visit("加一分钟", 1, "month", 1, ["SH03"])])
    hours = plans.plan_checks(session, over, DAY)[1]
    assert not hours.passed and hours.evidence["monthly_minutes"] == "781.00"


def test_outreach_check_uses_the_persons_category_ratio(session, setup):
    world, east, north = setup
    visits = [visit("巡护", 9, "month", 30, ["SH28"])]
    employee = save(session, world, person_id=east.id, care_type="outreach", level=5, visits=visits)
    resident = save(session, world, person_id=north.id, care_type="outreach", level=5,
                    visits=[visit("巡护", 10, "month", 30, ["SH28"])])
    e, r = plans.plan_checks(session, employee, DAY)[1], plans.plan_checks(session, resident, DAY)[1]
    assert (e.passed, e.evidence["ratio"], e.evidence["monthly_fund"]) == (True, "0.90", "972.00")
    assert "职工基金支付比例 90%" in e.message
    assert (r.passed, r.evidence["ratio"], r.evidence["monthly_fund"]) == (True, "0.80", "960.00")
    assert "城乡居民基金支付比例 80%" in r.message


def test_family_plan_needs_four_visits(session, setup):
    world, east, _ = setup
    three = save(session, world, person_id=east.id, care_type="family", visits=[visit(frequency=3, unit="month")])
    four = save(session, world, person_id=east.id, care_type="family", visits=[visit(frequency=4, unit="month")])
    assert plans.plan_checks(session, three, DAY)[1].passed is False
    assert plans.plan_checks(session, four, DAY)[1].passed is True


def test_item_removed_from_the_care_type_later_fails_the_check(session, setup):
    world, east, _ = setup
    plan = save(session, world, person_id=east.id, provider=world.provider2, care_type="institution")
    assert [c.code for c in plans.plan_checks(session, plan, DAY)] == ["items_allowed"]
    item = cs.items_by_code(session, ["SH02"])["SH02"]
    cs.update_item(session, item, actor=actor_of(world.users["mia_admin"]), now=NOW, name_zh=item.name_zh,
                   name_en=item.name_en, national_code=None, item_class="life", staff_types=item.staff_types,
                   care_types=["home"], active=True)
    check = plans.plan_checks(session, plan, DAY)[0]
    assert not check.passed and list(check.evidence["problems"]) == ["SH02"]


# --- refused input: field errors, nothing written ---------------------------------------------

@pytest.mark.parametrize("visits, care_type, field", [
    ([visit(items=("SH01", "ZZ99"))], "home", "visit_types-0-items"),                 # unknown item
    ([visit("巡护", 4, "month", 30, ["SH01"])], "outreach", "visit_types-0-items"),    # not for outreach
    ([visit(), visit("第二种", frequency=0)], "home", "visit_types-1-frequency"),
    ([visit(frequency=22)], "home", "visit_types-0-frequency"),
    ([visit(unit="day")], "home", "visit_types-0-frequency_unit"),
    ([visit(minutes=0)], "home", "visit_types-0-planned_minutes"),
    ([visit(name=" ")], "home", "visit_types-0-name"),
    ([visit(), visit()], "home", "visit_types-1-name"),                               # duplicate name
    ([visit(items=())], "home", "visit_types-0-items"),
    ([visit(items=("SH01", "SH01"))], "home", "visit_types-0-items"),
    ([], "home", "visit_types"),
    ([visit()], "spa", "care_type"),
])
def test_bad_input_is_refused_with_field_errors_and_nothing_written(session, setup, visits, care_type, field):
    world, east, _ = setup
    before = [count(session, m) for m in (CarePlan, CarePlanVisitType, CarePlanVisitItem, AuditEntry)]
    with pytest.raises(ValidationFailed) as caught:
        plans.save_plan(session, person_id=east.id, provider_id=world.provider.id, care_type=care_type, level=3,
                        visit_types=visits, actor=actor_of(world.users["pr_op"]), now=NOW)
    assert field in caught.value.fields
    assert [count(session, m) for m in (CarePlan, CarePlanVisitType, CarePlanVisitItem, AuditEntry)] == before


def test_unknown_item_error_names_the_code(session, setup):
    world, east, _ = setup
    with pytest.raises(ValidationFailed) as caught:
        save(session, world, person_id=east.id, care_type="outreach", visits=[visit(items=("SH01", "ZZ99"))])
    reason = caught.value.fields["visit_types-0-items"]
    assert "未知的服务项目 ZZ99" in reason and "SH01 不属于服务形式 巡护" in reason


def test_bad_level_and_unknown_person_or_provider(session, setup):
    world, east, _ = setup
    with pytest.raises(ValidationFailed) as caught:
        save(session, world, person_id=east.id, level=6)
    assert "level" in caught.value.fields
    with pytest.raises(NotFound):
        save(session, world, person_id=999999)
    with pytest.raises(NotFound):
        save(session, world, person_id=east.id, provider=world.agency)


# --- scope --------------------------------------------------------------------------------------

def test_scope_per_org_kind(session, setup):
    world, east, north = setup
    own = save(session, world, person_id=east.id)                                   # provider, 东城区
    other = save(session, world, "pr2_op", person_id=north.id, provider=world.provider2, care_type="institution")
    no_districts = builders.org(session, "insurer", "另一保险公司", 9)
    lonely = builders.user(session, no_districts, "ins2_rev", "reviewer")

    def visible(username_or_user):
        user = world.users.get(username_or_user) if isinstance(username_or_user, str) else username_or_user
        return set(session.scalars(scoped(select(CarePlan), CarePlan, user)))

    assert visible("mia_rev") == {own, other}
    assert visible("pr_op") == {own}
    assert visible("pr2_op") == {other}
    assert visible("ins_rev") == {own}                                               # 东城区 only
    assert visible("ag_admin") == set()
    assert visible(lonely) == set()
    with pytest.raises(NotFound):
        get_scoped(session, world.users["pr2_op"], CarePlan, own.id)


def test_latest_plans_lists_one_row_per_plan(session, setup):
    world, east, north = setup
    save(session, world, person_id=east.id)
    newest = save(session, world, person_id=east.id)
    family = save(session, world, person_id=north.id, care_type="family")
    rows = list(session.scalars(plans.latest_plans(world.users["pr_op"])))
    assert set(rows) == {newest, family}


def test_weekdays_are_stored_and_must_divide_a_weekly_frequency(session, setup):
    world, east, _ = setup
    plan = save(session, world, person_id=east.id, visits=[VisitTypeInput("日常照护", 4, "week", 60, ("SH01",),
                                                                           weekdays=(4, 1), start_time=NINE)])
    assert plan.visit_types[0].weekdays == "14"
    assert plans.planned_visits(plan)[0].weekdays == (1, 4)
    with pytest.raises(ValidationFailed) as uneven:
        save(session, world, person_id=east.id, visits=[VisitTypeInput("日常照护", 3, "week", 60, ("SH01",),
                                                                        weekdays=(1, 4), start_time=NINE)])
    assert uneven.value.fields == {"visit_types-0-weekdays": "每周 3 次不能平均安排在 2 个服务日"}
    with pytest.raises(ValidationFailed) as monthly:
        save(session, world, person_id=east.id, visits=[VisitTypeInput("测量", 2, "month", 30, ("SH01",),
                                                                        weekdays=(1,))])
    assert monthly.value.fields == {"visit_types-0-weekdays": "只有按周的服务可以指定服务日"}
    with pytest.raises(ValidationFailed) as twice:
        save(session, world, person_id=east.id, visits=[VisitTypeInput("测量", 2, "week", 30, ("SH01",),
                                                                        weekdays=(1, 1), start_time=NINE)])
    assert twice.value.fields == {"visit_types-0-weekdays": "服务日应为周一至周日，不可重复"}


def test_a_weekly_visit_type_needs_a_start_time_and_a_monthly_one_may_have_one(session, setup):
    """SPEC §5.3 "usual weekdays and start time": the schedule and punctuality use the start time."""
    world, east, _ = setup
    with pytest.raises(ValidationFailed) as missing:
        save(session, world, person_id=east.id, visits=[VisitTypeInput("日常照护", 3, "week", 60, ("SH01",))])
    assert missing.value.fields == {"visit_types-0-start_time": "按周的服务须填写开始时间"}
    plan = save(session, world, person_id=east.id, visits=[
        VisitTypeInput("日常照护", 3, "week", 60, ("SH01",), start_time=time(14, 30)),
        VisitTypeInput("测量", 2, "month", 30, ("SH01",))])
    assert [v.start_time for v in plan.visit_types] == [time(14, 30), None]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "care_plan")).one()
    assert [v["start_time"] for v in entry.after["visit_types"]] == ["14:30", None]
