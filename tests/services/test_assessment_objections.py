"""Objections and the 复评 (SPEC §3.1): time limits, another agency and other assessors, the
child's level replacing the parent's, the paused SLA clock."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications.services import evaluation
from ltc.assessment.applications.services import objections
from ltc.assessment.applications.services import scheduling
from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.conclusion import record_finality
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM
from ltc.core.calendar import add_working_days, working_days_between
from ltc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ltc.notices.models import Notice
from ltc.orgs.services import set_status
from tests.assessment_builders import ITEMS_BY_LEVEL, at, confirmed, declare, file, on_site
from tests.assessment_builders import past_conclusion
from tests.entitlement_builders import grant

D = date


@pytest.fixture
def c(shared_cast):
    return shared_cast


def object_to(session, c, app, day, who="ins_op", reason="家属认为评估等级偏低"):
    return objections.object_to(session, app.id, actor=c.actor(who), now=at(day), reason=reason)


def conclude_job(session, day: D) -> int:
    return record_finality(session, today=day, actor=SYSTEM, now=at(day, 0))


def agency_index(c, child) -> int:
    return [a.org.id for a in c.agencies].index(child.agency_id)


def run_review(session, c, child, *, level: int, visit_on: D, confirm_on: D):
    """The other agency schedules, assesses and confirms the 复评."""
    a = c.agencies[agency_index(c, child)]
    scheduling.schedule(session, child.id, actor=actor_of(a.admin), now=at(child.dispatched_on), visit_on=visit_on,
                        assessors=on_site(a.experts[0], a.assessor))
    declare(session, child, a.experts[0], a.assessor, now=at(child.dispatched_on))
    evaluation.enter_assessment(session, child.id, ITEMS_BY_LEVEL[level], actor=actor_of(a.experts[0]),
                                now=at(visit_on, 15))
    evaluation.cosign(session, child.id, actor=actor_of(a.assessor), now=at(visit_on, 16))
    evaluation.confirm(session, child.id, actor=actor_of(a.experts[1]), now=at(confirm_on))
    return evaluation.confirm(session, child.id, actor=actor_of(a.experts[2]), now=at(confirm_on, 11))


def test_an_objection_during_publicity_starts_a_review_by_another_agency(session, c):
    parent = confirmed(session, c, level=3)                     # publicity 20–26 March at agency 0
    child = object_to(session, c, parent, D(2026, 3, 23))
    assert (parent.status, parent.paused_since) == ("objected", D(2026, 3, 23))
    assert (child.kind, child.parent_id, child.status) == ("review", parent.id, "dispatched")
    assert child.agency_id != parent.agency_id and child.agency_id in {a.org.id for a in c.agencies[1:]}
    assert str(parent.agency_id) not in child.events[-1].data["loads"]
    assert [e.action for e in child.events] == ["open_review", "accept_review", "dispatch"]
    assert (child.applicant_name, child.self_assessment.grade) == (parent.applicant_name, "E")
    assert parent.events[-1].reason == "家属认为评估等级偏低"


def test_the_review_is_due_ten_working_days_after_it_starts_to_its_visit(session, c):
    parent = confirmed(session, c, level=3)
    child = object_to(session, c, parent, D(2026, 3, 23))
    assert (child.accepted_on, child.conclusion_due_on) == (D(2026, 3, 23),
                                                            add_working_days(session, D(2026, 3, 23), 10))


def test_the_review_is_not_publicized_and_is_final_on_confirmation(session, c):
    parent = confirmed(session, c, level=3)                     # concluded 19 March
    due_before = parent.conclusion_due_on
    child = object_to(session, c, parent, D(2026, 3, 23))
    run_review(session, c, child, level=5, visit_on=D(2026, 3, 25), confirm_on=D(2026, 3, 26))
    assert (child.status, child.publicity_start, child.concluded_on, child.final_on) == (
        "concluded", None, D(2026, 3, 26), D(2026, 3, 26))
    assert "publicized" not in [e.to_status for e in child.events]
    with pytest.raises(Conflict):                              # no objection to a 复评
        object_to(session, c, child, D(2026, 3, 27))
    # the 复评's level and validity replace the parent's; the parent keeps its conclusion date
    assert (parent.status, parent.level, parent.concluded_on, parent.final_on) == (
        "concluded", 5, D(2026, 3, 19), D(2026, 3, 26))
    assert (parent.valid_from, parent.valid_to) == (D(2026, 3, 26), D(2028, 3, 26))
    paused = working_days_between(session, D(2026, 3, 23), D(2026, 3, 26))
    assert (parent.paused_days, parent.paused_since) == (paused, None)
    assert parent.conclusion_due_on == add_working_days(session, due_before, paused)
    assert parent.events[-1].action == "conclude_by_review" and parent.events[-1].data["review_id"] == child.id
    notices = session.scalars(select(Notice).where(Notice.kind == "conclusion").order_by(Notice.id)).all()
    assert [n.subject_id for n in notices] == [parent.id, child.id] and notices[1].data["is_review"] is True
    assert notices[1].data["objection_until"] is None
    with pytest.raises(Conflict):                              # the replaced conclusion is final too
        object_to(session, c, parent, D(2026, 3, 26))
    assert conclude_job(session, D(2026, 3, 27)) == 0          # nothing left for the daily job


def test_a_conclusion_below_the_threshold_can_be_objected_within_five_working_days(session, c):
    parent = confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))   # concluded 19 March
    assert objections.objection_deadline(session, parent) == D(2026, 3, 26)
    child = object_to(session, c, parent, D(2026, 3, 26))
    assert parent.status == "objected"
    assert conclude_job(session, D(2026, 3, 27)) == 0          # not final while the objection is pending
    run_review(session, c, child, level=2, visit_on=D(2026, 3, 27), confirm_on=D(2026, 3, 30))
    assert (child.status, parent.status, parent.level) == ("concluded", "concluded", 2)
    assert (parent.concluded_on, parent.final_on, parent.valid_from) == (D(2026, 3, 19), D(2026, 3, 30),
                                                                         D(2026, 3, 30))


def test_an_objection_out_of_time_is_refused(session, c):
    below = confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))
    with pytest.raises(Conflict) as caught:
        object_to(session, c, below, D(2026, 3, 27))
    assert "2026-03-26" in caught.value.message and below.status == "concluded"


def test_a_final_conclusion_cannot_be_objected(session, c):
    app = confirmed(session, c, level=3)
    conclude_job(session, D(2026, 3, 27))
    with pytest.raises(Conflict):
        object_to(session, c, app, D(2026, 3, 27))


def test_an_objection_needs_a_reason_and_the_right_party(session, c):
    app = confirmed(session, c, level=3)
    with pytest.raises(ValidationFailed):
        object_to(session, c, app, D(2026, 3, 23), reason=" ")
    with pytest.raises(NotFound):
        object_to(session, c, app, D(2026, 3, 23), who="pr_op")      # did not file it
    with pytest.raises(Forbidden):
        object_to(session, c, app, D(2026, 3, 23), who="ins_rev")
    assert app.status == "publicized"


def test_the_filing_provider_may_object(session, c):
    app = confirmed(session, c, level=3, by="pr_op")
    child = object_to(session, c, app, D(2026, 3, 23), who="pr_op")
    assert child.filed_by_org_id == c.world.provider.id


def test_without_another_active_agency_the_objection_is_refused(session, c):
    app = confirmed(session, c, level=3)
    for a in c.agencies[1:]:
        set_status(session, a.org, actor=SYSTEM, now=at(D(2026, 3, 20)), status="suspended", valid_from=D(2026, 3, 20))
    with pytest.raises(Conflict):
        object_to(session, c, app, D(2026, 3, 23))
    assert app.status == "publicized"
    assert session.scalar(select(Application.id).where(Application.kind == "review")) is None


def test_the_review_excludes_the_first_assessors_even_after_they_moved(session, c):
    parent = confirmed(session, c, level=3)
    child = object_to(session, c, parent, D(2026, 3, 23))
    first = c.agencies[0]
    other = c.agencies[agency_index(c, child)]
    for moved in (first.experts[0], first.experts[1]):        # on site, and a confirming expert
        moved.org_id = other.org.id
    session.flush()
    for moved in (first.experts[0], first.experts[1]):
        with pytest.raises(ValidationFailed) as caught:
            scheduling.schedule(session, child.id, actor=actor_of(other.admin), now=at(D(2026, 3, 23)),
                                visit_on=D(2026, 3, 25), assessors=on_site(moved, other.experts[0]))
        assert "回避" in caught.value.message
    assert scheduling.schedule(session, child.id, actor=actor_of(other.admin), now=at(D(2026, 3, 23)),
                               visit_on=D(2026, 3, 25),
                               assessors=on_site(other.experts[0], other.assessor)).status == "scheduled"


def test_the_first_agency_sees_the_review_but_cannot_schedule_it(session, c):
    parent = confirmed(session, c, level=3)
    child = object_to(session, c, parent, D(2026, 3, 23))
    first = c.agencies[0]
    with pytest.raises(Forbidden):
        scheduling.schedule(session, child.id, actor=actor_of(first.admin), now=at(D(2026, 3, 23)),
                            visit_on=D(2026, 3, 25), assessors=on_site(first.experts[0], first.assessor))


def test_no_objection_while_another_application_of_the_person_is_in_process(session, c):
    from ltc.assessment.applications.services import acceptance

    grant(session, c.persons[0], c.world.provider, care_type="home",
          conclusion_of=past_conclusion(session, c.persons[0].id, D(2024, 6, 1)))   # ordered only for beneficiaries
    below = confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))
    ordered = file(session, c, kind="reassessment", reassessment_reason="insurer_order", now=at(D(2026, 3, 20)))
    acceptance.accept(session, ordered.id, actor=c.ins, now=at(D(2026, 3, 20)))
    with pytest.raises(Conflict) as caught:
        object_to(session, c, below, D(2026, 3, 23))
    assert str(ordered.id) in caught.value.message and below.status == "concluded"
