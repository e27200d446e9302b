"""One segmentation for V07 and pricing (SPEC §7.2): the compliance reader cuts the monthly caps where
pricing cuts its lines — at a policy version changing any pricing parameter of the line, not at one
changing none — and the billing readers return the published sections and dated terms of a month."""
import copy
from datetime import date
from decimal import Decimal

import pytest

from ltc.billing.pricing import cap_segments
from ltc.billing.pricing_reader import policy_timeline
from ltc.billing.reader import billing_timeline, person_terms, provider_terms
from ltc.compliance import dated
from ltc.core.audit import SYSTEM
from ltc.core.periods import add_period
from ltc.policy import services as policy_services
from ltc.providers.models import ProviderPricePeriod
from tests.builders import world
from tests.compliance_db_builders import NOW, beneficiary

JUNE, JULY = date(2026, 6, 1), date(2026, 7, 1)


def publish_june_16(session, change) -> None:
    draft = policy_services.create_draft(session, actor=SYSTEM, now=NOW)
    sections = copy.deepcopy(draft.sections)
    change(sections)
    for name in ("billing",):
        policy_services.update_section(session, draft, name, sections[name], actor=SYSTEM, now=NOW)
    policy_services.publish(session, draft, effective_from=date(2026, 6, 16), actor=SYSTEM, now=NOW)


def _rate(sections):
    sections["billing"]["home"]["hourly_rate_life"] = "70"


def _deposit(sections):
    sections["billing"]["quality_deposit_ratio"] = "0.05"


@pytest.mark.parametrize("change, expected", [
    (_rate, [(1, 16, 630), (16, 1, 630)]),     # level 4: 21 h × 15/30 in each segment
    (_deposit, [(1, 1, 1260)]),                # no pricing parameter of the line: one segment, the full cap
])
def test_v07_caps_are_cut_where_pricing_cuts_the_line(session, change, expected):
    w = world(session)
    person = beneficiary(session, w.provider)
    publish_june_16(session, change)
    facts = dated.persons(session, [person.id], JUNE, JULY)
    from_reader = dated.cap_segments(session, facts, JUNE, JULY)
    assert [(s.start.day, s.end.day, s.minutes) for s in from_reader] == expected
    assert tuple(from_reader) == cap_segments(facts, JUNE, billing_timeline(session, JUNE, JULY))


@pytest.mark.parametrize("read", [billing_timeline, policy_timeline])
def test_billing_timeline_holds_the_versions_over_the_month(session, read):
    world(session)
    publish_june_16(session, _rate)
    timeline = read(session, JUNE, JULY)
    assert [(v.valid_from.isoformat(), v.valid_to) for v in timeline.versions][-1] == ("2026-06-16", None)
    assert timeline.on(date(2026, 6, 15)).home.hourly_rate_life == Decimal("65")
    assert timeline.on(date(2026, 6, 16)).home.hourly_rate_life == Decimal("70")
    assert [v.valid_from for v in read(session, JULY, date(2026, 8, 1)).versions] == [date(2026, 6, 16)]


def test_dated_terms_of_persons_and_providers(session):
    w = world(session)
    person = beneficiary(session, w.provider)
    add_period(session, ProviderPricePeriod, org_id=w.provider2.id, daily_price=Decimal("58.00"),
               valid_from=date(2026, 6, 10))
    terms = person_terms(session, [person.id], JUNE, JULY)[person.id]
    assert (terms.category_on(date(2026, 6, 5)), terms.tags_on(date(2026, 6, 5))) == ("employee", ())
    provider = provider_terms(session, [w.provider2.id], JUNE, JULY)[w.provider2.id]
    assert provider.grade_on(date(2026, 6, 1)) == "nursing_home"
    assert (provider.daily_price_on(date(2026, 6, 9)), provider.daily_price_on(date(2026, 6, 10))) == (
        None, Decimal("58.00"))
