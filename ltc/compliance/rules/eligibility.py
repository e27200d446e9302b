"""Eligibility rules on one record's service date (SPEC §6): E01, E02, E03, E07, E08.

A record is a Visit or a BedDay: each has ``service_date``, ``beneficiary_id``, ``provider_id``
and ``care_type``.
"""
from typing import Any

from ltc.compliance.kinds import RuleCode
from ltc.compliance.facts import EntitlementFact, Finding, Person, covering
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules.base import finding
from ltc.people.kinds import PersonStatus, StayCategory


def entitlement(record: Any, person: Person, policy: CompliancePolicy) -> list[Finding]:
    """E01: no active entitlement for the care type and provider on the service date. E02: the
    service date is on or after the conclusion's ``valid_to`` (also when the entitlement that
    ended there is the last one of this care type and provider)."""
    day = record.service_date
    own = [e for e in person.entitlements
           if e.care_type == record.care_type and e.provider_id == record.provider_id]
    current = covering(own, day)
    expired = current if current is not None else _last_expired(own, day)
    if expired is not None and expired.conclusion_valid_to is not None and day >= expired.conclusion_valid_to:
        return [finding(policy, RuleCode.E02, record, "服务日 %(day)s 评估结论已于 %(valid_to)s 到期",
                        params={"day": day.isoformat(), "valid_to": expired.conclusion_valid_to.isoformat()})]
    if current is None:
        return [finding(policy, RuleCode.E01, record, "服务日 %(day)s 没有该服务形式和护理机构的有效待遇",
                        params={"day": day.isoformat()},
                        evidence={"care_type": record.care_type, "provider_id": record.provider_id}),
                *_elsewhere_expired(record, person, policy)]
    return []


def _elsewhere_expired(record: Any, person: Person, policy: CompliancePolicy) -> list[Finding]:
    """E02 on a record outside the person's entitlements (E01): the conclusion is the person's, so
    the entitlement in force elsewhere that day tells whether it had expired."""
    day = record.service_date
    other = covering(person.entitlements, day)
    if other is None or other.conclusion_valid_to is None or day < other.conclusion_valid_to:
        return []
    return [finding(policy, RuleCode.E02, record, "服务日 %(day)s 评估结论已于 %(valid_to)s 到期",
                    params={"day": day.isoformat(), "valid_to": other.conclusion_valid_to.isoformat()})]


def _last_expired(own: list[EntitlementFact], day) -> EntitlementFact | None:
    """The latest entitlement ended before ``day``, when it ended because its conclusion expired."""
    ended = [e for e in own if e.valid_to is not None and e.valid_to <= day]
    if not ended:
        return None
    last = max(ended, key=lambda e: e.valid_to)
    return last if last.valid_to == last.conclusion_valid_to else None


def insured(record: Any, person: Person, policy: CompliancePolicy) -> list[Finding]:
    """E03: insurance not active on the service date (suspended, transferred after the transfer
    date — that day is still covered, SPEC §2 —, deceased (from the day after the death: a
    service then is also E07's), or no enrolment status at all)."""
    day = record.service_date
    period = covering(person.statuses, day)
    status = period.status if period else None
    if status == PersonStatus.ACTIVE:
        return []
    if status == PersonStatus.TRANSFERRED and day == period.valid_from:
        return []
    return [finding(policy, RuleCode.E03, record, "服务日 %(day)s 参保状态不是正常参保",
                    params={"day": day.isoformat()}, evidence={"status": status})]


def alive(record: Any, person: Person, policy: CompliancePolicy) -> list[Finding]:
    """E07: service after the date of death (the day of death is covered)."""
    day = record.service_date
    if person.death_date is not None and day > person.death_date:
        return [finding(policy, RuleCode.E07, record, "服务日 %(day)s 晚于死亡日期 %(death_date)s",
                        params={"day": day.isoformat(), "death_date": person.death_date.isoformat()})]
    return []


def in_hospital(record: Any, person: Person, policy: CompliancePolicy) -> list[Finding]:
    """E08: service on a day in [admission, discharge) of an ``inpatient`` stay (``ltc_special``
    stays are the special-care service itself and are ignored)."""
    day = record.service_date
    for stay in person.hospital_stays:
        if stay.category != StayCategory.INPATIENT:
            continue
        if stay.admitted_on <= day and (stay.discharged_on is None or day < stay.discharged_on):
            return [finding(policy, RuleCode.E08, record, "服务日 %(day)s 参保人在住院（%(admitted_on)s 入院）",
                            params={"day": day.isoformat(), "admitted_on": stay.admitted_on.isoformat()},
                            evidence={"discharged_on": stay.discharged_on and stay.discharged_on.isoformat()})]
    return []


def eligibility(record: Any, person: Person | None, policy: CompliancePolicy) -> list[Finding]:
    """E01/E02, E03, E07 and E08 on one record."""
    if person is None:
        person = Person(record.beneficiary_id)
    return [*entitlement(record, person, policy), *insured(record, person, policy),
            *alive(record, person, policy), *in_hospital(record, person, policy)]
