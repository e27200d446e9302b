"""The settlement reader (SPEC §7.2, §7.3): from the database to the plain facts pricing reads for one
provider-month, set-based — the compliance reader's facts and findings, plus the billing terms of
every person and provider they name and the published billing policy over the month, each in a
handful of statements whatever the number of records.

``provider_month_input`` is what a settlement generation prices; ``billing_timeline``,
``person_terms`` and ``provider_terms`` are the pieces (the trial calculation pre-filled from a
real beneficiary-month reads the same).
"""
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.billing.holds import held_persons
from ltc.billing.policy import BillingPolicy
from ltc.billing.pricing import BillingTimeline, BillingVersion, DatedValue, PersonTerms, PricingInput, ProviderTerms
from ltc.compliance import dated, readers
from ltc.compliance.facts import Facts, Finding
from ltc.compliance.rules import evaluate
from ltc.compliance.services import compliance_policy
from ltc.core.months import first_of_next_month
from ltc.core.periods import periods_overlapping
from ltc.entitlements.models import Entitlement
from ltc.people.models import PersonCategoryPeriod, PersonTagPeriod
from ltc.policy.services import Policy
from ltc.policy.timeline import timeline
from ltc.providers.models import ProviderGradePeriod, ProviderPricePeriod


def billing_timeline(session: Session, start: date, end: date) -> BillingTimeline:
    """The published billing sections in force over ``[start, end)``, in date order (the published
    versions as the transaction sees them, each section parsed once per version)."""
    versions = [v for v in timeline(session).versions
                if v.effective_from < end and (v.effective_to is None or v.effective_to > start)]
    return BillingTimeline(tuple(
        BillingVersion(v.effective_from, v.effective_to,
                       Policy(v.id, v.number, v.name, v.effective_from, v.effective_to, v.sections)
                       .section(BillingPolicy)) for v in versions))


def person_terms(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, PersonTerms]:
    """Each person's insurance category and population tag periods overlapping ``[start, end)``."""
    ids = sorted(set(ids))
    categories = periods_overlapping(session, PersonCategoryPeriod, ids, start, end)
    tags = periods_overlapping(session, PersonTagPeriod, ids, start, end)
    return {i: PersonTerms(i, tuple(DatedValue(p.valid_from, p.valid_to, p.category) for p in categories[i]),
                           tuple(DatedValue(p.valid_from, p.valid_to, p.tag) for p in tags[i])) for i in ids}


def provider_terms(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, ProviderTerms]:
    """Each provider's facility grade and daily nursing price periods overlapping ``[start, end)``."""
    ids = sorted(set(ids))
    grades = periods_overlapping(session, ProviderGradePeriod, ids, start, end)
    prices = periods_overlapping(session, ProviderPricePeriod, ids, start, end)
    return {i: ProviderTerms(i, tuple(DatedValue(p.valid_from, p.valid_to, p.grade) for p in grades[i]),
                             tuple(DatedValue(p.valid_from, p.valid_to, p.daily_price) for p in prices[i]))
            for i in ids}


def entitled_people(session: Session, provider_id: int, month: date) -> set[int]:
    """The beneficiaries with a live entitlement at the provider overlapping ``month``."""
    end = first_of_next_month(month)
    return set(session.scalars(select(Entitlement.person_id).where(
        Entitlement.provider_id == provider_id, Entitlement.live_filter(), Entitlement.valid_from < end,
        or_(Entitlement.valid_to.is_(None), Entitlement.valid_to > month))))


@dataclass(frozen=True)
class MonthInput:
    """A provider-month read for a settlement: the facts, every finding the rules return on them,
    and what pricing reads."""

    facts: Facts
    findings: tuple[Finding, ...]
    pricing: PricingInput


def with_entitled(session: Session, facts: Facts, people: set[int]) -> Facts:
    """``facts`` with the dated facts of the entitled ``people`` without records too (a family
    allowance, a package without visits)."""
    missing = people - set(facts.persons)
    if not missing:
        return facts
    extra = dated.persons(session, missing, facts.month, first_of_next_month(facts.month))
    return replace(facts, persons={**facts.persons, **extra})


def provider_month_input(session: Session, provider_id: int, month: date, *, as_of: datetime,
                         facts: Facts | None = None) -> MonthInput:
    """Read ``provider_id``'s ``month`` (first day) as of the business moment ``as_of``: its records and
    the records around them (``ltc.compliance.readers.provider_month``), the persons entitled at the
    provider, the findings of every rule, and the billing terms and policy over the month."""
    end = first_of_next_month(month)
    facts = facts or readers.provider_month(session, provider_id, month, now=as_of)
    facts = with_entitled(session, facts, entitled_people(session, provider_id, month))
    found = tuple(evaluate(facts, compliance_policy(session, month), now=as_of))
    providers = {provider_id} | {v.provider_id for v in facts.visits} | {d.provider_id for d in facts.bed_days}
    pricing = PricingInput(
        facts=facts, findings=found, persons=person_terms(session, facts.persons, month, end),
        providers=provider_terms(session, providers, month, end), timeline=billing_timeline(session, month, end),
        provider_id=provider_id, held_persons=held_persons(session, provider_id, month))
    return MonthInput(facts, found, pricing)
