"""Final conclusions and entitlements (SPEC §3.1, §4.2): a lower conclusion ends the entitlement
on the 1st of the month after its final date with a termination notice, never while an objection
is pending; a 复评 at or above the threshold counts entitlement starts from the parent's
conclusion date."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications import jobs
from ltc.assessment.applications.services import objections
from ltc.entitlements import services
from ltc.entitlements.models import EntitlementRequest
from ltc.notices import services as notices
from ltc.notices.models import Notice
from tests import assessment_builders as ab
from tests.entitlement_builders import grant
from tests.services.test_assessment_objections import run_review

D = date


@pytest.fixture
def c(shared_cast):
    return shared_cast


def entitled(session, c, *, level: int = 4, care_type: str = "institution"):
    """The person's entitlement since 1 June 2025 on a final level-``level`` conclusion of 10 June 2025."""
    old = ab.past_conclusion(session, c.persons[0].id, D(2025, 6, 10), level=level)
    return grant(session, c.persons[0], c.world.provider2, care_type=care_type, conclusion_of=old)


def daily_job(session, due: date, ran_on: date | None = None) -> dict:
    return jobs.finality(session, now=ab.at(ran_on or due, 0), due_at=ab.at(due, 0))


def trm_notices(session, entitlement) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.kind == "termination", Notice.subject_type == "entitlement",
                                                     Notice.subject_id == entitlement.id)))


def test_a_lower_conclusion_ends_the_entitlement_on_the_first_of_the_month_after_its_final_date(session, c):
    entitlement = entitled(session, c)
    assert entitlement.valid_to == D(2027, 6, 10)
    lower = ab.confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))       # final on 27 March
    assert daily_job(session, D(2026, 3, 26)) == {"final": 0}
    assert entitlement.valid_to == D(2027, 6, 10) and trm_notices(session, entitlement) == []
    daily_job(session, D(2026, 3, 27))
    assert (lower.final_on, entitlement.valid_to, entitlement.end_reason) == (D(2026, 3, 27), D(2026, 4, 1),
                                                                               "reassessed")
    [event] = entitlement.events
    assert (event.reason, event.valid_to_before, event.valid_to_after) == ("reassessed", D(2027, 6, 10), D(2026, 4, 1))
    [notice] = trm_notices(session, entitlement)
    assert notice.number == "TRM-2026-000001" and notice.status == "pending"
    assert {k: notice.data[k] for k in ("valid_to", "ends_on", "last_covered_day", "event_date", "reason", "void",
                                         "provider_name")} == {
        "valid_to": "2027-06-10", "ends_on": "2026-04-01", "last_covered_day": "2026-03-31",
        "event_date": "2026-03-27", "reason": "reassessed", "void": False, "provider_name": "养老院乙"}
    assert "重新评估" in notice.data["reason_text"]
    provider_operator, other_provider = c.world.users["pr2_op"], c.world.users["pr_op"]
    assert notices.can_see(session, provider_operator, notice) and not notices.can_see(session, other_provider, notice)
    daily_job(session, D(2026, 3, 28))                                          # idempotent
    assert len(trm_notices(session, entitlement)) == 1


def test_a_catch_up_two_days_late_ends_the_entitlement_on_the_same_day(session, c):
    entitlement = entitled(session, c)
    ab.confirmed(session, c, level=2, confirm_on=D(2026, 3, 23))   # window until 30 March: final on 31 March
    daily_job(session, D(2026, 4, 2), ran_on=D(2026, 4, 2))
    assert entitlement.valid_to == D(2026, 4, 1)                   # not 1 May, the month after the run


def test_while_an_objection_is_pending_the_old_entitlement_runs_on(session, c):
    entitlement = entitled(session, c)
    lower = ab.confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))
    child = objections.object_to(session, lower.id, actor=c.ins, now=ab.at(D(2026, 3, 24)), reason="等级偏低")
    daily_job(session, D(2026, 3, 31))
    assert (lower.status, lower.final_on, entitlement.valid_to) == ("objected", None, D(2027, 6, 10))
    assert trm_notices(session, entitlement) == []
    run_review(session, c, child, level=2, visit_on=D(2026, 4, 2), confirm_on=D(2026, 4, 7))
    assert (lower.final_on, entitlement.valid_to, entitlement.end_reason) == (D(2026, 4, 7), D(2026, 5, 1),
                                                                               "reassessed")
    assert len(trm_notices(session, entitlement)) == 1


def test_a_level_below_the_care_types_minimum_ends_it_too(session, c):
    special = entitled(session, c, care_type="special")           # REF: special care needs level 4
    ab.confirmed(session, c, level=3, confirm_on=D(2026, 3, 19))
    daily_job(session, D(2026, 3, 27))
    assert (special.valid_to, special.end_reason) == (D(2026, 4, 1), "reassessed")


def test_a_conclusion_that_still_allows_the_care_type_leaves_it_alone(session, c):
    entitlement = entitled(session, c)
    ab.confirmed(session, c, level=3, confirm_on=D(2026, 3, 19))
    daily_job(session, D(2026, 3, 27))
    assert (entitlement.valid_to, entitlement.end_reason) == (D(2027, 6, 10), "expiry")
    assert trm_notices(session, entitlement) == []


def test_a_review_at_the_threshold_counts_entitlement_starts_from_the_parents_conclusion_date(session, c):
    parent = ab.confirmed(session, c, level=2, confirm_on=D(2026, 3, 30), care_type="home",
                          provider_id=c.world.provider.id)
    child = objections.object_to(session, parent.id, actor=c.ins, now=ab.at(D(2026, 3, 31)), reason="等级偏低")
    run_review(session, c, child, level=5, visit_on=D(2026, 4, 2), confirm_on=D(2026, 4, 8))
    assert (parent.level, parent.concluded_on, parent.final_on) == (5, D(2026, 3, 30), D(2026, 4, 8))
    assert (parent.valid_from, parent.valid_to) == (D(2026, 4, 8), D(2028, 4, 8))      # validity: the 复评's
    request = session.scalars(select(EntitlementRequest)).one()
    assert (request.status, request.application_id, request.trigger_date) == ("open", parent.id, D(2026, 3, 30))
    assert services.first_start("home", parent) == D(2026, 4, 1)                     # not 1 May
