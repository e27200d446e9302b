"""Bed-day rules (SPEC §5.4, §6): D02 long leaves and V11 the special-care cross-check."""
from datetime import timedelta

from ltc.compliance.kinds import RuleCode
from ltc.compliance.facts import BedDay, Finding, Person
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules.base import finding
from ltc.orgs.kinds import CareType
from ltc.people.kinds import StayCategory


def long_leave(bed_day: BedDay, policy: CompliancePolicy) -> list[Finding]:
    """D02: every day of a leave longer than N days is not payable; a leave still open counts as
    longer than the limit for its days so far."""
    leave = bed_day.leave
    if leave is None:
        return []
    length = bed_day.leave_length
    if length is not None and length <= policy.d02_leave_days:
        return []
    params = {"out_on": leave.out_on.isoformat(), "limit": policy.d02_leave_days}
    if length is None:
        return [finding(policy, RuleCode.D02, bed_day, "%(out_on)s 起请假尚未销假，按超过 %(limit)s 天处理",
                        params=params, evidence={"leave_id": leave.id})]
    return [finding(policy, RuleCode.D02, bed_day, "%(out_on)s 起请假 %(days)s 天，超过 %(limit)s 天",
                    params={**params, "days": length}, evidence={"leave_id": leave.id})]


def special_cross_check(bed_day: BedDay, person: Person | None, policy: CompliancePolicy) -> list[Finding]:
    """V11: a ``special`` bed-day no ``ltc_special`` stay of the medical-insurance system shows,
    allowing N days' difference at admission and at discharge."""
    if bed_day.care_type != CareType.SPECIAL:
        return []
    slack = timedelta(days=policy.v11_tolerance_days)
    day = bed_day.day
    for stay in person.hospital_stays if person else ():
        if stay.category == StayCategory.LTC_SPECIAL and stay.admitted_on - slack <= day and (
                stay.discharged_on is None or day < stay.discharged_on + slack):
            return []
    return [finding(policy, RuleCode.V11, bed_day,
                    "%(day)s 的专护床日在医保专护住院记录中没有对应（允许相差 %(limit)s 天）",
                    params={"day": day.isoformat(), "limit": policy.v11_tolerance_days})]
