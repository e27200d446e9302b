"""The ``ratings`` section of the policy store (SPEC §6 violation points, §8): the stars' thresholds,
every weight and constant of the scores, the shrinkage constant, the fraud cap, and the suspension
that violation points trigger. Pure: no Flask, no database.

The points each rule is worth stay where SPEC §6 lists them with the rules: the ``compliance``
section (each rule's ``points``, and ``fraud_points``). Read this one with
``policy_on(session, day).section(RatingsPolicy)``; the scoring formulas receive it as a parameter.
"""
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import ClassVar

from ltc.policy.schema import FieldError, param, range_errors

SECTION = "ratings"
STARS = ("2", "3", "4", "5")
STAR_LABELS = {star: f"{star} 星" for star in STARS}
ONE = Decimal(1)
UNIT_RANGE = (Decimal(0), ONE)


def _weight_errors(group) -> dict[str, str]:
    errors = range_errors(group, {f.name: UNIT_RANGE for f in fields(group)})
    if not errors and sum(getattr(group, f.name) for f in fields(group)) != ONE:
        errors[fields(group)[0].name] = "the weights must add up to 1"
    return errors


@dataclass(frozen=True)
class CarerWeights:
    visit_compliance: Decimal = param("服务合规率")
    follow_up: Decimal = param("回访满意度")
    review_pass: Decimal = param("抽查审核通过率")
    punctuality: Decimal = param("准时率")
    training: Decimal = param("培训")

    def __post_init__(self) -> None:
        if errors := _weight_errors(self):
            raise FieldError(errors)


@dataclass(frozen=True)
class CostWeights:
    fund: Decimal = param("人月基金支出（与全市同护理形式、同等级平均相比）")
    refusals: Decimal = param("审核拒付占申报基金的比例")
    complaints: Decimal = param("有效投诉率")

    def __post_init__(self) -> None:
        if errors := _weight_errors(self):
            raise FieldError(errors)


@dataclass(frozen=True)
class ProviderWeights:
    carers: Decimal = param("护理人员平均星级（无上门服务的机构：人员配置）")
    satisfaction: Decimal = param("回访满意度")
    cost: Decimal = param("绩效评价")
    integrity: Decimal = param("诚信评价")

    def __post_init__(self) -> None:
        if errors := _weight_errors(self):
            raise FieldError(errors)


@dataclass(frozen=True)
class Deductions:
    minor: int = param("一般违规（记 1 分的违规）", "扣分")
    serious: int = param("严重违规（记 3 分或 6 分的违规及机构层面的拒付）", "扣分")
    fraud: int = param("欺诈", "扣分")

    def __post_init__(self) -> None:
        if errors := range_errors(self, {"minor": (0, 100), "serious": (0, 100), "fraud": (0, 100)}):
            raise FieldError(errors)


@dataclass(frozen=True)
class RatingsPolicy:
    LABEL: ClassVar[str] = "四评与星级评定"

    star_thresholds: Mapping[str, Decimal] = param("星级最低得分", None, key_labels=STAR_LABELS)
    carer_weights: CarerWeights = param("护理人员星级的权重")
    punctuality_minutes: int = param("准时：签到不晚于计划开始时间", "分钟")
    training_hours: Decimal = param("培训满分所需学时（近 12 个月）", "学时")
    training_months: int = param("培训学时的统计期", "个月")
    cost_weights: CostWeights = param("绩效评价的权重")
    complaints_per_100_limit: Decimal = param("有效投诉率得零分的上限（每 100 人月）", "件")
    deductions: Deductions = param("诚信评价的扣分")
    integrity_months: int = param("诚信评价的统计期", "个月")
    provider_weights: ProviderWeights = param("机构星级的权重")
    carer_star_points: int = param("护理人员平均星级折算为分数（每星）")
    beds_per_qualified_carer: Decimal = param("人员配置：每名持证护理人员对应的床位", "张")
    shrinkage_k: int = param("小样本向全市平均收缩的常数 k")
    fraud_cap_months: int = param("欺诈认定后机构星级限为 1 星", "个月")
    suspension_points: int = param("违规记分达到该分数暂停护理人员服务", "记分")
    points_window_months: int = param("违规记分的累计期（滚动）", "个月")
    suspension_months: int = param("暂停服务时长", "个月")

    def __post_init__(self) -> None:
        errors = {f"star_thresholds.{key}": "unknown star (expected 2..5)"
                  for key in self.star_thresholds if key not in STARS}
        errors |= {f"star_thresholds.{key}": "missing" for key in STARS if key not in self.star_thresholds}
        if not errors:
            errors |= range_errors(self, {"star_thresholds": (Decimal(0), Decimal(100))})
            if [self.star_thresholds[s] for s in STARS] != sorted({self.star_thresholds[s] for s in STARS}):
                errors["star_thresholds"] = "each star needs a higher score than the one below it"
        errors |= range_errors(self, {
            "punctuality_minutes": (0, 240), "training_hours": (Decimal("0.1"), Decimal(1000)),
            "training_months": (1, 60), "complaints_per_100_limit": (Decimal("0.01"), Decimal(100)),
            "integrity_months": (1, 60), "carer_star_points": (1, 100), "beds_per_qualified_carer": (ONE, Decimal(100)),
            "shrinkage_k": (0, 10_000), "fraud_cap_months": (0, 120), "suspension_points": (1, 1000),
            "points_window_months": (1, 60), "suspension_months": (1, 60)})
        if errors:
            raise FieldError(errors)

    def threshold(self, star: int) -> Decimal:
        return self.star_thresholds[str(star)]


#: REF values of the section (SPEC §6, §8), plain JSON
REF = {
    "star_thresholds": {"2": "60", "3": "70", "4": "80", "5": "90"},
    "carer_weights": {"visit_compliance": "0.35", "follow_up": "0.25", "review_pass": "0.20", "punctuality": "0.10",
                      "training": "0.10"},
    "punctuality_minutes": 15,
    "training_hours": "40",
    "training_months": 12,
    "cost_weights": {"fund": "0.50", "refusals": "0.30", "complaints": "0.20"},
    "complaints_per_100_limit": "5",
    "deductions": {"minor": 2, "serious": 10, "fraud": 30},
    "integrity_months": 12,
    "provider_weights": {"carers": "0.30", "satisfaction": "0.25", "cost": "0.25", "integrity": "0.20"},
    "carer_star_points": 20,
    "beds_per_qualified_carer": "4",
    "shrinkage_k": 10,
    "fraud_cap_months": 12,
    "suspension_points": 12,
    "points_window_months": 12,
    "suspension_months": 3,
}
