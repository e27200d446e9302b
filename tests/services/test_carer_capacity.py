"""The entitlement review's capacity check at step 1 (SPEC §4.2) on the carer register: beds for
bed-based care, qualified carers of the right staff types against home beneficiaries (policy
ratio, REF 1 carer : 8), both ways at the boundary; and the register's expiry reminders (SPEC §9)."""
from datetime import date, time, timedelta

import pytest

from ltc.core.audit import SYSTEM
from ltc.core.periods import add_period
from ltc.entitlements.capacity import capacity_check, staff_types_for
from ltc.entitlements.models import EntitlementRequest
from ltc.policy.services import policy_on
from ltc.providers.care_plans.services import VisitTypeInput, save_plan
from ltc.providers.carers.policy import CarersPolicy
from ltc.providers.carers.services import dated
from ltc.providers.carers.worklists import carer_papers_ending
from ltc.providers.models import ProviderBedsPeriod
from tests.builders import org
from tests.carer_builders import carer
from tests.conftest import NOW, TODAY
from tests.entitlement_builders import grant
from tests.people_builders import person

DAY = date(2026, 4, 1)


def beneficiaries(session, provider, count: int, *, care_type: str = "home", first: int = 100) -> None:
    for n in range(first, first + count):
        grant(session, person(session, n, name=f"受益{n}"), provider, care_type=care_type, starts_on=date(2026, 2, 1))


def request_for(session, provider, care_type: str = "home", n: int = 99) -> EntitlementRequest:
    return EntitlementRequest(person_id=person(session, n, name="新申请人").id, provider_id=provider.id,
                              care_type=care_type, replaces_id=None)


def test_the_ratio_is_a_policy_parameter_of_one_carer_for_eight():
    from ltc.providers.carers.policy import REF
    assert REF == {"home_beneficiaries_per_carer": 8}


def test_one_qualified_carer_takes_the_eighth_home_beneficiary_but_not_the_ninth(session, world):
    assert policy_on(session, DAY).section(CarersPolicy).home_beneficiaries_per_carer == 8
    carer(session, world.provider, 1, staff_type="assistant", qualified=True)
    beneficiaries(session, world.provider, 7)
    request = request_for(session, world.provider)
    eighth = capacity_check(session, request, DAY)
    assert (eighth.code, eighth.passed, eighth.params["carers"], eighth.params["served"]) == ("capacity", True, 1, 8)
    assert "合格护理人员 1 名" in eighth.text
    beneficiaries(session, world.provider, 1, first=200)
    ninth = capacity_check(session, request, DAY)
    assert (ninth.passed, ninth.params["served"], ninth.params["capacity"]) == (False, 9, 8)
    carer(session, world.provider, 2, staff_type="nurse", qualified=True)
    assert capacity_check(session, request, DAY).passed is True


def test_only_employed_qualified_unsuspended_carers_of_an_allowed_staff_type_count(session, world):
    request = request_for(session, world.provider)
    unqualified = carer(session, world.provider, 1, staff_type="assistant")
    assert capacity_check(session, request, DAY).passed is False  # no qualification: no capacity
    dated.add_qualification(session, unqualified, staff_type="assistant", certificate_no="ZG-1",
                            valid_from=date(2025, 1, 1), valid_to=DAY, actor=SYSTEM, now=NOW)
    assert capacity_check(session, request, DAY).passed is False  # it ends the day before
    able = carer(session, world.provider, 2, staff_type="assistant", qualified=True)
    assert capacity_check(session, request, DAY).passed is True
    dated.suspend_carer(session, able, valid_from=DAY, valid_to=None, reason="投诉核查", actor=SYSTEM, now=NOW)
    assert capacity_check(session, request, DAY).passed is False


def test_the_plans_items_decide_the_staff_types_that_count(session, world):
    request = request_for(session, world.provider)
    assert staff_types_for(session, request, DAY) >= {"assistant", "nurse"}  # no plan: the care type's items
    carer(session, world.provider, 1, staff_type="assistant", qualified=True)
    save_plan(session, person_id=request.person_id, provider_id=world.provider.id, care_type="home", level=4,
              visit_types=[VisitTypeInput("鼻饲", 3, "week", 30, ("SH29",), weekdays=(1, 3, 5), start_time=time(9, 0))],
              actor=SYSTEM, now=NOW)
    assert staff_types_for(session, request, DAY) == {"nurse", "doctor", "village_doctor"}
    assert capacity_check(session, request, DAY).passed is False  # an assistant may not deliver SH29


def test_bed_based_care_counts_occupied_beds_of_that_care_type(session, world):
    home = org(session, "provider", "护理院丁", 81)
    add_period(session, ProviderBedsPeriod, org_id=home.id, beds=2, valid_from=date(2025, 1, 1))
    request = request_for(session, home, "institution")
    beneficiaries(session, home, 1, care_type="institution")
    beneficiaries(session, home, 1, care_type="special", first=300)  # another care type's beds
    one_left = capacity_check(session, request, DAY)
    assert (one_left.label, one_left.passed, one_left.params["used"]) == ("床位", True, 1)
    beneficiaries(session, home, 1, care_type="institution", first=400)
    full = capacity_check(session, request, DAY)
    assert (full.passed, full.text) == (False, "核定床位 2 张，2026-04-01 已占用 2 张")
    assert capacity_check(session, request_for(session, world.provider, "institution", 98), DAY).passed is False


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


def test_qualifications_and_certificates_are_reminded_60_days_ahead_not_61(session, world, request_context):
    soon = carer(session, world.provider, 1, name="甲护理")
    later = carer(session, world.provider, 2, name="乙护理")
    for who, days in ((soon, 60), (later, 61)):
        dated.add_qualification(session, who, staff_type="assistant", certificate_no=f"ZG-{days}",
                                valid_from=date(2024, 1, 1), valid_to=TODAY + timedelta(days=days), actor=SYSTEM,
                                now=NOW)
        dated.add_certificate(session, who, name="健康证", number=f"JK-{days}", valid_from=date(2025, 1, 1),
                              valid_to=TODAY + timedelta(days=days), actor=SYSTEM, now=NOW)
    listed = carer_papers_ending(session, world.users["pr_op"], TODAY)
    assert sorted((r["carer"], r["number"], r["last_day"]) for r in listed.rows) == [
        ("甲护理", "JK-60", TODAY + timedelta(days=59)), ("甲护理", "ZG-60", TODAY + timedelta(days=59))]
    assert listed.title == "60 天内到期的护理人员资格和证书"
    assert carer_papers_ending(session, world.users["pr2_admin"], TODAY).rows == []  # another provider's
    assert carer_papers_ending(session, world.users["ins_admin"], TODAY) is None
    assert carer_papers_ending(session, world.users["pr_carer"], TODAY) is None
    dated.add_qualification(session, soon, staff_type="assistant", certificate_no="ZG-NEW",
                            valid_from=TODAY + timedelta(days=60), valid_to=None, actor=SYSTEM, now=NOW)
    dated.add_certificate(session, soon, name="健康证", valid_from=TODAY + timedelta(days=30), valid_to=None,
                          actor=SYSTEM, now=NOW)
    assert carer_papers_ending(session, world.users["pr_op"], TODAY).rows == []  # renewed
