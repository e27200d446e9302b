"""A visit outside any care plan (SPEC §6: a record that passes shape validation is always stored with
its findings; issue 10): an unscheduled visit for a person without a visit-based plan in force, or
without any entitlement with the provider, is stored — E01 when no active entitlement for its care
type and provider, V09 on its items when no plan is in force — with planned minutes from the entered
value or the catalogue's standard minutes of its items."""
from datetime import date, timedelta

import pytest

from ltc.core.errors import NotFound, ValidationFailed
from ltc.core.periods import add_period
from ltc.providers.catalogue.services import items_by_code, minutes_for
from ltc.providers.models import ProviderCareTypePeriod
from ltc.providers.records import visits
from ltc.providers.records.models import BeneficiaryCarer
from tests.conftest import NOW
from tests.entitlement_builders import grant
from tests.people_builders import person
from tests.visit_builders import GRANTED_FROM, home_care, shanghai

DAY = date(2026, 3, 16)


@pytest.fixture
def hc(session, world):
    return home_care(session, world)


def item_ids(session, *codes):
    return [i.id for i in items_by_code(session, codes).values()]


def _rules(outcome) -> set[str]:
    return {f.rule for f in outcome.findings}


def _entitled_without_plan(session, world):
    """A home-care entitlement with the provider, and no care plan."""
    who = person(session, 7, district="东城区")
    grant(session, who, world.provider, care_type="home", starts_on=GRANTED_FROM)
    return who


def _chosen_carer_only(session, world, hc):
    """No entitlement with the provider at all: only the provider's chosen carer links them."""
    who = person(session, 8, district="东城区")
    session.add(BeneficiaryCarer(provider_id=world.provider.id, person_id=who.id, carer_id=hc.carer.id))
    session.flush()
    return who


def test_a_check_in_without_a_plan_is_stored_and_its_items_get_v09_at_check_out(session, world, hc):
    who = _entitled_without_plan(session, world)
    at = shanghai(DAY, 9)
    outcome = visits.check_in(session, actor=hc.operator, carer_id=hc.carer.id, person_id=who.id, at=at,
                              source="api", uploaded_at=at, now=at)
    visit = outcome.visit
    assert visit.id is not None and (visit.care_type, visit.plan_id, visit.visit_type_id) == ("home", None, None)
    assert visit.planned_minutes == 0 and "E01" not in _rules(outcome)
    items = item_ids(session, "SH01", "SH02")
    done = visits.check_out(session, visit.id, actor=hc.operator, at=at + timedelta(minutes=50), item_ids=items,
                            now=at + timedelta(minutes=50))
    assert visit.planned_minutes == sum(minutes_for(session, items, DAY).values()) > 0
    [v09] = [f for f in done.findings if f.rule == "V09"]
    assert set(v09.params["items"].split("、")) == {"SH01", "SH02"} and "E01" not in _rules(done)


def test_a_whole_visit_for_a_person_without_an_entitlement_is_stored_with_e01_and_its_entered_minutes(
        session, world, hc):
    who = _chosen_carer_only(session, world, hc)
    start = shanghai(DAY, 14)
    outcome = visits.record_visit(session, actor=hc.operator, carer_id=hc.carer.id, person_id=who.id,
                                  check_in_at=start, check_out_at=start + timedelta(minutes=45),
                                  item_ids=item_ids(session, "SH01"), planned_minutes=45, source="offline",
                                  uploaded_at=NOW, now=NOW)
    assert (outcome.visit.care_type, outcome.visit.planned_minutes, outcome.visit.status) == ("home", 45, "done")
    assert {"E01", "V09"} <= _rules(outcome)


def test_without_entered_minutes_a_whole_visit_plans_its_items_standard_minutes(session, world, hc):
    who = _chosen_carer_only(session, world, hc)
    start = shanghai(DAY, 16)
    items = item_ids(session, "SH01", "SH02")
    outcome = visits.record_visit(session, actor=hc.operator, carer_id=hc.carer.id, person_id=who.id,
                                  check_in_at=start, check_out_at=start + timedelta(minutes=30), item_ids=items,
                                  source="offline", uploaded_at=NOW, now=NOW)
    assert outcome.visit.planned_minutes == sum(minutes_for(session, items, DAY).values())


def test_a_plan_in_force_still_gives_the_care_type_and_minutes(session, hc):
    at = shanghai(DAY, 9)
    outcome = visits.check_in(session, actor=hc.operator, carer_id=hc.carer.id, person_id=hc.person.id, at=at,
                              care_type="outreach", planned_minutes=5, source="api", uploaded_at=at, now=at)
    assert (outcome.visit.care_type, outcome.visit.planned_minutes, outcome.visit.plan_id) == ("home", 60, hc.plan.id)


def test_a_provider_offering_several_visit_care_types_needs_one_named(session, world, hc):
    who = _chosen_carer_only(session, world, hc)
    add_period(session, ProviderCareTypePeriod, org_id=world.provider.id, care_type="outreach",
               valid_from=date(2025, 1, 1))
    at = shanghai(DAY, 9)
    with pytest.raises(ValidationFailed) as refused:
        visits.check_in(session, actor=hc.operator, carer_id=hc.carer.id, person_id=who.id, at=at, source="api",
                        uploaded_at=at, now=at)
    assert "care_type" in refused.value.fields
    named = visits.check_in(session, actor=hc.operator, carer_id=hc.carer.id, person_id=who.id, at=at,
                            care_type="outreach", source="api", uploaded_at=at, now=at)
    assert named.visit.care_type == "outreach" and "E01" in _rules(named)


def test_a_person_the_provider_never_dealt_with_is_not_found(session, hc):
    stranger = person(session, 9)
    at = shanghai(DAY, 9)
    with pytest.raises(NotFound):
        visits.check_in(session, actor=hc.operator, carer_id=hc.carer.id, person_id=stranger.id, at=at,
                        source="api", uploaded_at=at, now=at)
