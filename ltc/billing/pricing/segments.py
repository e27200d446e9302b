"""Segments of a line and their prorated monthly caps (SPEC §7.2), pure.

A line (beneficiary × care type × month) is split into segments at every change of entitlement
(level, care type, provider) and wherever a new policy version changes a pricing parameter that
applies to it (``pricing_terms``); each monthly cap (home minutes, outreach fund) applies per segment,
prorated by its days (half-up: minutes to the whole minute, money to 0.01) when the line has more
than one segment. The cut itself is ``ltc.compliance.facts.line_segments``, which the compliance
reader uses for the V07 caps too.
"""
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ltc.billing.policy import BillingPolicy
from ltc.billing.pricing.model import BillingTimeline
from ltc.compliance.facts import CapSegment, Person


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
    raise NotImplementedError


def segments(person: Person, care_type: str, month: date, timeline: BillingTimeline) -> list[Segment]:
    """The segments of ``person``'s line of ``care_type`` in ``month`` (first day), in date order,
    with their caps prorated when there are several."""
    raise NotImplementedError


def cap_segments(persons: Mapping[int, Person], month: date, timeline: BillingTimeline,
                 care_types: Iterable[str] = ("home",)) -> tuple[CapSegment, ...]:
    """The V07 cap segments (home minutes) of ``persons`` in ``month``: the same segments pricing
    bills, as ``Facts.caps``."""
    raise NotImplementedError


