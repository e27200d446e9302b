"""The daily reassessment job (SPEC §3.1, §9): expiring conclusions, long inpatient stays, idempotence;
only for persons with an active or future entitlement (migrated beneficiaries included)."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications.services import acceptance
from ltc.assessment.applications.services import intake
from ltc.assessment.applications import jobs
from ltc.assessment.applications.services.acceptance import CannotAccept
from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.reassessment import open_reassessments
from ltc.core.audit import SYSTEM
from ltc.core.errors import ValidationFailed
from ltc.people import services as people
from ltc.people.hospital.models import HospitalStay
from ltc.people.models import PersonStatus
from ltc.entitlements import termination
from ltc.entitlements.services import grant_entitlement, shorten
from ltc.people.models import InsuredPerson
from tests.assessment_builders import ANSWERS_D, at, file, past_conclusion
from tests.conftest import NOW
from tests.entitlement_builders import grant, plain_conclusion
from tests.people_builders import person

D = date


@pytest.fixture
def c(shared_cast):
    return shared_cast


def reassessments(session) -> list[Application]:
    return list(session.scalars(select(Application).where(Application.kind == "reassessment")
                                .order_by(Application.id)))


def run(session, day: D) -> dict:
    return open_reassessments(session, today=day, actor=SYSTEM, now=at(day, 0))


def beneficiary(session, c, conclusion: Application, **kw):
    """An entitlement (home care from the month after the conclusion) resting on ``conclusion``."""
    return grant(session, session.get(InsuredPerson, conclusion.person_id), c.world.provider, care_type="home",
                 conclusion_of=conclusion, **kw)


def concluded_beneficiary(session, c, person_id: int, concluded_on: D, **kw) -> Application:
    conclusion = past_conclusion(session, person_id, concluded_on, **kw)
    beneficiary(session, c, conclusion)
    return conclusion


def stay(session, person_id, admitted, discharged, category="inpatient"):
    row = HospitalStay(person_id=person_id, hospital="市第一医院", category=category, admitted_on=admitted,
                       discharged_on=discharged)
    session.add(row)
    session.flush()
    return row


def test_a_reassessment_opens_ninety_days_before_the_conclusion_expires(session, c):
    pid = c.persons[0].id
    previous = concluded_beneficiary(session, c, pid, D(2024, 5, 15))   # valid to 2026-05-15, REF lead 90 days
    assert run(session, D(2026, 2, 13)) == {"expiry": 0, "inpatient_stay": 0}
    assert run(session, D(2026, 2, 14)) == {"expiry": 1, "inpatient_stay": 0}
    [app] = reassessments(session)
    assert (app.status, app.reassessment_reason, app.previous_id, app.person_id) == (
        "submitted", "expiry", previous.id, pid)
    assert (app.filed_by_user_id, app.filed_by_org_id, app.self_assessment) == (None, None, None)
    assert app.applicant_name == previous.applicant_name and app.submitted_on == D(2026, 2, 14)
    assert [(e.from_status, e.to_status, e.action) for e in app.events] == [(None, "submitted", "open_reassessment")]


def test_the_job_is_idempotent_even_after_the_reassessment_was_closed(session, c):
    concluded_beneficiary(session, c, c.persons[0].id, D(2024, 5, 15))
    due = at(D(2026, 3, 16), 0)
    assert jobs.reassessments(session, now=due, due_at=due) == {"opened_expiry": 1, "opened_inpatient_stay": 0}
    assert jobs.reassessments(session, now=at(D(2026, 3, 16), 1), due_at=due) == {
        "opened_expiry": 0, "opened_inpatient_stay": 0}
    [app] = reassessments(session)
    acceptance.refuse(session, app.id, actor=c.ins, now=NOW, code="other", text="本人拒绝")
    assert run(session, D(2026, 3, 20))["expiry"] == 0
    assert len(reassessments(session)) == 1


def test_a_catch_up_run_late_in_the_window_still_opens_it_once(session, c):
    concluded_beneficiary(session, c, c.persons[0].id, D(2024, 5, 15))
    assert run(session, D(2026, 5, 14))["expiry"] == 1                 # the last day before expiry
    assert run(session, D(2026, 5, 14))["expiry"] == 0
    assert run(session, D(2026, 5, 15))["expiry"] == 0                 # expired: nothing more


def test_only_persons_with_an_active_or_future_entitlement_are_reassessed(session, c):
    without = past_conclusion(session, c.persons[0].id, D(2024, 5, 15))
    ended = person(session, 2, name="孙八")
    e = beneficiary(session, c, past_conclusion(session, ended.id, D(2024, 5, 15)))
    shorten(session, e, to=D(2026, 2, 1), reason="transfer", actor=SYSTEM, now=NOW)   # ended before the run
    voided = person(session, 3, name="周九")
    v = beneficiary(session, c, past_conclusion(session, voided.id, D(2024, 5, 15)), starts_on=D(2026, 4, 1))
    termination.void(session, v, reason="death", actor=SYSTEM, now=NOW)
    future = person(session, 4, name="吴十")
    later = past_conclusion(session, future.id, D(2024, 5, 15))
    beneficiary(session, c, later, starts_on=D(2026, 4, 1))
    session.flush()
    assert run(session, D(2026, 3, 16)) == {"expiry": 1, "inpatient_stay": 0}
    assert [a.previous_id for a in reassessments(session)] == [later.id]
    assert without.id not in {a.previous_id for a in reassessments(session)}


def test_a_migrated_conclusion_is_reassessed_before_it_expires(session, c):
    pid = c.persons[0].id
    e = grant_entitlement(session, person_id=pid, level=4, care_type="institution", provider_id=c.world.provider2.id,
                          conclusion=plain_conclusion(level=4, concluded_on=D(2024, 6, 1), valid_to=D(2026, 6, 1)),
                          starts_on=D(2024, 6, 1), origin="migrated", actor=SYSTEM, now=NOW)
    assert run(session, D(2026, 3, 2)) == {"expiry": 0, "inpatient_stay": 0}
    assert run(session, D(2026, 3, 3)) == {"expiry": 1, "inpatient_stay": 0}   # 90 days before 2026-06-01
    [app] = reassessments(session)
    assert app.previous_id == e.application_id
    assert (app.preferred_care_type, app.preferred_provider_id) == ("institution", c.world.provider2.id)


def test_no_reassessment_below_the_threshold_after_expiry_or_for_a_person_not_insured(session, c):
    concluded_beneficiary(session, c, c.persons[0].id, D(2024, 5, 1), level=2)
    gone = person(session, 2, name="孙八")
    concluded_beneficiary(session, c, gone.id, D(2024, 3, 10))         # expired on 2026-03-10
    away = person(session, 3, name="周九")
    concluded_beneficiary(session, c, away.id, D(2024, 4, 1))
    people.set_status(session, away, status=PersonStatus.TRANSFERRED, valid_from=D(2026, 3, 1), actor=SYSTEM, now=NOW)
    assert run(session, D(2026, 3, 16)) == {"expiry": 0, "inpatient_stay": 0}


def test_no_reassessment_while_another_application_is_open(session, c):
    concluded_beneficiary(session, c, c.persons[0].id, D(2024, 5, 1))
    file(session, c)
    assert run(session, D(2026, 3, 16))["expiry"] == 0


def test_a_newer_conclusion_supersedes_the_expiring_one(session, c):
    concluded_beneficiary(session, c, c.persons[0].id, D(2024, 5, 1))
    past_conclusion(session, c.persons[0].id, D(2025, 11, 1))
    assert run(session, D(2026, 3, 16))["expiry"] == 0


def test_a_long_inpatient_stay_after_the_conclusion_triggers_a_reassessment_after_discharge(session, c):
    pid = c.persons[0].id
    conclusion = concluded_beneficiary(session, c, pid, D(2025, 6, 1))
    long_stay = stay(session, pid, D(2026, 1, 10), D(2026, 2, 11))     # 32 days
    assert run(session, D(2026, 3, 16)) == {"expiry": 0, "inpatient_stay": 1}
    [app] = reassessments(session)
    assert (app.reassessment_reason, app.trigger_stay_id, app.previous_id) == (
        "inpatient_stay", long_stay.id, conclusion.id)
    assert run(session, D(2026, 3, 17))["inpatient_stay"] == 0


@pytest.mark.parametrize("admitted,discharged,category", [
    (D(2026, 1, 10), D(2026, 2, 9), "inpatient"),       # exactly 30 days: not longer than 30
    (D(2026, 1, 10), None, "inpatient"),                # still in hospital
    (D(2026, 1, 10), D(2026, 3, 1), "ltc_special"),     # special-care stays are the service itself
    (D(2025, 3, 1), D(2025, 5, 20), "inpatient"),       # before the conclusion
])
def test_stays_that_do_not_trigger_a_reassessment(session, c, admitted, discharged, category):
    concluded_beneficiary(session, c, c.persons[0].id, D(2025, 6, 1))
    stay(session, c.persons[0].id, admitted, discharged, category)
    assert run(session, D(2026, 3, 16))["inpatient_stay"] == 0


def test_a_person_with_both_triggers_gets_one_reassessment(session, c):
    pid = c.persons[0].id
    concluded_beneficiary(session, c, pid, D(2024, 5, 1))
    stay(session, pid, D(2026, 1, 1), D(2026, 2, 15))
    assert sum(run(session, D(2026, 3, 16)).values()) == 1
    assert len(reassessments(session)) == 1


def test_a_reassessment_is_accepted_without_a_self_assessment_and_without_the_six_month_rule(session, c):
    """SPEC §3.1: a reassessment opened by the system has no self-assessment and skips the gate."""
    concluded_beneficiary(session, c, c.persons[0].id, D(2025, 11, 1), validity_months=6)   # valid to 2026-05-01
    run(session, D(2026, 3, 16))
    [app] = reassessments(session)
    assert app.self_assessment is None
    assert acceptance.accept(session, app.id, actor=c.ins, now=NOW).status == "accepted"


def test_a_self_assessment_recorded_on_a_reassessment_does_not_gate_it(session, c):
    concluded_beneficiary(session, c, c.persons[0].id, D(2025, 11, 1), validity_months=6)
    run(session, D(2026, 3, 16))
    [app] = reassessments(session)
    intake.record_self_assessment(session, app.id, ANSWERS_D, actor=c.ins, now=NOW)
    assert app.self_assessment.acceptable is False
    assert acceptance.accept(session, app.id, actor=c.ins, now=NOW).status == "accepted"


def test_an_initial_application_still_needs_its_self_assessment_to_be_accepted(session, c):
    app = file(session, c)
    session.delete(app.self_assessment)
    session.flush()
    session.expire(app, ["self_assessment"])
    with pytest.raises(ValidationFailed, match="请先录入自评表"):
        acceptance.accept(session, app.id, actor=c.ins, now=NOW)


def test_the_insurer_may_order_a_reassessment_only_for_a_beneficiary(session, c):
    """SPEC §3.1: reassessments only for persons with an active or future entitlement."""
    past_conclusion(session, c.persons[0].id, D(2025, 6, 1))   # concluded, never entitled
    with pytest.raises(ValidationFailed, match="重新评估只适用于"):
        file(session, c, kind="reassessment", reassessment_reason="insurer_order")
    entitled = person(session, 2, name="孙八")
    concluded_beneficiary(session, c, entitled.id, D(2025, 6, 1))
    app = file(session, c, person_id=entitled.id, kind="reassessment", reassessment_reason="insurer_order")
    assert app.kind == "reassessment"


def test_an_initial_application_so_soon_would_be_too_soon(session, c):
    past_conclusion(session, c.persons[0].id, D(2025, 11, 1))
    app = file(session, c)
    with pytest.raises(CannotAccept):
        acceptance.accept(session, app.id, actor=c.ins, now=NOW)


def test_the_six_month_rule_counts_from_a_migrated_conclusion(session, c):
    grant_entitlement(session, person_id=c.persons[0].id, level=4, care_type="home", provider_id=c.world.provider.id,
                      conclusion=plain_conclusion(level=4, concluded_on=D(2025, 11, 1), valid_to=D(2027, 11, 1)),
                      starts_on=D(2025, 12, 1), origin="migrated", actor=SYSTEM, now=NOW)
    app = file(session, c)
    with pytest.raises(CannotAccept) as refused:
        acceptance.accept(session, app.id, actor=c.ins, now=NOW)
    assert "too_soon" in refused.value.codes
