"""The V07 cap segments the compliance reader puts in its facts (SPEC §7.2): pricing's own segments
under the published billing policy of the month, registered with ``ltc.compliance.dated`` by
``ltc.billing.wire`` — compliance does not import billing, and caps are consumed per the segments billed.

Every entry-time check of a home visit reads them: the versions come through ``policy_on`` (one per
version in force over the month, each section parsed once per version), not a query of their own."""
from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from ltc.billing.policy import BillingPolicy
from ltc.billing.pricing import BillingTimeline, BillingVersion, cap_segments
from ltc.compliance.facts import CapSegment, Person
from ltc.orgs.kinds import CareType
from ltc.policy.services import policy_on


def policy_timeline(session: Session, start: date, end: date) -> BillingTimeline:
    """The billing sections of the versions in force over ``[start, end)``, version after version.
    Raises NoPolicyInForce (409) when a day has none."""
    versions, day = [], start
    while day < end:
        policy = policy_on(session, day)
        versions.append(BillingVersion(policy.effective_from, policy.effective_to, policy.section(BillingPolicy)))
        if policy.effective_to is None:
            break
        day = policy.effective_to
    return BillingTimeline(tuple(versions))


def reader_cap_segments(session: Session, persons: Mapping[int, Person], month: date, end: date) -> list[CapSegment]:
    """The V07 cap segments of ``persons`` in ``month`` (``end`` its next first day)."""
    if not any(e.care_type == CareType.HOME for person in persons.values() for e in person.entitlements):
        return []   # no home-care line: no cap to read the policy for
    return list(cap_segments(persons, month, policy_timeline(session, month, end)))
