"""Demo entitlements that ended early (``ltc.demo.outcomes``, issue 8 point 15): one voided by a
death before its start, one ended by a lower conclusion; made by the real services, dated from
the load date, idempotent."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from ltc.assessment.applications.models import Application
from ltc.assessment.scale.services import seed_rulesets
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today
from ltc.core.months import add_months, first_of_next_month
from ltc.demo import data
from ltc.demo.outcomes import PERSON_COUNT, PERSON_OFFSET, load_outcomes
from ltc.entitlements.models import Entitlement
from ltc.notices.models import Notice
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.policy.ref import seed_ref
from tests.conftest import NOW

NOWS = {
    "mid-month": NOW,
    "early in the month": datetime(2026, 12, 3, 2, 0, tzinfo=timezone.utc),
    "late in the month": datetime(2026, 6, 29, 8, 0, tzinfo=timezone.utc),
}


def demo_city(session, now):
    seed_ref(session, now=now)
    seed_rulesets(session, actor=SYSTEM, now=now)
    users = data.load_users(session, data.load_orgs(session, now=now), "Demo-test-2026", now)
    data.load_expert_certificates(session, users, now=now)
    data.load_persons(session, data.person_rows(PERSON_OFFSET + PERSON_COUNT), now=now)
    session.flush()


def termination_notices(session, entitlement):
    return session.scalars(select(Notice).where(Notice.kind == "termination",
                                                Notice.subject_id == entitlement.id)).all()


@pytest.mark.parametrize("now", NOWS.values(), ids=NOWS.keys())
def test_demo_has_an_entitlement_voided_by_a_death_before_its_start(session, now):
    demo_city(session, now)
    assert load_outcomes(session, now=now) == 2
    voided = session.scalars(select(Entitlement).where(Entitlement.status == "void")).one()
    person = session.get(InsuredPerson, voided.person_id)
    assert (voided.void_reason, voided.origin, voided.care_type) == ("death", "review", "home")
    assert voided.review_case_id is not None  # granted through the four-party review
    assert person.death_date < voided.valid_from and person.death_date <= local_today(now)
    [notice] = termination_notices(session, voided)
    assert notice.number.startswith("TRM-") and notice.data["void"] is True
    assert notice.data["provider_name"] == session.get(Organisation, voided.provider_id).name


@pytest.mark.parametrize("now", NOWS.values(), ids=NOWS.keys())
def test_demo_has_an_entitlement_ended_by_a_lower_conclusion(session, now):
    demo_city(session, now)
    load_outcomes(session, now=now)
    ended = session.scalars(select(Entitlement).where(Entitlement.end_reason == "reassessed")).one()
    assert (ended.origin, ended.status, ended.level) == ("review", "active", 4)
    assert ended.valid_from <= add_months(local_today(now), -6)  # granted months ago
    lower = session.scalars(select(Application).where(Application.person_id == ended.person_id,
                                                      Application.kind == "reassessment")).one()
    assert (lower.reassessment_reason, lower.status, lower.level, lower.previous_id) == (
        "follow_up", "concluded", 2, ended.application_id)
    assert lower.final_on is not None and lower.final_on <= local_today(now)
    assert ended.valid_from < ended.valid_to == first_of_next_month(lower.final_on)
    [notice] = termination_notices(session, ended)
    assert notice.data["reason"] == "reassessed" and notice.data["ends_on"] == ended.valid_to.isoformat()


def test_demo_outcomes_load_once(session):
    demo_city(session, NOW)
    assert load_outcomes(session, now=NOW) == 2
    assert load_outcomes(session, now=NOW) == 0
    assert len(session.scalars(select(Entitlement)).all()) == 2
