"""The joint record, co-signatures and the experts' confirmation (SPEC §3.1, §3.2)."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications.services import evaluation
from ltc.assessment.experts import services as experts
from ltc.assessment.applications.services import scheduling
from ltc.assessment.applications.models import Assessment, Confirmation
from ltc.auth.services import actor_of
from ltc.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from tests.assessment_builders import (ITEMS_BY_LEVEL, assessed, at, confirmed, declare, on_site, dispatched,
                                      scheduled)
from tests.builders import user
from tests.conftest import NOW

VISIT = date(2026, 3, 18)


@pytest.fixture
def c(shared_cast):
    return shared_cast


def enter(session, who, app, level=3, day=VISIT):
    return evaluation.enter_assessment(session, app.id, ITEMS_BY_LEVEL[level], actor=actor_of(who), now=at(day, 15))


def test_one_assessor_enters_the_other_cosigns_and_the_case_is_assessed(session, c):
    app = scheduled(session, c)
    a = c.agencies[0]
    record = enter(session, a.experts[0], app, level=5)
    assert (record.adl_total, record.cognition_total, record.perception_total) == (0, 1, 2)
    assert (record.adl_grade, record.cp_grade, record.level, record.ruleset_id) == (3, 3, 5, "CN-2021-37")
    assert record.assessed_on == VISIT and record.items == ITEMS_BY_LEVEL[5]
    assert [s.user_id for s in record.signatures] == [a.experts[0].id]
    assert app.status == "scheduled"
    evaluation.cosign(session, app.id, actor=actor_of(a.assessor), now=at(VISIT, 16))
    assert app.status == "assessed"
    assert [e.action for e in app.events][-5:] == ["schedule", "declare_recusal", "declare_recusal", "enter_assessment",
                                                 "cosign"]
    assert app.events[-1].data == {"level": 5, "ruleset": "CN-2021-37"}


def test_the_server_grading_is_stored_and_bad_items_are_named(session, c):
    app = scheduled(session, c)
    bad = ITEMS_BY_LEVEL[3] | {"feeding": 7, "vision": "4", "wings": 1}
    with pytest.raises(ValidationFailed) as caught:
        evaluation.enter_assessment(session, app.id, bad, actor=actor_of(c.agencies[0].experts[0]), now=at(VISIT))
    assert set(caught.value.fields) == {"feeding", "vision", "wings"}
    assert session.scalar(select(Assessment.id)) is None


def test_reentering_replaces_the_record_and_clears_signatures(session, c):
    app = scheduled(session, c)
    a = c.agencies[0]
    first = enter(session, a.experts[0], app, level=5)
    second = enter(session, a.assessor, app, level=2)
    assert second.id == first.id and second.level == 2 and second.entered_by == a.assessor.id
    assert [s.user_id for s in second.signatures] == [a.assessor.id]
    with pytest.raises(Conflict):       # the enterer has signed already
        evaluation.cosign(session, app.id, actor=actor_of(a.assessor), now=at(VISIT))
    evaluation.cosign(session, app.id, actor=actor_of(a.experts[0]), now=at(VISIT))
    assert app.status == "assessed" and session.get(Assessment, second.id).level == 2
    assert "reenter_assessment" in [e.action for e in app.events]


def test_only_the_on_site_assessors_enter_and_sign(session, c):
    app = scheduled(session, c)
    a, b = c.agencies[0], c.agencies[1]
    with pytest.raises(Forbidden):
        enter(session, a.experts[1], app)             # an expert of the agency, but not on site
    with pytest.raises(Forbidden):
        enter(session, a.admin, app)                  # the admin is no assessor
    with pytest.raises(NotFound):
        enter(session, b.experts[0], app)             # another agency
    enter(session, a.experts[0], app)
    with pytest.raises(Forbidden):
        evaluation.cosign(session, app.id, actor=actor_of(a.experts[2]), now=at(VISIT))


def test_nothing_is_entered_before_the_visit_date_or_without_a_record(session, c):
    app = scheduled(session, c)
    a = c.agencies[0]
    with pytest.raises(ValidationFailed):
        enter(session, a.experts[0], app, day=date(2026, 3, 17))
    with pytest.raises(Conflict):
        evaluation.cosign(session, app.id, actor=actor_of(a.assessor), now=at(VISIT))


def test_an_assessed_record_can_no_longer_be_changed(session, c):
    app = assessed(session, c)
    with pytest.raises(InvalidTransition):
        enter(session, c.agencies[0].experts[0], app)


# --- confirmation ---------------------------------------------------------------------------

def confirm(session, who, app, day=date(2026, 3, 19)):
    return evaluation.confirm(session, app.id, actor=actor_of(who), now=at(day))


def test_two_distinct_experts_confirm_one_of_them_off_site(session, c):
    app = assessed(session, c, level=3)
    a = c.agencies[0]
    confirm(session, a.experts[0], app)               # on site
    assert app.status == "assessed"
    confirm(session, a.experts[1], app)               # off site
    assert (app.confirmed_on, app.level) == (date(2026, 3, 19), 3)
    assert [(e.from_status, e.to_status) for e in app.events][-2:] == [("assessed", "confirmed"),
                                                                        ("confirmed", "publicized")]
    rows = session.scalars(select(Confirmation).order_by(Confirmation.id)).all()
    assert [(r.user_id, r.on_site) for r in rows] == [(a.experts[0].id, True), (a.experts[1].id, False)]


def test_the_same_expert_cannot_confirm_twice(session, c):
    app = assessed(session, c)
    confirm(session, c.agencies[0].experts[1], app)
    with pytest.raises(Conflict):
        confirm(session, c.agencies[0].experts[1], app)
    assert app.status == "assessed"


def test_two_on_site_experts_cannot_both_confirm(session, c):
    a = c.agencies[0]
    app = _two_experts_on_site(session, c)
    confirm(session, a.experts[0], app)
    with pytest.raises(Forbidden) as caught:
        confirm(session, a.experts[1], app)
    assert "未参与现场评估" in caught.value.message
    confirm(session, a.experts[2], app)
    assert app.status == "publicized"


def _two_experts_on_site(session, c):
    a = c.agencies[0]
    app = dispatched(session, c)
    scheduling.schedule(session, app.id, actor=actor_of(a.admin), now=NOW, visit_on=VISIT,
                        assessors=on_site(a.experts[0], a.experts[1]))
    declare(session, app, a.experts[0], a.experts[1])
    enter(session, a.experts[0], app)
    evaluation.cosign(session, app.id, actor=actor_of(a.experts[1]), now=at(VISIT))
    return app


def test_a_non_expert_cannot_confirm(session, c):
    app = assessed(session, c)
    with pytest.raises(Forbidden):
        confirm(session, c.agencies[0].assessor, app)


def test_an_expired_certificate_does_not_confirm(session, c):
    a = c.agencies[0]
    late = user(session, a.org, "ag1_old", "assessor")
    experts.add_certificate(session, user=late, certificate_no="ZJ-OLD", valid_from=date(2024, 1, 1),
                            valid_to=date(2026, 3, 19), actor=c.ins, now=NOW)
    app = assessed(session, c)
    with pytest.raises(Forbidden) as caught:
        confirm(session, late, app)
    assert "2026-03-19" in caught.value.message
    assert confirm(session, late, app, day=date(2026, 3, 18)).status == "assessed"   # still valid the day before


def test_another_agencys_expert_cannot_confirm(session, c):
    app = assessed(session, c)
    with pytest.raises(NotFound):
        confirm(session, c.agencies[1].experts[0], app)
    assert session.scalar(select(Confirmation.id)) is None


def test_confirmation_before_assessment_is_refused(session, c):
    app = scheduled(session, c)
    with pytest.raises(InvalidTransition):
        confirm(session, c.agencies[0].experts[1], app)


def test_the_builder_confirms_with_two_off_site_experts(session, c):
    assert confirmed(session, c, level=2).status == "concluded"
