"""Rate rows of a month (SPEC §7.2): the units of each line, split into segments and rate rows."""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from ltc.billing.pricing.family import family_rows
from ltc.billing.pricing.model import PersonTerms, Pricing, PricingInput, ProviderTerms, RateRow
from ltc.billing.pricing.rows import ZERO, DayTerms, build_row, segment_rows
from ltc.billing.pricing.segments import Segment, segments
from ltc.billing.pricing.units import REJECT_ORDER, UnitRecord, index_findings, judged_units
from ltc.compliance.facts import Person
from ltc.core.months import ONE_DAY
from ltc.orgs.kinds import CareType

__all__ = ["REJECT_ORDER", "price_month"]

UNIT_CARE_TYPES = (CareType.SPECIAL, CareType.INSTITUTION, CareType.HOME, CareType.OUTREACH)


def price_month(inputs: PricingInput) -> Pricing:
    """Price one provider-month (``inputs.provider_id``) or one beneficiary-month.

    Units: bed-days of ``special`` / ``institution`` stays (each bed-day of the facts), planned minutes
    of ``home`` visits, ``outreach`` visits, one ``family`` package per beneficiary and provider. Each
    unit is rejected under the first REJECT finding on its record and date in ``REJECT_ORDER`` (V07 on
    a home visit rejects only its ``minutes_over``), else payable — held when an open FLAG finding is
    on it. Payable units are grouped into rate rows per segment (``segments``) and per unit amount and
    ratio (the category, tags, grade and daily price in force on each service date); each row is
    rounded once for billable, then for fund; an outreach segment's fund cap reduces its rows' fund
    from the latest-dated row backwards. Family: the package (monthly amount × entitled days ÷ days in
    month, rejected by F01) and the beneficiary's allowance.

    Raises LookupError when a service date has no published billing policy, PricingError when a
    payable unit has no unit amount or ratio (no category, no quota for the grade, no daily price)."""
    found = index_findings(inputs.findings)
    lines: dict[tuple[int, str], list[UnitRecord]] = defaultdict(list)
    for unit in judged_units(inputs, found):
        lines[(unit.beneficiary_id, unit.care_type)].append(unit)
    terms_for = _terms_for(inputs)
    rows, allowances = [], []
    for person_id in sorted(_persons(inputs, lines)):
        person = inputs.facts.persons.get(person_id) or Person(person_id)
        for care in UNIT_CARE_TYPES:
            if lines.get((person_id, care)):
                rows += line_rows(person, care, lines[(person_id, care)], inputs, terms_for)
        family, paid = family_rows(inputs, found, person, terms_for)
        rows += family
        allowances += paid
    return Pricing(tuple(rows), tuple(allowances))


def _persons(inputs: PricingInput, lines) -> set[int]:
    """The beneficiaries with units, or with family entitlements (a package and an allowance)."""
    found = {person_id for person_id, _ in lines}
    for person in inputs.facts.persons.values():
        if any(e.care_type == CareType.FAMILY for e in person.entitlements) and (
                inputs.beneficiary_ids is None or person.id in inputs.beneficiary_ids):
            found.add(person.id)
    return found


def _terms_for(inputs: PricingInput) -> Callable[[int, int], DayTerms]:
    """Per beneficiary and provider, the terms in force on a day (cached per day)."""
    def terms_for(person_id: int, provider_id: int) -> DayTerms:
        person = inputs.persons.get(person_id) or PersonTerms(person_id)
        provider = inputs.providers.get(provider_id) or ProviderTerms(provider_id)
        return DayTerms(inputs.timeline, person, provider)
    return terms_for


def line_rows(person: Person, care_type: str, units: list[UnitRecord], inputs: PricingInput,
              terms_for) -> list[RateRow]:
    """The rows of one line: per segment its units' rate rows; units outside every segment (E01)
    in rows of their own per provider, with nothing payable."""
    rows, left = [], list(units)
    for segment in segments(person, care_type, inputs.facts.month, inputs.timeline):
        inside = [u for u in left if u.provider_id == segment.provider_id
                  and segment.start <= u.service_date < segment.end]
        if inside:
            rows += segment_rows(segment, inside, terms_for(person.id, segment.provider_id))
            taken = {id(u) for u in inside}
            left = [u for u in left if id(u) not in taken]
    by_provider: dict[int, list[UnitRecord]] = defaultdict(list)
    for unit in left:
        by_provider[unit.provider_id].append(unit)
    return rows + [_outside(person.id, care_type, provider_id, group)
                   for provider_id, group in sorted(by_provider.items())]


def _outside(person_id: int, care_type: str, provider_id: int, units: list[UnitRecord]) -> RateRow:
    start, end = min(u.service_date for u in units), max(u.service_date for u in units) + ONE_DAY
    for unit in units:   # defensive: a unit outside every entitlement is never payable
        if unit.payable:
            unit.rejected, unit.payable, unit.held = {"E01": unit.units}, 0, {}
    row = build_row(Segment(person_id, care_type, provider_id, 0, start, end), start, end, ZERO, ZERO, units)
    return replace(row, level=None)
