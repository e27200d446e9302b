"""Rules counting a beneficiary's valid visits (SPEC §6, §7.2): V07 caps and F01 family packages.

Both run after every other rule: a visit counts when no other finding rejects it and the
insurer has not refused it (still-flagged visits count).
"""
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from math import ceil

from ltc.compliance.kinds import RuleCode
from ltc.compliance.facts import CapSegment, Finding, Person, RecordRef, Visit
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules.base import finding
from ltc.core.months import days, days_in_month, first_of_next_month
from ltc.orgs.kinds import CareType


def caps(segments: Iterable[CapSegment], visits: Iterable[Visit], policy: CompliancePolicy) -> list[Finding]:
    """V07: within each segment, visits consume its cap in check-in order (planned minutes, or one
    visit each); a visit crossing the cap is rejected for its minutes over (``minutes_over``),
    a visit past it for all of them."""
    by_person: dict[tuple[int, str], list[Visit]] = defaultdict(list)
    for visit in sorted((v for v in visits if v.check_in is not None), key=lambda v: (v.check_in, v.id)):
        by_person[(visit.beneficiary_id, visit.care_type)].append(visit)
    found = []
    for segment in segments:
        inside = [v for v in by_person.get((segment.beneficiary_id, segment.care_type), ())
                  if segment_of((segment,), v)]
        found += _consume(segment, inside, policy)
    return found


def _consume(segment: CapSegment, visits: list[Visit], policy: CompliancePolicy) -> list[Finding]:
    found, minutes_used = [], 0
    for number, visit in enumerate(visits, start=1):
        hit = over_cap(segment, visit, used_visits=number - 1, used_minutes=minutes_used, policy=policy)
        minutes_used += visit.planned_minutes
        if hit is not None:
            found.append(hit)
    return found


def over_cap(segment: CapSegment, visit: Visit, *, used_visits: int, used_minutes: int,
             policy: CompliancePolicy) -> Finding | None:
    """V07 on ``visit`` when ``used_visits`` counted visits of ``used_minutes`` planned minutes came
    before it in the segment (the check-in order): past the visits cap, or its minutes over the
    minutes cap; None within the caps."""
    minutes_used = used_minutes + visit.planned_minutes
    if segment.visits is not None and used_visits + 1 > segment.visits:
        over = visit.planned_minutes
        params = {"cap": segment.visits, "used": used_visits}
        message = "本月已达 %(cap)s 次服务上限（此前已服务 %(used)s 次）"
    elif segment.minutes is not None and minutes_used > segment.minutes:
        over = min(visit.planned_minutes, minutes_used - segment.minutes)
        params = {"cap": segment.minutes, "used": min(used_minutes, segment.minutes), "over": over}
        message = "超出本月 %(cap)s 分钟服务时长上限 %(over)s 分钟"
    else:
        return None
    return finding(policy, RuleCode.V07, visit, message, params=params, minutes_over=over,
                   evidence={"segment": [segment.start.isoformat(), segment.end.isoformat()]})


def segment_of(segments: Iterable[CapSegment], visit: Visit) -> list[CapSegment]:
    """The segments whose cap ``visit`` consumes (its beneficiary, care type and provider, its date)."""
    return [s for s in segments if (s.beneficiary_id, s.care_type) == (visit.beneficiary_id, visit.care_type)
            and s.start <= visit.service_date < s.end and (s.provider_id is None or s.provider_id == visit.provider_id)]


def entitled_days(person: Person, provider_id: int, month: date) -> int:
    """Days of ``month`` within the person's ``family`` entitlements with ``provider_id``."""
    own = [e for e in person.entitlements if e.care_type == CareType.FAMILY and e.provider_id == provider_id]
    return sum(1 for day in days(month, first_of_next_month(month)) if any(e.covers(day) for e in own))


def family_packages(persons: Mapping[int, Person], visits: Iterable[Visit], month: date,
                    policy: CompliancePolicy) -> list[Finding]:
    """F01: per beneficiary and provider with family entitled days in ``month``, fewer valid
    package visits than ⌈N × entitled days / days in month⌉ rejects the month's package."""
    counts: dict[tuple[int, int], int] = {}
    for visit in visits:
        if visit.care_type == CareType.FAMILY and visit.check_in is not None \
                and month <= visit.service_date < first_of_next_month(month):
            key = (visit.beneficiary_id, visit.provider_id)
            counts[key] = counts.get(key, 0) + 1
    pairs = {(p.id, e.provider_id) for p in persons.values() for e in p.entitlements if e.care_type == CareType.FAMILY}
    found = []
    for person_id, provider_id in sorted(pairs):
        entitled = entitled_days(persons[person_id], provider_id, month)
        required = ceil(policy.f01_visits_per_month * entitled / days_in_month(month))
        valid = counts.get((person_id, provider_id), 0)
        if entitled and valid < required:
            found.append(finding(policy, RuleCode.F01, _Package(person_id, provider_id, month),
                                 "本月有效上门 %(valid)s 次，少于服务包要求的 %(required)s 次",
                                 params={"valid": valid, "required": required},
                                 evidence={"entitled_days": entitled}))
    return found


@dataclass(frozen=True)
class _Package:
    """The family package of a beneficiary with a provider in a month, as a finding's record."""

    beneficiary_id: int
    provider_id: int
    service_date: date

    @property
    def ref(self) -> RecordRef:
        return RecordRef("package", self.beneficiary_id)
