"""Family care (SPEC §5.1, §7.1), pure: the provider's monthly package and the person's allowance.

The package (``MONTHLY_PACKAGE``) is the monthly amount prorated by the person's entitled days with
the provider (hospital days included), one unit payable unless F01 rejects it. The allowance
(``CASH_PER_DAY``) is paid to the person for each entitled day on which they are alive, insured and
not an inpatient — each day checked by the compliance rules E07, E03, E08, in that order.
"""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ltc.billing.pricing.model import Allowance, BillingTimeline, PricingInput, RateRow, Unit
from ltc.billing.pricing.rows import ZERO, build_row, ratio_on
from ltc.billing.pricing.segments import Segment
from ltc.billing.pricing.units import FindingIndex, UnitRecord, judge
from ltc.compliance.facts import EntitlementFact, Person, RecordRef
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules.eligibility import alive, in_hospital, insured
from ltc.core.money import to_money
from ltc.core.months import ONE_DAY, days, days_in_month, first_of_next_month
from ltc.orgs.kinds import CareType

PACKAGE = "package"


@dataclass(frozen=True)
class _Day:
    """One entitled day as a record of the eligibility rules."""

    beneficiary_id: int
    provider_id: int
    service_date: date
    care_type: str = CareType.FAMILY.value

    @property
    def ref(self) -> RecordRef:
        return RecordRef(PACKAGE, self.beneficiary_id)


def entitled(person: Person, month: date) -> Iterator[tuple[int, list[tuple[date, EntitlementFact]]]]:
    """Per provider, the person's family-entitled days of ``month`` with the entitlement of each."""
    by_provider: dict[int, list[tuple[date, EntitlementFact]]] = {}
    own = [e for e in person.entitlements if e.care_type == CareType.FAMILY]
    for day in days(month, first_of_next_month(month)):
        for e in own:
            if e.covers(day):
                by_provider.setdefault(e.provider_id, []).append((day, e))
    yield from sorted(by_provider.items())


def package_row(inputs: PricingInput, found: FindingIndex, person: Person, provider_id: int, entitled_days: list,
                terms_on) -> RateRow:
    """The family package line of a person with a provider: one unit, F01 rejects it."""
    month, timeline = inputs.facts.month, inputs.timeline
    amount = sum((timeline.on(day).family.package_per_month for day, _ in entitled_days), ZERO)
    rate = to_money(amount / days_in_month(month))
    unit = UnitRecord(PACKAGE, person.id, month, person.id, provider_id, CareType.FAMILY.value, Unit.PACKAGE, 1)
    key = (RecordRef(PACKAGE, person.id), month)
    on_package = [f for f in found.get(key, []) if f.provider_id in (None, provider_id)]
    judge(unit, on_package, inputs.refused.get(key), person.id in inputs.held_persons)
    first, level = entitled_days[0][0], entitled_days[0][1].level
    segment = Segment(person.id, CareType.FAMILY.value, provider_id, level, first, entitled_days[-1][0] + ONE_DAY)
    ratio = ratio_on(terms_on(first), CareType.FAMILY.value, first) or ZERO
    return build_row(segment, segment.start, segment.end, rate, ratio, [unit])


def allowance(person: Person, provider_id: int, entitled_days: list, timeline: BillingTimeline,
              policy: CompliancePolicy) -> Allowance:
    """The allowance of ``person`` for the days entitled with ``provider_id``."""
    paid, excluded, amount = 0, {}, Decimal(0)
    for day, e in entitled_days:
        record = _Day(person.id, provider_id, day)
        failing = alive(record, person, policy) or insured(record, person, policy) or \
            in_hospital(record, person, policy)
        if failing:
            rule = failing[0].rule.value
            excluded[rule] = excluded.get(rule, 0) + 1
            continue
        paid += 1
        amount += timeline.on(day).family.allowance_per_day.get(str(e.level), ZERO)
    return Allowance(person.id, provider_id, paid, excluded, to_money(amount))





def family_rows(inputs: PricingInput, found: FindingIndex, person: Person,
                terms_for) -> tuple[list[RateRow], list[Allowance]]:
    """The package rows and allowances of ``person``'s family entitlements in the month (of the
    selected provider); without ``inputs.compliance`` the packages only (a settlement pays the
    provider; the allowance goes to the person on its own list)."""
    rows, allowances = [], []
    for provider_id, entitled_days in entitled(person, inputs.facts.month):
        if inputs.provider_id is not None and provider_id != inputs.provider_id:
            continue
        rows.append(package_row(inputs, found, person, provider_id, entitled_days, terms_for(person.id, provider_id)))
        if inputs.compliance is not None:
            allowances.append(allowance(person, provider_id, entitled_days, inputs.timeline, inputs.compliance))
    return rows, allowances
