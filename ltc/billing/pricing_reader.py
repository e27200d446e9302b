"""What pricing reads from the database besides the compliance facts: the published billing
sections over a month, and a person's and a provider's dated billing terms (SPEC §0.2, §0.3).

Set-based: one statement per attribute family for any number of subjects."""
from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.billing.policy import BillingPolicy
from ltc.billing.pricing import (BillingTimeline, BillingVersion, DatedValue, PersonTerms, ProviderTerms,
                                 cap_segments)
from ltc.compliance.facts import CapSegment, Person
from ltc.core.months import first_of_next_month
from ltc.core.periods import periods_overlapping
from ltc.orgs.kinds import CareType
from ltc.people.models import PersonCategoryPeriod, PersonTagPeriod
from ltc.policy.models import PolicyStatus, PolicyVersion
from ltc.policy.services import Policy
from ltc.providers.models import ProviderGradePeriod, ProviderPricePeriod


def billing_timeline(session: Session, month: date) -> BillingTimeline:
    """The published billing sections whose period overlaps ``month`` (its first day)."""
    end = first_of_next_month(month)
    versions = session.scalars(select(PolicyVersion).where(
        PolicyVersion.status == PolicyStatus.PUBLISHED.value, PolicyVersion.effective_from < end,
        or_(PolicyVersion.effective_to.is_(None), PolicyVersion.effective_to > month))
        .order_by(PolicyVersion.effective_from)).all()
    return BillingTimeline(tuple(
        BillingVersion(v.effective_from, v.effective_to,
                       Policy(v.id, v.number, v.name, v.effective_from, v.effective_to, v.sections)
                       .section(BillingPolicy)) for v in versions))


def reader_cap_segments(session: Session, persons: Mapping[int, Person], month: date, end: date) -> list[CapSegment]:
    """The V07 cap segments of ``persons`` in ``month`` (``end`` its next first day): pricing's segments
    under the published versions of the month (registered with the compliance reader by ``wire()``)."""
    if not any(e.care_type == CareType.HOME for person in persons.values() for e in person.entitlements):
        return []   # no home-care line: no cap to read the policy for
    return list(cap_segments(persons, month, billing_timeline(session, month)))


def person_terms(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, PersonTerms]:
    """The persons' category and tag periods overlapping ``[start, end)``."""
    ids = sorted(set(ids))
    categories = periods_overlapping(session, PersonCategoryPeriod, ids, start, end)
    tags = periods_overlapping(session, PersonTagPeriod, ids, start, end)
    return {i: PersonTerms(i, tuple(DatedValue(p.valid_from, p.valid_to, p.category) for p in categories[i]),
                           tuple(DatedValue(p.valid_from, p.valid_to, p.tag) for p in tags[i])) for i in ids}


def provider_terms(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, ProviderTerms]:
    """The providers' facility grade and daily price periods overlapping ``[start, end)``."""
    ids = sorted(set(ids))
    grades = periods_overlapping(session, ProviderGradePeriod, ids, start, end)
    prices = periods_overlapping(session, ProviderPricePeriod, ids, start, end)
    return {i: ProviderTerms(i, tuple(DatedValue(p.valid_from, p.valid_to, p.grade) for p in grades[i]),
                             tuple(DatedValue(p.valid_from, p.valid_to, p.daily_price) for p in prices[i]))
            for i in ids}
