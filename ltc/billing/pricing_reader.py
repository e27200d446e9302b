"""The V07 cap segments the compliance reader puts in its facts (SPEC §7.2): pricing's own segments
under the published billing policy of the month, registered with ``ltc.compliance.dated`` by
``ltc.billing.wire`` — compliance does not import billing, and caps are consumed per the segments billed."""
from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from ltc.billing.pricing import cap_segments
from ltc.billing.reader import billing_timeline
from ltc.compliance.facts import CapSegment, Person
from ltc.orgs.kinds import CareType


def reader_cap_segments(session: Session, persons: Mapping[int, Person], month: date, end: date) -> list[CapSegment]:
    """The V07 cap segments of ``persons`` in ``month`` (``end`` its next first day)."""
    if not any(e.care_type == CareType.HOME for person in persons.values() for e in person.entitlements):
        return []   # no home-care line: no cap to read the policy for
    return list(cap_segments(persons, month, billing_timeline(session, month, end)))
