"""The ``billing`` section of the policy store (SPEC §7.1): rates, fund ratios, caps, uplifts.

Money and ratios are decimal strings in the JSON (``"190"``, ``"0.90"``); amounts per
disability level are objects keyed by the level as a string (``{"4": "190", "5": "210"}``).
Which levels need amounts depends on the assessment section (the levels each care type allows):
``levels_have_amounts`` checks that across sections before a version is published.
Read it with ``policy_on(session, day).section(BillingPolicy)``; never hard-code these numbers.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType, FacilityGrade
from ltc.people.kinds import CATEGORY_LABELS, TAG_LABELS, Category, Tag
from ltc.policy.schema import FieldError, param

SECTION = "billing"
ALL_LEVELS = ("1", "2", "3", "4", "5")
ZERO, ONE = Decimal("0"), Decimal("1")
LEVEL_LABELS = {level: f"{level} 级" for level in ALL_LEVELS}


def _level_errors(name: str, table: Mapping[str, object], required: tuple[str, ...]) -> dict[str, str]:
    errors = {f"{name}.{key}": "unknown level (expected 1..5)" for key in table if key not in ALL_LEVELS}
    errors.update({f"{name}.{key}": "missing" for key in required if key not in table})
    return errors


def _amount_errors(name: str, values: Mapping[str, Decimal] | Decimal) -> dict[str, str]:
    items = values.items() if isinstance(values, Mapping) else [(None, values)]
    return {name if key is None else f"{name}.{key}": "must be greater than 0"
            for key, value in items if value <= ZERO}


def _ratio_errors(name: str, values: Mapping[Category, Decimal]) -> dict[str, str]:
    return {f"{name}.{key}": "must be between 0 and 1" for key, value in values.items()
            if not ZERO <= value <= ONE}


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise FieldError(errors)


RATIO_LABEL = dict(label="基金支付比例", unit=None, key_labels=CATEGORY_LABELS)
STAR_LABELS = {str(n): f"{n} 星" for n in range(1, 6)}
#: SPEC §7.3: the share of a year's quality deposit released by the provider's annual star
DEPOSIT_RELEASE_REF = {"5": Decimal("1.00"), "4": Decimal("0.90"), "3": Decimal("0.70"), "2": Decimal("0.40"),
                       "1": Decimal("0.00")}


@dataclass(frozen=True)
class QuotaGroup:
    """Facility grades sharing one special-care quota per bed-day and level."""

    grades: tuple[FacilityGrade, ...] = param("机构等级")
    per_day: Mapping[str, Decimal] = param("每床日定额（按失能等级）", "元", key_labels=LEVEL_LABELS)

    def __post_init__(self) -> None:
        errors = {} if self.grades else {"grades": "at least one grade"}
        errors.update(_level_errors("per_day", self.per_day, ()))
        errors.update(_amount_errors("per_day", self.per_day))
        _raise(errors)


@dataclass(frozen=True)
class SpecialRates:
    quota_groups: tuple[QuotaGroup, ...] = param("定额分组")
    tag_supplement_per_day: Mapping[Tag, Decimal] = param(
        "人群加付（每床日）", "元", key_labels=TAG_LABELS)
    fund_ratio: Mapping[Category, Decimal] = field(metadata=RATIO_LABEL)

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        seen: set[FacilityGrade] = set()
        for i, group in enumerate(self.quota_groups):
            if seen & set(group.grades):
                errors[f"quota_groups[{i}].grades"] = "grade already in another group"
            seen |= set(group.grades)
        if not self.quota_groups:
            errors["quota_groups"] = "at least one group"
        errors.update({f"tag_supplement_per_day.{k}": "must not be negative"
                       for k, v in self.tag_supplement_per_day.items() if v < ZERO})
        errors.update(_ratio_errors("fund_ratio", self.fund_ratio))
        _raise(errors)

    def quota(self, grade: str, level: int) -> Decimal | None:
        """Quota per bed-day before supplements; None when the grade or level has none."""
        for group in self.quota_groups:
            if grade in group.grades:
                return group.per_day.get(str(level))
        return None


@dataclass(frozen=True)
class InstitutionRates:
    cap_per_day: Mapping[str, Decimal] = param("每日支付限额（按失能等级）", "元", key_labels=LEVEL_LABELS)
    fund_ratio: Mapping[Category, Decimal] = field(metadata=RATIO_LABEL)

    def __post_init__(self) -> None:
        _raise(_level_errors("cap_per_day", self.cap_per_day, ())
               | _amount_errors("cap_per_day", self.cap_per_day) | _ratio_errors("fund_ratio", self.fund_ratio))


@dataclass(frozen=True)
class HomeRates:
    hourly_rate_life: Decimal = param("每小时（不含医疗护理项目）", "元")
    hourly_rate_medical: Decimal = param("每小时（含医疗护理项目）", "元")
    hours_cap_per_month: Mapping[str, int] = param("每月服务时长上限（按失能等级）", "小时", key_labels=LEVEL_LABELS)
    fund_ratio: Mapping[Category, Decimal] = field(metadata=RATIO_LABEL)

    def __post_init__(self) -> None:
        _raise(_amount_errors("hourly_rate_life", self.hourly_rate_life)
               | _amount_errors("hourly_rate_medical", self.hourly_rate_medical)
               | _level_errors("hours_cap_per_month", self.hours_cap_per_month, ())
               | {f"hours_cap_per_month.{k}": "must be greater than 0"
                  for k, v in self.hours_cap_per_month.items() if v <= 0}
               | _ratio_errors("fund_ratio", self.fund_ratio))


@dataclass(frozen=True)
class OutreachRates:
    price_per_visit: Decimal = param("每次巡护", "元")
    fund_cap_per_month: Mapping[str, Decimal] = param("每月基金支付上限（按失能等级）", "元", key_labels=LEVEL_LABELS)
    fund_ratio: Mapping[Category, Decimal] = field(metadata=RATIO_LABEL)

    def __post_init__(self) -> None:
        _raise(_amount_errors("price_per_visit", self.price_per_visit)
               | _level_errors("fund_cap_per_month", self.fund_cap_per_month, ())
               | _amount_errors("fund_cap_per_month", self.fund_cap_per_month)
               | _ratio_errors("fund_ratio", self.fund_ratio))


@dataclass(frozen=True)
class FamilyRates:
    allowance_per_day: Mapping[str, Decimal] = param("亲属照护补贴（每日，按失能等级）", "元", key_labels=LEVEL_LABELS)
    package_per_month: Decimal = param("机构服务包（每月，按享受天数折算）", "元")
    min_package_visits_per_month: int = param("服务包每月最少上门次数", "次")
    fund_ratio: Mapping[Category, Decimal] = field(metadata=RATIO_LABEL)

    def __post_init__(self) -> None:
        _raise(_level_errors("allowance_per_day", self.allowance_per_day, ())
               | _amount_errors("allowance_per_day", self.allowance_per_day)
               | _amount_errors("package_per_month", self.package_per_month)
               | ({"min_package_visits_per_month": "must be between 1 and 31"}
                  if not 1 <= self.min_package_visits_per_month <= 31 else {})
               | _ratio_errors("fund_ratio", self.fund_ratio))


@dataclass(frozen=True)
class BillingPolicy:
    LABEL: ClassVar[str] = "待遇支付与结算"

    special: SpecialRates = param(CARE_TYPE_LABELS[CareType.SPECIAL])
    institution: InstitutionRates = param(CARE_TYPE_LABELS[CareType.INSTITUTION])
    home: HomeRates = param(CARE_TYPE_LABELS[CareType.HOME])
    outreach: OutreachRates = param(CARE_TYPE_LABELS[CareType.OUTREACH])
    family: FamilyRates = param(CARE_TYPE_LABELS[CareType.FAMILY])
    uplift_tags: tuple[Tag, ...] = param("提高支付比例的人群")
    uplift: Decimal = param("支付比例提高")
    ratio_cap: Decimal = param("支付比例上限")
    quality_deposit_ratio: Decimal = param("质量保证金比例")
    late_record_months: int = param("补记时限（服务日起）", "个月")
    #: added after versions existed: a version without it keeps SPEC §7.3's shares
    deposit_release_by_star: Mapping[str, Decimal] = field(
        default_factory=lambda: dict(DEPOSIT_RELEASE_REF),
        metadata={"label": "年终质量保证金返还比例（按年度星级）", "unit": None, "key_labels": STAR_LABELS})

    def __post_init__(self) -> None:
        errors = {name: "must be between 0 and 1" for name in ("uplift", "ratio_cap", "quality_deposit_ratio")
                  if not ZERO <= getattr(self, name) <= ONE}
        errors.update({f"deposit_release_by_star.{key}": "must be between 0 and 1"
                       for key, value in self.deposit_release_by_star.items() if not ZERO <= value <= ONE})
        errors.update({f"deposit_release_by_star.{key}": "missing" for key in STAR_LABELS
                       if key not in self.deposit_release_by_star})
        errors.update({f"deposit_release_by_star.{key}": "unknown star (expected 1..5)"
                       for key in self.deposit_release_by_star if key not in STAR_LABELS})
        if not 0 <= self.late_record_months <= 24:
            errors["late_record_months"] = "must be between 0 and 24"
        if len(set(self.uplift_tags)) != len(self.uplift_tags):
            errors["uplift_tags"] = "duplicate tag"
        _raise(errors)

    def rates(self, care_type: str):
        return getattr(self, CareType(care_type).value)

    def base_ratio(self, care_type: str, category: str) -> Decimal:
        return self.rates(care_type).fund_ratio[Category(category)]

    def ratio(self, care_type: str, category: str, tags=()) -> Decimal:
        """SPEC §7.2: min(ratio cap, base ratio + uplift when any uplift tag applies)."""
        ratio = self.base_ratio(care_type, category)
        if self.uplift_applies(tags):
            ratio += self.uplift
        return min(self.ratio_cap, ratio)

    def deposit_release(self, stars: int) -> Decimal:
        """The share of a year's quality deposit released for an annual star of ``stars`` (SPEC §7.3)."""
        return self.deposit_release_by_star[str(stars)]

    def uplift_applies(self, tags) -> bool:
        return any(tag in self.uplift_tags for tag in tags)

    def level_tables(self, care_type: str) -> dict[str, Mapping[str, object]]:
        """The per-level amounts and caps of ``care_type``, by their path in the section."""
        care = CareType(care_type)
        if care is CareType.SPECIAL:
            return {f"special.quota_groups[{i}].per_day": g.per_day for i, g in enumerate(self.special.quota_groups)}
        name = {CareType.INSTITUTION: "cap_per_day", CareType.HOME: "hours_cap_per_month",
                CareType.OUTREACH: "fund_cap_per_month", CareType.FAMILY: "allowance_per_day"}[care]
        return {f"{care.value}.{name}": getattr(self.rates(care), name)}


def levels_have_amounts(sections: Mapping[str, object]) -> dict[str, str]:
    """Across sections (SPEC §0.3): every level the assessment section lets receive a care type
    (from its minimum level, never below the benefit threshold, up to 5) has that care type's
    amounts and caps in this section. Errors name the missing level and care type."""
    assessment, billing = sections.get("assessment"), sections.get(SECTION)
    if assessment is None or billing is None:
        return {}
    errors = {}
    for care in CareType:
        lowest = assessment.min_level(care)
        for path, table in billing.level_tables(care).items():
            errors.update({f"{SECTION}.{path}.{level}": f"missing: level {level} may receive {care.value} care "
                                                          f"(assessment.min_level_by_care_type.{care.value} = {lowest})"
                           for level in range(lowest, int(ALL_LEVELS[-1]) + 1) if str(level) not in table})
    return errors


#: REF values of the section (SPEC preamble), plain JSON
REF = {
    "special": {
        "quota_groups": [
            {"grades": ["hospital_2", "hospital_3"], "per_day": {"4": "190", "5": "210"}},
            {"grades": ["hospital_1", "nursing_hospital"], "per_day": {"4": "150", "5": "170"}},
        ],
        "tag_supplement_per_day": {"medical_assistance": "0", "severe_disability_cert": "0",
                                   "chronic_class_a": "10"},
        "fund_ratio": {"employee": "0.90", "resident": "0.80"},
    },
    "institution": {"cap_per_day": {"3": "50", "4": "55", "5": "60"},
                    "fund_ratio": {"employee": "0.75", "resident": "0.65"}},
    "home": {"hourly_rate_life": "65", "hourly_rate_medical": "80",
             "hours_cap_per_month": {"3": 13, "4": 21, "5": 30},
             "fund_ratio": {"employee": "0.90", "resident": "0.80"}},
    "outreach": {"price_per_visit": "120", "fund_cap_per_month": {"3": "600", "4": "800", "5": "1000"},
                 "fund_ratio": {"employee": "0.90", "resident": "0.80"}},
    "family": {"allowance_per_day": {"3": "10", "4": "15", "5": "20"}, "package_per_month": "300",
               "min_package_visits_per_month": 4,
               "fund_ratio": {"employee": "1.00", "resident": "1.00"}},
    "uplift_tags": ["medical_assistance", "severe_disability_cert"],
    "uplift": "0.05",
    "ratio_cap": "1.00",
    "quality_deposit_ratio": "0.10",
    "late_record_months": 3,
    "deposit_release_by_star": {key: str(value) for key, value in DEPOSIT_RELEASE_REF.items()},
}
