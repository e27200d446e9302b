"""SPEC §6 eligibility and provider rules (pure, table-driven): E01, E02, E03, E07, E08, P01."""
from datetime import date, timedelta

import pytest

from ltc.compliance.facts import CareTypePeriod, HospitalStay, Period, StatusPeriod
from tests.compliance_builders import codes, entitlement, findings, person, provider, visit

D = date


@pytest.mark.parametrize("entitlements,found", [
    ((entitlement(),), set()),
    ((entitlement(valid_to=D(2026, 6, 10), conclusion_valid_to=D(2027, 1, 1)),), {"E01"}),  # ended the day before
    ((entitlement(valid_to=D(2026, 6, 11), conclusion_valid_to=D(2027, 1, 1)),), set()),   # last day
    ((entitlement(valid_from=D(2026, 6, 11)),), {"E01"}),
    ((entitlement(care_type="outreach"),), {"E01"}),
    ((entitlement(provider_id=11),), {"E01"}),
])
def test_e01_an_active_entitlement_for_the_care_type_and_provider(entitlements, found):
    assert codes(findings(visit(), persons=(person(*entitlements),))) == found


@pytest.mark.parametrize("valid_to,conclusion_valid_to,found", [
    (D(2026, 6, 10), D(2026, 6, 10), {"E02"}),    # ended with its conclusion: the conclusion expired
    (D(2026, 6, 11), D(2026, 6, 11), set()),      # the conclusion's last valid day
    (D(2026, 12, 1), D(2026, 6, 10), {"E02"}),    # an entitlement still running past its conclusion
])
def test_e02_service_on_or_after_the_conclusions_validity_end(valid_to, conclusion_valid_to, found):
    ent = entitlement(valid_to=valid_to, conclusion_valid_to=conclusion_valid_to)
    result = findings(visit(), persons=(person(ent),))
    assert codes(result) == found
    if found:
        assert result[0].params == {"day": "2026-06-10", "valid_to": conclusion_valid_to.isoformat()}


@pytest.mark.parametrize("conclusion_valid_to,found", [(D(2026, 6, 10), {"E01", "E02"}), (D(2026, 6, 11), {"E01"})])
def test_e02_a_record_of_another_provider_after_the_persons_conclusion_expired(conclusion_valid_to, found):
    """The conclusion is the person's: a visit by a provider without an entitlement (E01) on or after
    the validity end of the conclusion in force elsewhere is also E02."""
    elsewhere = entitlement(provider_id=11, valid_to=D(2026, 12, 1), conclusion_valid_to=conclusion_valid_to)
    assert codes(findings(visit(), persons=(person(elsewhere),))) == found


def test_e02_days_before_the_conclusion_date_are_covered():
    early = entitlement(valid_from=D(2026, 6, 1), conclusion_date=D(2026, 6, 20))
    assert findings(visit(), persons=(person(early),)) == []


@pytest.mark.parametrize("statuses,found", [
    ((StatusPeriod(D(2000, 1, 1), None, "active"),), set()),
    ((StatusPeriod(D(2000, 1, 1), D(2026, 6, 10), "active"), StatusPeriod(D(2026, 6, 10), None, "suspended")),
     {"E03"}),
    ((StatusPeriod(D(2000, 1, 1), D(2026, 6, 10), "active"), StatusPeriod(D(2026, 6, 10), None, "transferred")),
     set()),   # the transfer date is still covered
    ((StatusPeriod(D(2000, 1, 1), D(2026, 6, 9), "active"), StatusPeriod(D(2026, 6, 9), None, "transferred")),
     {"E03"}),
    ((), {"E03"}),
])
def test_e03_insurance_active_on_the_service_date(statuses, found):
    assert codes(findings(visit(), persons=(person(statuses=statuses),))) == found


@pytest.mark.parametrize("death,found", [(D(2026, 6, 10), set()), (D(2026, 6, 9), {"E07", "E03"})])
def test_e03_and_e07_a_service_after_the_death_is_also_one_without_active_insurance(death, found):
    """Recording a death makes the person deceased from the next day (SPEC §2): insurance is no
    longer active then, so a later service breaches E03 as well as E07; the day of death is covered."""
    statuses = (StatusPeriod(D(2000, 1, 1), death + timedelta(days=1), "active"),
                StatusPeriod(death + timedelta(days=1), None, "deceased"))
    assert codes(findings(visit(), persons=(person(death_date=death, statuses=statuses),))) == found


@pytest.mark.parametrize("death,found", [(D(2026, 6, 10), set()), (D(2026, 6, 9), {"E07"}), (None, set())])
def test_e07_service_after_the_date_of_death_and_the_day_of_death_covered(death, found):
    assert codes(findings(visit(), persons=(person(death_date=death),))) == found


@pytest.mark.parametrize("stay,found", [
    (HospitalStay("inpatient", D(2026, 6, 8), D(2026, 6, 12)), {"E08"}),
    (HospitalStay("inpatient", D(2026, 6, 10), None), {"E08"}),             # still in hospital
    (HospitalStay("inpatient", D(2026, 6, 8), D(2026, 6, 10)), set()),     # the discharge day
    (HospitalStay("inpatient", D(2026, 6, 11), D(2026, 6, 12)), set()),
    (HospitalStay("ltc_special", D(2026, 6, 8), D(2026, 6, 12)), set()),    # the special-care stay itself
])
def test_e08_service_during_an_inpatient_stay(stay, found):
    assert codes(findings(visit(), persons=(person(hospital_stays=(stay,)),))) == found


@pytest.mark.parametrize("change,found", [
    ({}, set()),
    (dict(statuses=(StatusPeriod(D(2020, 1, 1), None, "suspended"),)), {"P01"}),
    (dict(statuses=(StatusPeriod(D(2020, 1, 1), D(2026, 6, 10), "active"),
                    StatusPeriod(D(2026, 6, 10), None, "exited"))), {"P01"}),
    (dict(statuses=()), {"P01"}),
    (dict(agreements=(Period(D(2020, 1, 1), D(2026, 6, 10)),)), {"P01"}),
    (dict(care_types=(CareTypePeriod(D(2020, 1, 1), None, "outreach"),)), {"P01"}),
    (dict(care_types=(CareTypePeriod(D(2020, 1, 1), D(2026, 6, 11), "home"),)), set()),
])
def test_p01_provider_active_within_its_agreement_and_care_types(change, found):
    assert codes(findings(visit(), providers=(provider(**change),))) == found


def test_rejections_carry_the_policy_severity():
    from tests.compliance_builders import with_policy
    relaxed = with_policy(E07={"severity": "FLAG", "points": 0})
    [found] = findings(visit(), persons=(person(death_date=D(2026, 6, 1)),), policy=relaxed)
    assert (found.rule, found.severity) == ("E07", "FLAG")
