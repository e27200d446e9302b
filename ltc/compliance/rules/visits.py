"""Rules on one visit by itself (SPEC §6): V01, V03, V09, V12, V13."""
from datetime import datetime, timedelta
from decimal import Decimal

from ltc.compliance.kinds import RuleCode
from ltc.compliance.facts import Finding, Visit
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules.base import finding
from ltc.core.clock import LOCAL_TZ


def distance(visit: Visit, policy: CompliancePolicy) -> list[Finding]:
    """V01: the check-in or check-out point is farther than N metres from the registered address."""
    address = visit.address
    if address is None:
        return []
    limit, far = policy.v01_max_distance_m, {}
    for name, point in (("check_in", visit.gps_in), ("check_out", visit.gps_out)):
        if point is not None and not point.surely_within(address, limit) \
                and (metres := point.metres_to(address)) > limit:
            far[name] = round(metres)
    if not far:
        return []
    return [finding(policy, RuleCode.V01, visit, "打卡位置距登记地址 %(metres)s 米，超过 %(limit)s 米",
                    params={"metres": max(far.values()), "limit": limit}, evidence={"metres_by_point": far})]


def duration(visit: Visit, policy: CompliancePolicy) -> list[Finding]:
    """V03: actual minutes < ratio × planned minutes (exactly the ratio passes)."""
    minutes = visit.minutes
    if minutes is None or visit.auto_closed or visit.check_out is None:
        return []
    minimum = policy.v03_min_ratio * visit.planned_minutes
    if Decimal(minutes) >= minimum:
        return []
    return [finding(policy, RuleCode.V03, visit, "实际服务 %(minutes)s 分钟，低于最低时长 %(minimum)s 分钟",
                    params={"minutes": minutes, "minimum": str(minimum.normalize())},
                    evidence={"planned_minutes": visit.planned_minutes, "ratio": str(policy.v03_min_ratio)})]


def plan_items(visit: Visit, policy: CompliancePolicy) -> list[Finding]:
    """V09: an item delivered that the care plan in force does not contain (no plan: every item)."""
    allowed = visit.plan_items if visit.plan_items is not None else frozenset()
    outside = [item.code for item in visit.items if item.code not in allowed]
    if not outside:
        return []
    return [finding(policy, RuleCode.V09, visit, "服务项目 %(items)s 不在护理计划内",
                    params={"items": "、".join(outside)}, evidence={"has_plan": visit.plan_items is not None})]


def late_upload(visit: Visit, policy: CompliancePolicy) -> list[Finding]:
    """V12: a visit uploaded from a device more than N hours after its check-in."""
    if visit.device_id is None or visit.uploaded_at is None or visit.check_in is None:
        return []
    late = visit.uploaded_at - visit.check_in
    if late <= timedelta(hours=policy.v12_late_hours):
        return []
    return [finding(policy, RuleCode.V12, visit, "签到后 %(hours)s 小时才上传，超过 %(limit)s 小时",
                    params={"hours": int(late.total_seconds() // 3600), "limit": policy.v12_late_hours},
                    evidence={"uploaded_at": visit.uploaded_at.isoformat(), "device_id": visit.device_id})]


def day_end(visit: Visit) -> datetime:
    """The end of the visit's service day (00:00 local of the next day), as UTC-comparable."""
    return datetime.combine(visit.service_date + timedelta(days=1), datetime.min.time(), LOCAL_TZ)


def not_checked_out(visit: Visit, policy: CompliancePolicy, now: datetime) -> list[Finding]:
    """V13: not checked out by the end of its day (also once the nightly scan closed it)."""
    if visit.check_in is None:
        return []
    if not visit.auto_closed and (visit.check_out is not None or now < day_end(visit)):
        return []
    return [finding(policy, RuleCode.V13, visit, "服务日 %(day)s 结束时仍未签退，按计划时长 %(planned)s 分钟结束",
                    params={"day": visit.service_date.isoformat(), "planned": visit.planned_minutes})]


def single_visit(visit: Visit, policy: CompliancePolicy, now: datetime) -> list[Finding]:
    found = distance(visit, policy)
    for rule in (duration, plan_items, late_upload):
        found += rule(visit, policy)
    return found + not_checked_out(visit, policy, now)
