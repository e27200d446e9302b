"""The benefit sheet (待遇核定单) shown at entitlement review step 3 (SPEC §4.2, §7.1), pure.

From the billing policy in force, a care type, a level and the person's category and tags:
the unit price, the fund ratio after the population uplift, and the monthly caps, each with
a Chinese line saying where the figure comes from. A figure the policy does not define for
this case (e.g. no special-care quota for the provider's grade) is None and explained in
``problems``.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ltc.billing.policy import BillingPolicy
from ltc.core.money import to_money
from ltc.orgs.kinds import CARE_TYPE_LABELS, GRADE_LABELS, CareType
from ltc.people.kinds import CATEGORY_LABELS, TAG_LABELS, Category, Tag


@dataclass(frozen=True)
class BenefitSheet:
    care_type: str
    level: int
    category: str
    tags: tuple[str, ...]
    unit: str                            # what one unit is: 床日 / 日 / 小时 / 次
    unit_price: Decimal | None           # quota + supplement, min(price, cap), hourly (life), visit, allowance
    unit_price_medical: Decimal | None   # home: hourly rate of a visit with a medical item
    daily_cap: Decimal | None            # institution: cap per day
    base_ratio: Decimal
    uplift: Decimal                      # the uplift applied (0 when no uplift tag)
    ratio: Decimal                       # min(cap, base + uplift)
    hours_cap_per_month: int | None
    fund_cap_per_month: Decimal | None
    package_per_month: Decimal | None
    min_package_visits_per_month: int | None
    lines: tuple[str, ...]
    problems: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.problems


def percent(ratio: Decimal) -> str:
    """0.90 → "90%", 0.875 → "87.5%"."""
    return f"{(ratio * 100).normalize():f}%"


def yuan(amount: Decimal) -> str:
    return f"{to_money(amount)}元"


def benefit_sheet(billing: BillingPolicy, *, care_type: str, level: int, category: str,
                  tags: Iterable[str] = (), provider_grade: str | None = None,
                  provider_daily_price: Decimal | None = None) -> BenefitSheet:
    """The benefit sheet of one person, care type and level under ``billing``.

    Raises ValueError for an unknown care type or category (a programming error).
    """
    care = CareType(care_type)
    cat = Category(category)
    tag_set = tuple(sorted(str(Tag(t)) for t in tags))
    base = billing.base_ratio(care, cat)
    ratio = billing.ratio(care, cat, tag_set)
    figures = _FIGURES[care](billing, level, tag_set, provider_grade, provider_daily_price)
    lines = [f"{CARE_TYPE_LABELS[care]}，失能等级 {level} 级，{CATEGORY_LABELS[cat]}参保", *figures.pop("lines"),
             _ratio_line(billing, cat, tag_set, base, ratio)]
    return BenefitSheet(care_type=care.value, level=level, category=cat.value, tags=tag_set, base_ratio=base,
                        uplift=ratio - base, ratio=ratio, lines=tuple(lines), **figures)


def _ratio_line(billing: BillingPolicy, category: Category, tags: tuple[str, ...], base: Decimal,
                ratio: Decimal) -> str:
    line = f"基金支付比例：{CATEGORY_LABELS[category]} {percent(base)}"
    uplift_tags = [t for t in tags if t in billing.uplift_tags]
    if uplift_tags:
        names = "、".join(TAG_LABELS[Tag(t)] for t in uplift_tags)
        line += f" + {percent(billing.uplift)}（{names}）"
        if base + billing.uplift > billing.ratio_cap:
            line += f"，以 {percent(billing.ratio_cap)} 为上限"
        line += f" = {percent(ratio)}"
    return line


def _empty(unit: str) -> dict:
    return dict(unit=unit, unit_price=None, unit_price_medical=None, daily_cap=None, hours_cap_per_month=None,
                fund_cap_per_month=None, package_per_month=None, min_package_visits_per_month=None,
                lines=[], problems=())


def _special(billing, level, tags, grade, price) -> dict:
    out = _empty("床日")
    rates = billing.special
    quota = rates.quota(grade, level) if grade else None
    if quota is None:
        grade_name = GRADE_LABELS.get(grade, grade) if grade else "未登记"
        out["problems"] = (f"政策未规定机构等级“{grade_name}”失能等级 {level} 级的医疗专护定额",)
        out["lines"].append(f"每床日定额：无（机构等级 {grade_name}）")
        return out
    supplements = [(t, rates.tag_supplement_per_day[Tag(t)]) for t in tags
                   if rates.tag_supplement_per_day[Tag(t)] > 0]
    total = quota + sum((amount for _, amount in supplements), Decimal(0))
    line = f"每床日定额：{GRADE_LABELS[grade]} {level} 级 {yuan(quota)}"
    for tag, amount in supplements:
        line += f" + {TAG_LABELS[Tag(tag)]}加付 {yuan(amount)}"
    out["lines"].append(line + (f" = {yuan(total)}" if supplements else ""))
    out["unit_price"] = total
    return out


def _institution(billing, level, tags, grade, price) -> dict:
    out = _empty("床日")
    cap = billing.institution.cap_per_day.get(str(level))
    if cap is None:
        out["problems"] = (f"政策未规定失能等级 {level} 级的机构护理每日限额",)
        return out
    out["daily_cap"] = cap
    if price is None:
        out["lines"].append(f"每日按机构护理价格支付，限额 {yuan(cap)}（机构未登记每日护理价格）")
        out["problems"] = ("机构未登记每日护理价格",)
        return out
    out["unit_price"] = min(price, cap)
    out["lines"].append(f"每日计费 = min(机构每日护理价格 {yuan(price)}，限额 {yuan(cap)}) = {yuan(out['unit_price'])}")
    return out


def _by_level(out: dict, key: str, table, level: int, what: str, line: str) -> None:
    """Set ``out[key]`` from a per-level table, with its line, or record that the level has none."""
    value = table.get(str(level))
    if value is None:
        out["problems"] += (f"政策未规定失能等级 {level} 级的{what}",)
    else:
        out[key] = value
        out["lines"].append(line.format(value=value, yuan=yuan(value)))


def _home(billing, level, tags, grade, price) -> dict:
    out = _empty("小时")
    rates = billing.home
    out["unit_price"], out["unit_price_medical"] = rates.hourly_rate_life, rates.hourly_rate_medical
    out["lines"].append(f"每小时：生活照护 {yuan(rates.hourly_rate_life)}，"
                        f"含医疗护理项目 {yuan(rates.hourly_rate_medical)}")
    _by_level(out, "hours_cap_per_month", rates.hours_cap_per_month, level, "居家护理每月时长上限",
              "每月服务时长上限：{value} 小时")
    return out


def _outreach(billing, level, tags, grade, price) -> dict:
    out = _empty("次")
    out["unit_price"] = billing.outreach.price_per_visit
    out["lines"].append(f"每次巡护：{yuan(billing.outreach.price_per_visit)}")
    _by_level(out, "fund_cap_per_month", billing.outreach.fund_cap_per_month, level, "巡护每月基金支付上限",
              "每月基金支付上限：{yuan}")
    return out


def _family(billing, level, tags, grade, price) -> dict:
    out = _empty("日")
    rates = billing.family
    out["package_per_month"] = rates.package_per_month
    out["min_package_visits_per_month"] = rates.min_package_visits_per_month
    _by_level(out, "unit_price", rates.allowance_per_day, level, "亲属照护补贴", "亲属照护补贴：每日 {yuan}")
    out["lines"].append(f"机构服务包：每月 {yuan(rates.package_per_month)}（按享受天数折算），"
                        f"每月至少上门 {rates.min_package_visits_per_month} 次（按享受天数折算）")
    return out


_FIGURES = {CareType.SPECIAL: _special, CareType.INSTITUTION: _institution, CareType.HOME: _home,
            CareType.OUTREACH: _outreach, CareType.FAMILY: _family}
