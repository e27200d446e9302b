"""Accepting and refusing applications (SPEC §3.1): every refusal code, deadlines, notices."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications.services import acceptance
from ltc.assessment.applications.services import intake
from ltc.assessment.applications.services.acceptance import CannotAccept
from ltc.core.audit import SYSTEM
from ltc.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from ltc.notices.models import Notice
from ltc.people import services as people
from ltc.people.models import PersonStatus
from tests.assessment_builders import ANSWERS_D, accepted, at, file, past_conclusion
from tests.conftest import NOW
from tests.people_builders import person
from tests.entitlement_builders import grant


@pytest.fixture
def c(shared_cast):
    return shared_cast


def notices(session, app) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.subject_type == "application",
                                                     Notice.subject_id == app.id)))


def test_acceptance_starts_the_conclusion_clock_and_issues_the_acceptance_notice(session, c):
    app = accepted(session, c)
    assert (app.status, app.accepted_on) == ("accepted", date(2026, 3, 16))
    assert app.conclusion_due_on == date(2026, 4, 28)   # 30 working days; Qingming (4–6 April) skipped
    [notice] = notices(session, app)
    assert notice.number == "ACC-2026-000001" and notice.kind == "acceptance"
    assert notice.data["conclusion_due_on"] == "2026-04-28" and notice.data["person_name"] == "李四光"
    assert [(e.from_status, e.to_status) for e in app.events] == [(None, "submitted"), ("submitted", "accepted")]


@pytest.mark.parametrize("username,error", [("ins_rev", Forbidden), ("pr_op", Forbidden), ("mia_op", Forbidden),
                                            ("ag_admin", Forbidden)])
def test_only_insurer_operators_accept(session, c, username, error):
    app = file(session, c)
    with pytest.raises(error):
        acceptance.accept(session, app.id, actor=c.actor(username), now=NOW)
    assert app.status == "submitted"


def refusal_codes(error) -> list[str]:
    return error.value.codes


def test_a_self_assessment_below_e_can_only_be_refused(session, c):
    app = file(session, c, answers=ANSWERS_D)
    with pytest.raises(CannotAccept) as caught:
        acceptance.accept(session, app.id, actor=c.ins, now=NOW)
    assert refusal_codes(caught) == ["self_assessment_below_e"]
    acceptance.refuse(session, app.id, actor=c.ins, now=NOW, code="self_assessment_below_e")
    assert (app.status, app.refusal_code) == ("refused", "self_assessment_below_e")
    [notice] = notices(session, app)
    assert notice.number.startswith("RFS-2026-") and "低于E级" in notice.data["reason_text"]


def test_a_person_not_insured_on_the_day_is_refused(session, c):
    people.set_status(session, c.persons[0], status=PersonStatus.SUSPENDED, valid_from=date(2026, 3, 1),
                      actor=c.ins, now=NOW)
    app = file(session, c)
    with pytest.raises(CannotAccept) as caught:
        acceptance.accept(session, app.id, actor=c.ins, now=NOW)
    assert refusal_codes(caught) == ["not_insured"]


def test_another_application_in_progress_is_refused(session, c):
    first = accepted(session, c)
    second = file(session, c, by="pr_op")
    with pytest.raises(CannotAccept) as caught:
        acceptance.accept(session, second.id, actor=c.ins, now=NOW)
    assert refusal_codes(caught) == ["in_progress"] and first.number in caught.value.message


def test_two_submitted_applications_the_first_accepted_blocks_the_second(session, c):
    first, second = file(session, c), file(session, c, by="pr_op")
    acceptance.accept(session, first.id, actor=c.ins, now=NOW)
    with pytest.raises(CannotAccept):
        acceptance.accept(session, second.id, actor=c.ins, now=NOW)
    acceptance.refuse(session, second.id, actor=c.ins, now=NOW, code="in_progress")
    assert second.status == "refused"


def test_less_than_six_months_after_the_last_conclusion_is_too_soon(session, c):
    past_conclusion(session, c.persons[0].id, date(2025, 9, 17))
    app = file(session, c)
    with pytest.raises(CannotAccept) as caught:
        acceptance.accept(session, app.id, actor=c.ins, now=NOW)
    assert refusal_codes(caught) == ["too_soon"]
    # on 17 March the six months are over
    assert acceptance.accept(session, app.id, actor=c.ins, now=at(date(2026, 3, 17))).status == "accepted"


def test_an_insurer_ordered_reassessment_is_not_too_soon(session, c):
    previous = past_conclusion(session, c.persons[0].id, date(2026, 1, 10))
    grant(session, c.persons[0], c.world.provider, care_type="home", conclusion_of=previous)
    app = file(session, c, kind="reassessment", reassessment_reason="follow_up")
    assert app.previous_id == previous.id
    assert acceptance.accept(session, app.id, actor=c.ins, now=NOW).status == "accepted"


def test_disability_not_declared_does_not_meet_the_conditions(session, c):
    app = file(session, c, declared=False)
    with pytest.raises(CannotAccept) as caught:
        acceptance.accept(session, app.id, actor=c.ins, now=NOW)
    assert refusal_codes(caught) == ["conditions_not_met"]


def test_several_problems_are_all_listed(session, c):
    past_conclusion(session, c.persons[0].id, date(2026, 1, 10))
    app = file(session, c, declared=False, answers=ANSWERS_D)
    with pytest.raises(CannotAccept) as caught:
        acceptance.accept(session, app.id, actor=c.ins, now=NOW)
    assert set(refusal_codes(caught)) == {"self_assessment_below_e", "too_soon", "conditions_not_met"}
    assert app.status == "submitted" and notices(session, app) == []


@pytest.mark.parametrize("code", ["not_insured", "conditions_not_met", "self_assessment_below_e",
                                  "incomplete_or_false_materials", "too_soon", "in_progress",
                                  "outside_fund_scope", "other"])
def test_every_refusal_code_refuses_with_its_wording(session, c, code):
    app = file(session, c)
    acceptance.refuse(session, app.id, actor=c.ins, now=NOW, code=code, text="材料缺少诊断证明")
    assert (app.status, app.refusal_code, app.refusal_text) == ("refused", code, "材料缺少诊断证明")
    [notice] = notices(session, app)
    assert notice.data["reason_code"] == code and notice.data["detail"] == "材料缺少诊断证明"
    assert app.events[-1].action == "refuse"


def test_other_needs_a_text_and_unknown_codes_are_refused(session, c):
    app = file(session, c)
    with pytest.raises(ValidationFailed) as caught:
        acceptance.refuse(session, app.id, actor=c.ins, now=NOW, code="other", text="  ")
    assert "text" in caught.value.fields
    with pytest.raises(ValidationFailed):
        acceptance.refuse(session, app.id, actor=c.ins, now=NOW, code="bored")
    assert app.status == "submitted" and notices(session, app) == []


def test_a_decided_application_cannot_be_decided_again(session, c):
    app = accepted(session, c)
    with pytest.raises(InvalidTransition):
        acceptance.refuse(session, app.id, actor=c.ins, now=NOW, code="other", text="x")
    with pytest.raises(InvalidTransition):
        acceptance.accept(session, app.id, actor=c.ins, now=NOW)


def test_a_stale_page_is_told_who_changed_the_application(session, c):
    app = file(session, c)
    version = app.version
    intake.record_self_assessment(session, app.id, ANSWERS_D, actor=c.ins, now=NOW)
    with pytest.raises(Conflict) as caught:
        acceptance.accept(session, app.id, actor=c.ins, now=NOW, expected_version=version)
    assert "ins_op" in caught.value.message and "2026-03-16 10:00" in caught.value.message


def test_an_insurer_outside_the_district_gets_404(session, c, world):
    from tests.builders import org, user

    other = org(session, "insurer", "另一家保险", 8, districts=["海淀区"])
    stranger = user(session, other, "ins2_op", "operator")
    app = file(session, c)
    from ltc.auth.services import actor_of

    with pytest.raises(NotFound):
        acceptance.accept(session, app.id, actor=actor_of(stranger), now=NOW)


def publish_assessment_policy(session, effective_from: date, **changes):
    """A new policy version from ``effective_from`` with the assessment parameters changed."""
    from ltc.policy.services import create_draft, policy_on, publish, update_section
    from ltc.policy.schema import to_raw

    draft = create_draft(session, actor=SYSTEM, now=NOW)
    raw = {**to_raw(policy_on(session, effective_from).section("assessment")), **changes}
    update_section(session, draft, "assessment", raw, actor=SYSTEM, now=NOW)
    return publish(session, draft, effective_from=effective_from, actor=SYSTEM, now=NOW)


def test_the_refusal_notice_reads_the_six_month_rule_from_the_policy_in_force(session, c):
    first = file(session, c)
    acceptance.refuse(session, first.id, actor=c.ins, now=NOW, code="too_soon")
    assert "未满6个月" in notices(session, first)[0].data["reason_text"]
    publish_assessment_policy(session, date(2026, 3, 1), min_months_between_assessments=9)
    second = file(session, c, person_id=person(session, 2, name="王五").id)
    acceptance.refuse(session, second.id, actor=c.ins, now=NOW, code="too_soon")
    [notice] = notices(session, second)
    assert "未满9个月" in notice.data["reason_text"] and "6个月" not in notice.data["reason_text"]


def test_outside_fund_scope_refuses_with_its_wording(session, c):
    app = file(session, c)
    acceptance.refuse(session, app.id, actor=c.ins, now=NOW, code="outside_fund_scope", text="工伤事故所致")
    assert (app.status, app.refusal_code) == ("refused", "outside_fund_scope")
    [notice] = notices(session, app)
    assert "不属于长期护理保险基金支付范围" in notice.data["reason_text"] and "工伤" in notice.data["reason_text"]
    assert notice.data["detail"] == "工伤事故所致"
