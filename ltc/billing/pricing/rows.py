"""Rate rows of one segment (SPEC §7.2), pure.

Within a segment a line is split into rate rows wherever its unit amount or ratio changes: by date
where the category, tags (ratio, uplift, the special-care supplement), the facility grade or the
daily price in force change, and by unit amount within a date range (home care's life / medical
hourly rates). Each row is rounded on its own, billable then fund (ROUND_HALF_UP to 0.01); an
outreach segment's fund cap applies to the rows' summed fund, reduced from the latest row backwards.
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ltc.billing.policy import BillingPolicy
from ltc.billing.pricing.model import (BillingTimeline, PersonTerms, PricingError, ProviderTerms, RateRow, Unit,
                                       UnitSource)
from ltc.billing.pricing.segments import Segment
from ltc.billing.pricing.units import UnitRecord
from ltc.core.money import to_money
from ltc.orgs.kinds import CareType

ZERO = Decimal("0.00")
#: the fact a care type's unit amount comes from, named when it is missing
MISSING_RATE = {CareType.SPECIAL: "provider.facility_grade", CareType.INSTITUTION: "provider.daily_price"}
MINUTES_AN_HOUR = 60


@dataclass(frozen=True)
class Terms:
    """What prices a unit of a segment on a day: the policy, the person's and the provider's terms."""

    billing: BillingPolicy
    person: PersonTerms
    provider: ProviderTerms


class DayTerms:
    """A beneficiary's terms with a provider, day by day (each day's built once), and the days they may change."""

    def __init__(self, timeline: BillingTimeline, person: PersonTerms, provider: ProviderTerms) -> None:
        self.timeline, self.person, self.provider = timeline, person, provider
        self._cache: dict[date, Terms] = {}
        bounds = set()
        for dated in (timeline.versions, person.categories, person.tags, provider.grades, provider.daily_prices):
            for period in dated:
                bounds.update(d for d in (period.valid_from, period.valid_to) if d is not None)
        self._bounds = sorted(bounds)

    def __call__(self, day: date) -> Terms:
        terms = self._cache.get(day)
        if terms is None:
            terms = self._cache[day] = Terms(self.timeline.on(day), self.person, self.provider)
        return terms

    def changes(self, start: date, end: date) -> list[date]:
        """The days in ``(start, end)`` where a billing version, a category, a tag, a grade or a daily
        price starts or ends: from one of them to the next, every term is the same."""
        return [day for day in self._bounds if start < day < end]


def ratio_on(terms: Terms, care_type: str, day: date) -> Decimal | None:
    """min(ratio cap, base ratio of the category + uplift) in force on ``day``; None without a category."""
    category = terms.person.category_on(day)
    if category is None:
        return None
    return terms.billing.ratio(care_type, category, terms.person.tags_on(day))


def unit_amount(terms: Terms, segment: Segment, day: date, medical: bool = False) -> Decimal | None:
    """The amount of one unit on ``day`` (SPEC §7.1): special quota + tag supplements per bed-day,
    min(daily price, cap) per institution bed-day, the hourly rate (life / medical) of a home visit,
    the outreach visit price; None when the facts do not define it."""
    billing, level = terms.billing, str(segment.level)
    care = CareType(segment.care_type)
    if care is CareType.SPECIAL:
        grade = terms.provider.grade_on(day)
        quota = billing.special.quota(grade, segment.level) if grade else None
        if quota is None:
            return None
        supplements = billing.special.tag_supplement_per_day
        return quota + sum((supplements.get(t, ZERO) for t in terms.person.tags_on(day)), ZERO)
    if care is CareType.INSTITUTION:
        price, cap = terms.provider.daily_price_on(day), billing.institution.cap_per_day.get(level)
        return None if price is None or cap is None else min(price, cap)
    if care is CareType.HOME:
        return billing.home.hourly_rate_medical if medical else billing.home.hourly_rate_life
    return billing.outreach.price_per_visit


def periods(segment: Segment, terms_on: DayTerms) -> list[tuple[date, date]]:
    """The segment cut where the ratio or the (life) unit amount changes from one day to the next
    (looked at on the days the terms may change)."""
    found: list[list] = []
    starts = [segment.start, *terms_on.changes(segment.start, segment.end)]
    for day, next_start in zip(starts, [*starts[1:], segment.end], strict=True):
        terms = terms_on(day)
        key = (ratio_on(terms, segment.care_type, day), unit_amount(terms, segment, day))
        if found and found[-1][2] == key:
            found[-1][1] = next_start
        else:
            found.append([day, next_start, key])
    return [(start, end) for start, end, _ in found]


def segment_rows(segment: Segment, units: Iterable[UnitRecord], terms_on: DayTerms) -> list[RateRow]:
    """The rate rows of ``segment`` from its units, fund-capped."""
    units = sorted(units, key=lambda u: (u.service_date, u.kind, u.id))
    rows: list[RateRow] = []
    for start, end in periods(segment, terms_on):
        inside = [u for u in units if start <= u.service_date < end]
        terms = terms_on(start)   # the same on every day of the period
        amounts = {medical: unit_amount(terms, segment, start, medical) for medical in {u.medical for u in inside}}
        by_rate: dict[Decimal | None, list[UnitRecord]] = defaultdict(list)
        for unit in inside:
            by_rate[amounts[unit.medical]].append(unit)
        ratio = ratio_on(terms_on(start), segment.care_type, start)
        rows += [_row(segment, start, end, rate, ratio, group) for rate, group in
                 sorted(by_rate.items(), key=lambda kv: kv[0] or ZERO)]
    return cap_fund(rows, segment.fund_cap)


def _row(segment: Segment, start: date, end: date, rate: Decimal | None, ratio: Decimal | None,
         units: list[UnitRecord]) -> RateRow:
    if sum(u.payable for u in units) and (rate is None or ratio is None):
        field = MISSING_RATE.get(segment.care_type, "entitlements") if rate is None else "person.category"
        raise PricingError(f"{segment.care_type} from {start.isoformat()}: no {field} for person "
                           f"{segment.beneficiary_id}, provider {segment.provider_id}, level {segment.level}", field)
    return build_row(segment, start, end, rate or ZERO, ratio or ZERO, units)


def build_row(segment: Segment, start: date, end: date, rate: Decimal, ratio: Decimal,
              units: list[UnitRecord]) -> RateRow:
    """One rate row of ``units``: billable rounded once over the payable units, then fund."""
    unit = units[0].unit if units else Unit.DAY
    payable = sum(u.payable for u in units)
    amount = rate * payable / MINUTES_AN_HOUR if unit == Unit.MINUTE else rate * payable
    billable = to_money(amount)
    fund = to_money(billable * ratio)
    return RateRow(beneficiary_id=segment.beneficiary_id, provider_id=segment.provider_id,
                   care_type=segment.care_type, level=segment.level, segment_start=segment.start,
                   segment_end=segment.end, start=start, end=end, rate=to_money(rate), unit=unit,
                   payable_units=payable, held=_merged(u.held for u in units),
                   rejected=_merged(u.rejected for u in units), billable=billable, ratio=ratio, fund=fund,
                   copay=billable - fund, sources=tuple(_source(u) for u in units))


def _merged(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for count in counts:
        for rule, n in count.items():
            total[rule] += n
    return dict(sorted(total.items()))


def _source(unit: UnitRecord) -> UnitSource:
    # a unit's held and rejected counts are replaced, never changed in place: shared, not copied
    return UnitSource(unit.kind, unit.id, unit.service_date, unit.units, unit.payable,
                      sum(unit.held.values()) if unit.held else 0, unit.rejected)


def cap_fund(rows: list[RateRow], cap: Decimal | None) -> list[RateRow]:
    """SPEC §7.2: the segment's monthly fund cap on the rows' summed fund, the reduction taken from
    the latest-dated row backwards (a row's fund never below 0)."""
    if cap is None:
        return rows
    excess = sum((r.fund for r in rows), ZERO) - cap
    capped = list(rows)
    for i in sorted(range(len(rows)), key=lambda i: (rows[i].start, i), reverse=True):
        if excess <= 0:
            break
        cut = min(excess, capped[i].fund)
        row = capped[i]
        capped[i] = replace(row, fund=row.fund - cut, copay=row.copay + cut, fund_reduced=row.fund_reduced + cut)
        excess -= cut
    return capped
