"""The check-in path (issue 10, Performance): a live check-in is checked from the facts of its day,
its carer's overlapping visits and its cap segment's count so far, and stores the findings a check
of the whole month would; it sends a bounded number of SQL statements however many visits the
beneficiary and the carer already have that month (a regression guard, not a timing test)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ltc.compliance import readers, services
from ltc.compliance.models import Finding
from ltc.compliance.rules import evaluate
from ltc.core.periods import add_period
from ltc.policy import timeline
from ltc.providers.carers.models import CarerQualificationPeriod
from ltc.providers.records import visits
from tests.people_builders import person
from tests.queries import count_queries
from tests.visit_builders import home_care, home_plan, shanghai

MARCH = date(2026, 3, 1)
BOUND = 12   # 11 in the service (the entry-time check: 4 prepared statements and the findings), the published
#              policy versions read once per transaction included


@pytest.fixture
def hc(session, world):
    return home_care(session, world)


def _check_in(session, hc, at, *, who=None, carer=None, device="pad-1"):
    return visits.check_in(session, actor=hc.operator, carer_id=(carer or hc.carer).id,
                           person_id=(who or hc.person).id, at=at, device_id=device, source="api", uploaded_at=at,
                           now=at)


def _statements(session, hc, at) -> list[str]:
    session.expire_all()   # as in a new request: nothing loaded yet
    timeline.forget(session)
    with count_queries(session) as sent:
        _check_in(session, hc, at)
    return sent


def test_a_check_in_sends_few_statements_and_no_more_with_a_full_month_behind_it(session, hc):
    start = shanghai(date(2026, 3, 2), 8, 0)
    first = _statements(session, hc, start)
    for n in range(1, 60):
        _check_in(session, hc, start + timedelta(minutes=7 * n))
    later = _statements(session, hc, start + timedelta(minutes=7 * 60))
    assert len(later) <= BOUND
    assert len(later) <= len(first) + 2


def _stored(session) -> set[tuple]:
    return {(f.rule, f.record_id, tuple(sorted(f.params.items()))) for f in session.scalars(
        select(Finding).where(Finding.status == "open", Finding.record_kind == "visit"))}


def _whole_month(session, provider_id, now) -> set[tuple]:
    facts = readers.provider_month(session, provider_id, MARCH, now=now)
    found = evaluate(facts, services.compliance_policy(session, MARCH), now=now)
    return {(f.rule.value, f.record.id, tuple(sorted(f.params.items()))) for f in found
            if f.record.kind == "visit" and f.rule != "V13"}


def test_live_check_ins_store_the_findings_of_the_whole_months_rules(session, world, hc):
    """V04 (the carer's overlaps), V10 and V07 (the cap crossed, visits rejected by V04 not
    counted, an earlier check-in uploaded after a later one) as the month's evaluation finds them."""
    other = person(session, 2, district="东城区")
    home_plan(session, world, other)
    for n, carer in enumerate((hc.carer, hc.other_carer)):
        add_period(session, CarerQualificationPeriod, carer_id=carer.id, staff_type="assistant",
                   certificate_no=f"Q{n}", valid_from=date(2025, 1, 1))
    at = None
    for day in (2, 3, 4):
        for k in range(12):
            at = shanghai(date(2026, 3, day), 7) + timedelta(minutes=70 * k)
            if k in (3, 7):
                _check_in(session, hc, at - timedelta(minutes=10), who=other)   # the next one overlaps it: V04
            _check_in(session, hc, at)
    _check_in(session, hc, at, carer=hc.other_carer)
    _check_in(session, hc, at, device="pad-2")                                 # same check-in again: V10
    late = shanghai(date(2026, 3, 5), 20)
    _check_in(session, hc, late)
    _check_in(session, hc, late - timedelta(hours=1))                          # uploaded after a later one
    stored = _stored(session)
    assert {rule for rule, *_ in stored} >= {"V04", "V07", "V10"}
    assert stored == _whole_month(session, hc.carer.provider_id, late)
