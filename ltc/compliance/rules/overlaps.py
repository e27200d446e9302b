"""Rules across records (SPEC §6): V04 and V06 reject "the later" — the later check-in, a bed-day
counting from 00:00, whatever the upload order — and V10 the later entry of a duplicate."""
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from ltc.compliance.kinds import RuleCode
from ltc.compliance.facts import BedDay, Finding, Visit
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules.base import finding

FAR_PAST = datetime.min.replace(year=1900)
BED_FIRST = "%(day)s 当日已计床日，不能再享受其他服务"
VISIT_FIRST = "%(day)s 当日已有其他护理机构或其他服务形式的服务记录"


def _entered(visit: Visit) -> tuple:
    return (visit.entered_at.replace(tzinfo=None) if visit.entered_at else FAR_PAST, visit.id)


def _in_order(visits: Iterable[Visit]) -> list[Visit]:
    """Checked-in visits by check-in; equal check-ins by entry."""
    return sorted((v for v in visits if v.check_in is not None), key=lambda v: (v.check_in, *_entered(v)))


def duplicates(visits: Iterable[Visit], policy: CompliancePolicy) -> list[Finding]:
    """V10: same beneficiary, carer and check-in — every entry after the first is rejected."""
    groups: dict[tuple, list[Visit]] = defaultdict(list)
    for visit in visits:
        if visit.check_in is not None:
            groups[(visit.beneficiary_id, visit.carer_id, visit.check_in)].append(visit)
    found = []
    for group in groups.values():
        if len(group) == 1:
            continue
        first, *later = sorted(group, key=_entered)
        found += [finding(policy, RuleCode.V10, v, "与记录 %(other)s 重复（同一参保人、护理人员和签到时间）",
                          params={"other": first.id}) for v in later]
    return found


def _overlap(a: Visit, b: Visit) -> timedelta:
    return min(a.end, b.end) - max(a.check_in, b.check_in)


def overlaps(visits: Iterable[Visit], policy: CompliancePolicy) -> list[Finding]:
    """V04: the same carer's visits overlapping by more than N minutes — the later check-in is
    rejected (a duplicate of the same beneficiary and check-in is V10's, not also V04's)."""
    tolerance = timedelta(minutes=policy.v04_overlap_minutes)
    by_carer: dict[int, list[Visit]] = defaultdict(list)
    for visit in _in_order(visits):
        if visit.carer_id is not None:
            by_carer[visit.carer_id].append(visit)
    found = []
    for ordered in by_carer.values():
        running: list[Visit] = []   # earlier visits still running past a later check-in (+ tolerance)
        for later in ordered:
            running = [v for v in running if v.end - later.check_in > tolerance]
            hit = next((earlier for earlier in running if not _same_entry(earlier, later)
                        and _overlap(earlier, later) > tolerance), None)
            running.append(later)
            if hit is not None:
                minutes = int(_overlap(hit, later).total_seconds() // 60)
                found.append(finding(policy, RuleCode.V04, later,
                                     "与同一护理人员的记录 %(other)s 重叠 %(minutes)s 分钟",
                                     params={"other": hit.id, "minutes": minutes}))
    return found


def _same_entry(a: Visit, b: Visit) -> bool:
    return a.beneficiary_id == b.beneficiary_id and a.check_in == b.check_in


def _order(record) -> tuple:
    if isinstance(record, BedDay):
        return (record.start, 0, record.admitted_on.toordinal(), record.stay_id)
    return (record.check_in, 1, *_entered(record))


def same_day(visits: Iterable[Visit], bed_days: Iterable[BedDay], policy: CompliancePolicy) -> list[Finding]:
    """V06: on one beneficiary's day, a bed-day and a visit, or records of two providers — every
    record after the day's first (the earliest start; a bed-day from 00:00) that differs from
    it in kind or provider is rejected."""
    days: dict[tuple, list] = defaultdict(list)
    for record in [*bed_days, *(v for v in visits if v.check_in is not None)]:
        days[(record.beneficiary_id, record.service_date)].append(record)
    found = []
    for records in days.values():
        if len(records) == 1:
            continue
        first, *later = sorted(records, key=_order)
        for record in later:
            if isinstance(record, BedDay) == isinstance(first, BedDay) and record.provider_id == first.provider_id:
                continue
            message = BED_FIRST if isinstance(first, BedDay) else VISIT_FIRST
            found.append(finding(policy, RuleCode.V06, record, message, params={"day": record.service_date.isoformat()},
                                 evidence={"first": {"kind": first.ref.kind, "id": first.ref.id,
                                                     "provider_id": first.provider_id}}))
    return found
