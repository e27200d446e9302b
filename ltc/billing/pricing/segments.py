"""Segments of a line and their prorated monthly caps (SPEC §7.2), pure.

A line (beneficiary × care type × month) is split into segments at every change of entitlement
(level, care type, provider) and wherever a new policy version changes a pricing parameter that
applies to it (``pricing_terms``); each monthly cap (home minutes, outreach fund) applies per segment,
prorated by its days (half-up: minutes to the whole minute, money to 0.01) when the line has more
than one segment. The compliance reader takes its V07 cap segments from here too (``cap_segments``,
registered by ``ltc.billing.wire``), so caps are consumed per the segments billed.
"""
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ltc.billing.policy import BillingPolicy
from ltc.billing.pricing.model import BillingTimeline
from ltc.compliance.facts import CapSegment, EntitlementFact, Person
from ltc.core.money import CENT, to_money
from ltc.core.months import days_in_month, first_of_next_month
from ltc.orgs.kinds import CareType

WHOLE = Decimal(1)


@dataclass(frozen=True)
class LineSegment:
    """A segment of a billing line (SPEC §7.2): a piece ``[start, end)`` of one entitlement in the
    month over which the pricing parameters applying to it (unit amount, ratio, uplift, cap) do not
    change. Monthly caps apply per segment, prorated by its days when the line has several."""

    entitlement: EntitlementFact
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def line_segments(entitlements: Iterable[EntitlementFact], month: date, end: date, version_starts: Iterable[date],
                  terms_on: Callable[[EntitlementFact, date], Hashable]) -> list[LineSegment]:
    """The segments of the entitlements' days in ``[month, end)``: one per entitlement, cut at each
    version start where ``terms_on(entitlement, day)`` (the pricing parameters of that entitlement
    under the version in force) differs from the day before; a version changing none does not cut."""
    found: list[LineSegment] = []
    starts = sorted(set(version_starts))
    for e in sorted(entitlements, key=lambda e: e.valid_from):
        first, stop = max(e.valid_from, month), min(e.valid_to or end, end)
        if first >= stop:
            continue
        start, terms = first, terms_on(e, first)
        for cut in (d for d in starts if first < d < stop):
            if (new := terms_on(e, cut)) != terms:
                found.append(LineSegment(e, start, cut))
                start, terms = cut, new
        found.append(LineSegment(e, start, stop))
    return found


def prorate(amount: Decimal | int, segment_days: int, month_days: int, quantum: Decimal) -> Decimal:
    """SPEC §7.2: a monthly cap × segment days ÷ days in the month, half-up to ``quantum``
    (Decimal(1) for whole minutes, Decimal("0.01") for money)."""
    share = Decimal(amount) * segment_days / month_days
    return share.quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Segment:
    """One segment of a beneficiary's line of ``care_type`` with its prorated caps: ``minutes`` (home
    hours × 60) and ``fund_cap`` (outreach); None where the care type has no such cap."""

    beneficiary_id: int
    care_type: str
    provider_id: int
    level: int
    start: date
    end: date
    minutes: int | None = None
    fund_cap: Decimal | None = None


def pricing_terms(billing: BillingPolicy, care_type: str, level: int) -> Hashable:
    """The pricing parameters of ``billing`` that apply to a line of ``care_type`` at ``level``:
    unit amounts, ratios, uplift and caps (a version changing only other levels' or care types'
    amounts, or the deposit, gives the same terms: no segment cut)."""
    care, key = CareType(care_type), str(level)
    rates = billing.rates(care)
    common = (tuple(sorted(rates.fund_ratio.items())), billing.uplift, tuple(sorted(billing.uplift_tags)),
              billing.ratio_cap)
    if care is CareType.SPECIAL:
        quotas = tuple((tuple(sorted(g.grades)), g.per_day.get(key)) for g in rates.quota_groups)
        return (*common, quotas, tuple(sorted(rates.tag_supplement_per_day.items())))
    if care is CareType.INSTITUTION:
        return (*common, rates.cap_per_day.get(key))
    if care is CareType.HOME:
        return (*common, rates.hourly_rate_life, rates.hourly_rate_medical, rates.hours_cap_per_month.get(key))
    if care is CareType.OUTREACH:
        return (*common, rates.price_per_visit, rates.fund_cap_per_month.get(key))
    return (*common, rates.allowance_per_day.get(key), rates.package_per_month, rates.min_package_visits_per_month)


def segments(person: Person, care_type: str, month: date, timeline: BillingTimeline) -> list[Segment]:
    """The segments of ``person``'s line of ``care_type`` in ``month`` (first day), in date order,
    with their caps prorated when there are several."""
    end = first_of_next_month(month)
    own = [e for e in person.entitlements if e.care_type == care_type]
    pieces = line_segments(own, month, end, timeline.starts_within(month, end),
                           lambda e, day: pricing_terms(timeline.on(day), e.care_type, e.level))
    return [_with_caps(person.id, piece, month, timeline.on(piece.start), prorated=len(pieces) > 1)
            for piece in pieces]


def _with_caps(person_id: int, piece: LineSegment, month: date, billing: BillingPolicy, *,
               prorated: bool) -> Segment:
    e, level = piece.entitlement, str(piece.entitlement.level)
    minutes = fund_cap = None
    if e.care_type == CareType.HOME and (hours := billing.home.hours_cap_per_month.get(level)) is not None:
        minutes = hours * 60
        if prorated:
            minutes = int(prorate(minutes, piece.days, days_in_month(month), WHOLE))
    if e.care_type == CareType.OUTREACH and (cap := billing.outreach.fund_cap_per_month.get(level)) is not None:
        fund_cap = prorate(cap, piece.days, days_in_month(month), CENT) if prorated else to_money(cap)
    return Segment(person_id, e.care_type, e.provider_id, e.level, piece.start, piece.end, minutes, fund_cap)


def cap_segments(persons: Mapping[int, Person], month: date, timeline: BillingTimeline,
                 care_types: Iterable[str] = (CareType.HOME,)) -> tuple[CapSegment, ...]:
    """The V07 cap segments (home minutes) of ``persons`` in ``month``: the same segments pricing
    bills, as ``Facts.caps``."""
    return tuple(CapSegment(s.beneficiary_id, s.care_type, s.start, s.end, minutes=s.minutes,
                            provider_id=s.provider_id)
                 for person in persons.values() for care in care_types
                 for s in segments(person, care, month, timeline) if s.minutes is not None)
