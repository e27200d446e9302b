"""Patterns across many visits (SPEC §6): S01 reused points or photos, S02 durations bunched at
the minimum."""
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from ltc.compliance.kinds import RuleCode
from ltc.compliance.facts import Finding, Visit
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules.base import finding
from ltc.core.months import first_of_next_month


def _address(visit: Visit) -> str:
    return visit.address_key or f"person:{visit.beneficiary_id}"


def reused_evidence(visits: Iterable[Visit], policy: CompliancePolicy) -> list[Finding]:
    """S01: the same GPS point (to 6 decimals) or photo hash on visits to different addresses —
    every visit sharing it is flagged."""
    points: dict[tuple, list[Visit]] = defaultdict(list)
    photos: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        gps_in, gps_out = visit.gps_in, visit.gps_out
        if gps_in is not None:
            points[gps_in.key].append(visit)
        if gps_out is not None and (gps_in is None or gps_out.key != gps_in.key):
            points[gps_out.key].append(visit)
        if visit.photo_hash:
            photos[visit.photo_hash].append(visit)
    hits: dict[int, tuple[Visit, list[str]]] = {}
    for texts, groups in ((lambda key: f"gps:{key[0]}:{key[1]}", points), (lambda key: f"photo:{key}", photos)):
        for key, group in groups.items():
            if len(group) > 1 and len({_address(v) for v in group}) > 1:
                text = texts(key)
                for visit in group:
                    hits.setdefault(visit.id, (visit, []))[1].append(text)
    return [finding(policy, RuleCode.S01, visit, "定位点或照片与其他地址的服务记录相同（%(count)s 处）",
                    params={"count": len(keys)}, evidence={"shared": sorted(keys)})
            for visit, keys in hits.values()]


def bunched_durations(visits: Iterable[Visit], month: date, policy: CompliancePolicy) -> list[Finding]:
    """S02: when at least the given share of a carer's checked-out visits in ``month`` end within
    N minutes of the minimum duration (ratio × planned), those visits are flagged."""
    by_carer: dict[int, list[Visit]] = defaultdict(list)
    for visit in visits:
        if visit.carer_id is not None and visit.check_out is not None and not visit.auto_closed \
                and month <= visit.service_date < first_of_next_month(month) and visit.minutes is not None:
            by_carer[visit.carer_id].append(visit)
    found = []
    for carer_visits in by_carer.values():
        near = [v for v in carer_visits if _near_minimum(v, policy)]
        share = Decimal(len(near)) / Decimal(len(carer_visits))
        if len(carer_visits) < policy.s02_min_visits or share < policy.s02_share:
            continue
        percent = f"{int((share * 100).to_integral_value())}%"
        found += [finding(policy, RuleCode.S02, v, "该护理人员本月 %(share)s 的服务在最低时长附近结束",
                          params={"share": percent},
                          evidence={"visits": len(carer_visits), "near_minimum": len(near)}) for v in near]
    return found


def _near_minimum(visit: Visit, policy: CompliancePolicy) -> bool:
    minimum = policy.v03_min_ratio * visit.planned_minutes
    return abs(Decimal(visit.minutes) - minimum) <= policy.s02_window_minutes
