"""The inputs and outputs of pricing (SPEC §5.1, §7.1, §7.2), pure: no Flask, no database.

Pricing reads the compliance facts of one provider-month (or one beneficiary-month), the findings
``ltc.compliance.rules.evaluate`` returned for them, the billing terms the compliance facts do not
carry (a person's dated category and tags, a provider's dated facility grade and daily price) and
the published billing policy versions over the month; it returns **rate rows** and the family
allowances. Money is ``Decimal``; every period is half-open ``[from, to)`` (``to`` None: open).
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ltc.billing.policy import BillingPolicy
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.facts import Facts, Finding, Period, RecordRef, covering


class PricingError(ValueError):
    """A unit cannot be priced from the facts: no category on its date, no special-care quota for the
    provider's grade and level, no daily price of an institution. The message says which; ``field``
    names the fact missing (``person.category``, ``provider.facility_grade``, ``provider.daily_price``)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class Unit(StrEnum):
    """What one unit of a rate row is (SPEC §7.2): a bed-day, a planned minute of a home visit
    (billable = rate × minutes / 60), an outreach visit, a family package (payable 1 or 0)."""

    DAY = "day"
    MINUTE = "minute"
    VISIT = "visit"
    PACKAGE = "package"


@dataclass(frozen=True)
class DatedValue(Period):
    """A value in force over ``[valid_from, valid_to)``: a category, a tag, a grade, a daily price."""

    value: Any = None


def value_on(periods: tuple[DatedValue, ...], day: date, default: Any = None) -> Any:
    """The value of the period covering ``day``, else ``default``."""
    period = covering(periods, day)
    return default if period is None else period.value


@dataclass(frozen=True)
class PersonTerms:
    """A beneficiary's dated insurance category (``employee`` / ``resident``) and population tags
    (one ``DatedValue`` per tag period; several tags may be in force on a day)."""

    person_id: int
    categories: tuple[DatedValue, ...] = ()
    tags: tuple[DatedValue, ...] = ()

    def category_on(self, day: date) -> str | None:
        return value_on(self.categories, day)

    def tags_on(self, day: date) -> tuple[str, ...]:
        return tuple(sorted({p.value for p in self.tags if p.covers(day)}))


@dataclass(frozen=True)
class ProviderTerms:
    """A provider's dated facility grade (special-care quota group) and daily nursing price
    (institution care: billable per day = min(price, cap))."""

    provider_id: int
    grades: tuple[DatedValue, ...] = ()
    daily_prices: tuple[DatedValue, ...] = ()

    def grade_on(self, day: date) -> str | None:
        return value_on(self.grades, day)

    def daily_price_on(self, day: date) -> Decimal | None:
        return value_on(self.daily_prices, day)


@dataclass(frozen=True)
class BillingVersion(Period):
    """A published billing policy section in force over ``[valid_from, valid_to)``."""

    billing: BillingPolicy | None = None


@dataclass(frozen=True)
class BillingTimeline:
    """The published billing sections over a month (SPEC §0.3: the version whose period contains
    a date governs it). ``on(day)`` raises LookupError for a day no version covers."""

    versions: tuple[BillingVersion, ...]

    def on(self, day: date) -> BillingPolicy:
        version = covering(self.versions, day)
        if version is None:
            raise LookupError(f"no published billing policy on {day.isoformat()}")
        return version.billing

    def starts_within(self, start: date, end: date) -> list[date]:
        """The days in ``(start, end)`` where a version starts (candidate segment cuts)."""
        return sorted(v.valid_from for v in self.versions if start < v.valid_from < end)


@dataclass(frozen=True)
class PricingInput:
    """One provider-month (or beneficiary-month) to price.

    ``facts`` and ``findings`` are the compliance engine's (``evaluate(facts, …)``): pricing never
    re-checks a rule. ``findings`` are the verdicts in force: a FLAG the insurer decided to pay is
    left out by the caller; a FLAG the insurer refused is passed in ``refused`` (its units are
    rejected under that rule; a refused visit also has ``Visit.refused`` so V07 frees its share).
    ``provider_id`` None prices every provider in the facts (a trial of one beneficiary-month);
    ``beneficiary_ids`` None prices every beneficiary with records or entitlements in the facts.
    ``held_persons`` are persons held by a "not confirmed" follow-up: their payable units are held.
    ``compliance`` is the policy the findings were made under: the family allowance checks each
    entitled day with the same rules (E07, E03, E08); without it no allowance is computed (the
    packages are)."""

    facts: Facts
    findings: tuple[Finding, ...]
    persons: Mapping[int, PersonTerms]
    providers: Mapping[int, ProviderTerms]
    timeline: BillingTimeline
    provider_id: int | None = None
    beneficiary_ids: frozenset[int] | None = None
    refused: Mapping[tuple[RecordRef, date], str] = field(default_factory=dict)
    held_persons: frozenset[int] = frozenset()
    compliance: CompliancePolicy | None = None


@dataclass(frozen=True)
class UnitSource:
    """The units one record contributed to a rate row on one service date: all of them (``units``),
    those payable (``payable``; of which ``held`` under an open FLAG) and the rejected ones by the
    rule that rejected them. A bed-day is (``stay``, id, day) with 1 unit; a home visit is
    (``visit``, id, date) with its planned minutes; a family package is (``package``, beneficiary id,
    first of month)."""

    kind: str
    id: int
    service_date: date
    units: int
    payable: int
    held: int = 0
    rejected: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RateRow:
    """One rate row of a line (SPEC §7.2): one beneficiary × care type × provider, inside one segment
    ``[segment_start, segment_end)`` (an entitlement piece with constant pricing parameters), over
    ``[start, end)``, at one unit amount (``rate``) and one ``ratio``.

    ``payable_units`` + Σ ``rejected`` = all units of the row; ``held`` ⊆ payable, by FLAG rule.
    ``billable`` = round_half_up(Σ unit amounts over payable units); ``fund`` = round_half_up(billable ×
    ratio) less ``fund_reduced`` (the segment's monthly fund cap, taken from the latest-dated row
    backwards); ``copay`` = billable − fund. Units outside every entitlement (E01) form rows of their
    own with ``level`` None, rate 0 and nothing payable."""

    beneficiary_id: int
    provider_id: int
    care_type: str
    level: int | None
    segment_start: date
    segment_end: date
    start: date
    end: date
    rate: Decimal
    unit: Unit
    payable_units: int
    held: Mapping[str, int]
    rejected: Mapping[str, int]
    billable: Decimal
    ratio: Decimal
    fund: Decimal
    copay: Decimal
    fund_reduced: Decimal = Decimal("0.00")
    sources: tuple[UnitSource, ...] = ()

    @property
    def units(self) -> int:
        return self.payable_units + sum(self.rejected.values())


@dataclass(frozen=True)
class Allowance:
    """The family carer allowance of one beneficiary for the month (SPEC §7.1), paid to the person:
    ``days`` = entitled family days on which the person is alive, insured and not an inpatient;
    ``excluded`` the other entitled days by the first failing rule of E07, E03, E08;
    ``amount`` = round_half_up(Σ allowance per day over the days) (the level in force each day)."""

    beneficiary_id: int
    provider_id: int
    days: int
    excluded: Mapping[str, int]
    amount: Decimal


@dataclass(frozen=True)
class Pricing:
    """The priced month: rate rows ordered by beneficiary, care type, provider, segment, start, rate;
    allowances by beneficiary."""

    rows: tuple[RateRow, ...]
    allowances: tuple[Allowance, ...] = ()

    @property
    def billable(self) -> Decimal:
        return sum((r.billable for r in self.rows), Decimal("0.00"))

    @property
    def fund(self) -> Decimal:
        return sum((r.fund for r in self.rows), Decimal("0.00"))
