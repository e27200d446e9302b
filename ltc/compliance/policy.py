"""The ``compliance`` section of the policy store (SPEC §6): each rule's severity and violation
points, and the rules' parameters. Pure: no Flask, no database.

Read it with ``policy_on(session, day).section(CompliancePolicy)``; the rules receive the parsed
section and never hard-code a threshold.
"""
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import ClassVar

from ltc.compliance.kinds import RULE_LABELS, SEVERITY_LABELS, RuleCode, Severity
from ltc.policy.schema import FieldError, param, range_errors

SECTION = "compliance"


@dataclass(frozen=True)
class RuleSetting:
    severity: Severity = param("处理方式", choice_labels=SEVERITY_LABELS)
    points: int = param("违规记分（确认后）", "分")

    def __post_init__(self) -> None:
        if errors := range_errors(self, {"points": (0, 12)}):
            raise FieldError(errors)


def _rule(code: RuleCode):
    return param(RULE_LABELS[code])


@dataclass(frozen=True)
class CompliancePolicy:
    LABEL: ClassVar[str] = "智能监管规则"

    E01: RuleSetting = _rule(RuleCode.E01)
    E02: RuleSetting = _rule(RuleCode.E02)
    E03: RuleSetting = _rule(RuleCode.E03)
    E07: RuleSetting = _rule(RuleCode.E07)
    E08: RuleSetting = _rule(RuleCode.E08)
    P01: RuleSetting = _rule(RuleCode.P01)
    P02: RuleSetting = _rule(RuleCode.P02)
    V01: RuleSetting = _rule(RuleCode.V01)
    V03: RuleSetting = _rule(RuleCode.V03)
    V04: RuleSetting = _rule(RuleCode.V04)
    V06: RuleSetting = _rule(RuleCode.V06)
    V07: RuleSetting = _rule(RuleCode.V07)
    V09: RuleSetting = _rule(RuleCode.V09)
    V10: RuleSetting = _rule(RuleCode.V10)
    V11: RuleSetting = _rule(RuleCode.V11)
    V12: RuleSetting = _rule(RuleCode.V12)
    V13: RuleSetting = _rule(RuleCode.V13)
    D02: RuleSetting = _rule(RuleCode.D02)
    F01: RuleSetting = _rule(RuleCode.F01)
    S01: RuleSetting = _rule(RuleCode.S01)
    S02: RuleSetting = _rule(RuleCode.S02)
    fraud_points: int = param("欺诈（商保公司有证据认定）记分", "分")
    e02_warning_days: int = param("评估结论到期前提醒机构和商保公司", "天")
    v01_max_distance_m: int = param("打卡位置与登记地址的最大距离", "米")
    v03_min_ratio: Decimal = param("实际时长不得低于计划时长的比例")
    v04_overlap_minutes: int = param("同一护理人员服务重叠超过", "分钟")
    d02_leave_days: int = param("请假不超过该天数仍可支付", "天")
    v11_tolerance_days: int = param("入出院日期允许相差", "天")
    v12_late_hours: int = param("签到后超过该时长上传", "小时")
    f01_visits_per_month: int = param("服务包每月（全月享受时）最少有效上门次数", "次")
    s02_window_minutes: int = param("结束时间距最低时长不超过", "分钟")
    s02_share: Decimal = param("护理人员当月服务中上述服务的占比达到")
    s02_min_visits: int = param("护理人员当月服务次数达到该数才检查", "次")
    recheck_months: int = param("事实变更后重新检查的服务记录范围", "个月")

    def __post_init__(self) -> None:
        errors = range_errors(self, {
            "fraud_points": (0, 12), "e02_warning_days": (0, 365), "v01_max_distance_m": (1, 100_000),
            "v03_min_ratio": (Decimal("0"), Decimal("1")), "v04_overlap_minutes": (0, 600),
            "d02_leave_days": (0, 366), "v11_tolerance_days": (0, 31), "v12_late_hours": (1, 24 * 90),
            "f01_visits_per_month": (1, 31), "s02_window_minutes": (0, 600),
            "s02_share": (Decimal("0.01"), Decimal("1")), "s02_min_visits": (1, 1000), "recheck_months": (0, 24)})
        if errors:
            raise FieldError(errors)

    def setting(self, rule: RuleCode | str) -> RuleSetting:
        return getattr(self, RuleCode(rule).value)

    def severity(self, rule: RuleCode | str) -> Severity:
        return self.setting(rule).severity

    def points(self) -> dict[RuleCode, int]:
        """Violation points per rule (SPEC §6), for the ratings."""
        return {RuleCode(f.name): getattr(self, f.name).points for f in fields(self) if f.name in RuleCode.__members__}


_POINTS = {RuleCode.V03: 1, RuleCode.V09: 1, RuleCode.V04: 3, RuleCode.V10: 3, RuleCode.P02: 3,
           RuleCode.S01: 6, RuleCode.S02: 6}
_FLAGGED = {RuleCode.V01, RuleCode.V11, RuleCode.S01, RuleCode.V12, RuleCode.V13, RuleCode.S02}

#: REF values of the section (SPEC §6), plain JSON
REF = {
    **{rule.value: {"severity": (Severity.FLAG if rule in _FLAGGED else Severity.REJECT).value,
                    "points": _POINTS.get(rule, 0)} for rule in RuleCode},
    "fraud_points": 12,
    "e02_warning_days": 60,
    "v01_max_distance_m": 300,
    "v03_min_ratio": "0.9",
    "v04_overlap_minutes": 5,
    "d02_leave_days": 3,
    "v11_tolerance_days": 1,
    "v12_late_hours": 72,
    "f01_visits_per_month": 4,
    "s02_window_minutes": 2,
    "s02_share": "0.80",
    "s02_min_visits": 10,
    "recheck_months": 3,
}
