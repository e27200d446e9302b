"""The four-party entitlement review (SPEC §4.2) on the review engine."""
from datetime import date, datetime, timedelta, timezone, time

import pytest
from sqlalchemy import select

from ltc.assessment.applications.events import ConclusionFinal
from ltc.assessment.applications.services import conclusion
from ltc.auth.scope import scoped
from ltc.core import events
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, Forbidden, ValidationFailed
from ltc.entitlements.models import Entitlement
from ltc.entitlements.models import EntitlementRequest
from ltc.entitlements.opening import replaced_entitlement, request_entitlement
from ltc.entitlements.subject import step_checks
from ltc.entitlements.services import active_on, grant_entitlement
from ltc.notices.models import Notice
from ltc.notices.rendering import render_pending, using
from ltc.notices.services import take_issued
from ltc.people import services as people
from ltc.people.models import InsuredPerson
from ltc.providers.care_plans.services import VisitTypeInput
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase, ReviewStage
from ltc.reviews.queries import trail
from tests import assessment_builders as ab
from tests.builders import user
from tests.conftest import NOW
from tests.review_builders import (INSTITUTION_VISITS, approve_through, concluded, home_provider, opened, plan_for)
from tests.services.test_notices import pdf_text


@pytest.fixture
def r(shared_review):
    return shared_review


@pytest.mark.usefixtures("real_pdf")  # the entitlement notice rendered by WeasyPrint after the commit
def test_four_parties_with_a_return_grant_the_entitlement(session, r):
    request, case = opened(session, r)                      # concluded 2026-03-10, home care
    assert (request.kind, request.status, case.step_code) == ("initial", "open", "provider")
    plan = plan_for(session, request)
    approve_through(session, r, case, "provider", "agency")
    engine.decide(session, case, DecisionInput("return", "FACTS", "参保类别待核实"), actor=r.actor("insurer"), now=NOW)
    assert (case.step_code, case.round) == ("agency", 2)
    approve_through(session, r, case, "agency", "insurer", "mia")
    assert case.status == "completed" and request.status == "granted"
    granted = session.get(Entitlement, request.entitlement_id)
    # home: the 1st of the month after the conclusion month; to the conclusion's validity end
    assert (granted.valid_from, granted.valid_to, granted.end_reason) == (date(2026, 4, 1), date(2028, 3, 10), "expiry")
    assert (granted.level, granted.care_type, granted.provider_id, granted.care_plan_id) == (
        4, "home", r.c.world.provider.id, plan.id)
    assert plan.status == "final"
    notice = session.scalars(select(Notice).where(Notice.kind == "entitlement")).one()
    assert dict(map(tuple, notice.data["benefit_lines"]))["基金支付比例"] == "90%"   # home, employee
    assert notice.data["plan_version"] == "第 1 版" and notice.data["level_name"] == "重度失能Ⅱ级"
    assert notice.is_pending                                 # numbered in the business transaction
    session.commit()
    assert render_pending(using(session), take_issued(session)).issued == [notice.number]
    assert "待遇核定通知书" in pdf_text(notice.content) and notice.status == "issued"
    assert [[v.step_code for v in rnd.stages] for rnd in trail(session, case)] == [
        ["provider", "agency", "insurer"], ["agency", "insurer", "mia"]]


def test_institution_care_starts_on_the_first_of_the_conclusion_month(session, r):
    request, case = opened(session, r, care_type="institution", provider_id=r.c.world.provider2.id)
    plan_for(session, request, visits=[VisitTypeInput("日常照护", 7, "week", 30, ("SH01",), start_time=time(9, 0))])
    r.deciders["provider"] = Actor(None, r.c.world.provider2.id, "pr2_rev")
    approve_through(session, r, case, "provider", "agency", "insurer", "mia")
    assert session.get(Entitlement, request.entitlement_id).valid_from == date(2026, 3, 1)


def test_step_one_needs_a_passing_care_plan(session, r):
    request, case = opened(session, r)
    with pytest.raises(ValidationFailed, match="护理计划未制定"):
        engine.decide(session, case, DecisionInput("approve"), actor=r.actor("provider"), now=NOW)
    # 6 two-hour visits a week = 26 visits × 2 h = 52 h > 21 h for level 4
    plan_for(session, request, visits=[VisitTypeInput("长时照护", 6, "week", 120, ("SH01",), start_time=time(9, 0))])
    with pytest.raises(ValidationFailed, match="护理计划"):
        engine.decide(session, case, DecisionInput("approve"), actor=r.actor("provider"), now=NOW)
    plan_for(session, request)
    approve_through(session, r, case, "provider")
    assert case.step_code == "agency"


def test_decline_at_step_one_then_the_insurer_opens_another_choice(session, r):
    request, case = opened(session, r)
    engine.decide(session, case, DecisionInput("decline", "CAPACITY", "护理员已满"), actor=r.actor("provider"),
                  now=NOW)
    assert (case.status, request.status) == ("declined", "declined")
    app = session.get(ab.Application, request.application_id)
    second = request_entitlement(session, app, care_type="institution", provider_id=r.c.world.provider2.id,
                                 actor=r.c.ins, now=NOW)
    assert second.status == "open" and (
        session.get(ReviewCase, second.case_id).owners["provider"] == r.c.world.provider2.id)


@pytest.mark.parametrize("step", ["insurer", "mia"])
def test_the_insurer_and_the_mia_may_reject(session, r, step):
    request, case = opened(session, r)
    plan_for(session, request)
    approve_through(session, r, case, *["provider", "agency", "insurer", "mia"][:["insurer", "mia"].index(step) + 2])
    engine.decide(session, case, DecisionInput("reject", "INSURANCE"), actor=r.actor(step), now=NOW)
    assert (case.status, request.status, request.entitlement_id) == ("rejected", "rejected", None)
    assert session.scalar(select(Entitlement.id)) is None


@pytest.mark.parametrize("step, decision", [("provider", "return"), ("provider", "reject"), ("agency", "decline"),
                                            ("agency", "reject"), ("insurer", "decline"), ("mia", "decline")])
def test_decisions_a_step_does_not_allow(session, r, step, decision):
    request, case = opened(session, r)
    plan_for(session, request)
    steps = ["provider", "agency", "insurer", "mia"]
    approve_through(session, r, case, *steps[:steps.index(step)])
    reason = {"return": "DOCS", "reject": "INSURANCE", "decline": "CAPACITY"}[decision]
    with pytest.raises(ValidationFailed):
        engine.decide(session, case, DecisionInput(decision, reason, "x"), actor=r.actor(step), now=NOW)
    assert case.step_code == step


def test_returns_from_each_step_go_to_the_previous_one(session, r):
    request, case = opened(session, r)
    plan_for(session, request)
    approve_through(session, r, case, "provider", "agency")
    engine.decide(session, case, DecisionInput("return", "DOCS", "补充"), actor=r.actor("insurer"), now=NOW)
    engine.decide(session, case, DecisionInput("return", "PLAN", "计划需调整"), actor=r.actor("agency"), now=NOW)
    assert (case.step_code, case.round) == ("provider", 3)
    approve_through(session, r, case, "provider", "agency", "insurer")
    engine.decide(session, case, DecisionInput("return", "FACTS", "核对"), actor=r.actor("mia"), now=NOW)
    assert (case.step_code, case.round) == ("insurer", 4)
    approve_through(session, r, case, "insurer", "mia")
    assert case.status == "completed"


def test_no_party_acts_out_of_turn_or_on_another_organisations_case(session, r):
    request, case = opened(session, r)
    plan_for(session, request)
    other_provider = Actor(None, r.c.world.provider2.id, "pr2_rev")
    other_agency = Actor(None, r.c.agencies[1].org.id, "ag2")
    for actor in (r.actor("agency"), r.actor("insurer"), r.actor("mia"), other_provider):
        with pytest.raises(Forbidden):
            engine.decide(session, case, DecisionInput("approve"), actor=actor, now=NOW)
    approve_through(session, r, case, "provider")
    for actor in (r.actor("provider"), other_agency):
        with pytest.raises(Forbidden):
            engine.decide(session, case, DecisionInput("approve"), actor=actor, now=NOW)
    assert case.step_code == "agency"


def test_sla_is_three_working_days_across_a_holiday(session, r):
    qingming_eve = datetime(2026, 4, 2, 2, 0, tzinfo=timezone.utc)   # Thursday; 4–6 April off
    request, case = opened(session, r, now=qingming_eve)
    stage = session.scalars(select(ReviewStage).where(ReviewStage.case_id == case.id)).one()
    assert (stage.entered_on, stage.due_on) == (date(2026, 4, 2), date(2026, 4, 8))


def test_a_final_conclusion_opens_the_review_automatically(session, r):
    app = ab.confirmed(session, r.c, level=5, care_type="home", provider_id=r.c.world.provider.id)
    assert app.status == "publicized"
    assert session.scalar(select(EntitlementRequest.id)) is None
    day_after = app.publicity_end + timedelta(days=1)
    conclusion.record_finality(session, today=day_after, actor=ab.SYSTEM, now=ab.at(day_after))
    request = session.scalars(select(EntitlementRequest)).one()
    assert (request.status, request.application_id, request.agency_id) == ("open", app.id, r.c.agencies[0].org.id)
    assert request.trigger_date == app.concluded_on == app.confirmed_on
    assert session.get(ReviewCase, request.case_id).owners == {
        "provider": r.c.world.provider.id, "agency": r.c.agencies[0].org.id, "insurer": r.c.world.insurer.id,
        "mia": r.c.world.mia.id}


def test_no_case_when_the_level_is_not_allowed_for_the_care_type(session, r):
    app = concluded(session, r, level=3, care_type="special")
    events.publish(session, ConclusionFinal(application=app, actor=ab.SYSTEM, now=NOW))
    request = session.scalars(select(EntitlementRequest)).one()
    assert request.status == "not_opened" and request.case_id is None
    assert "最低 4 级" in request.reason
    below = concluded(session, r, level=2, person_id=ab.person(session, 2, name="王二").id)
    events.publish(session, ConclusionFinal(application=below, actor=ab.SYSTEM, now=NOW))
    assert session.scalar(select(EntitlementRequest.id).where(EntitlementRequest.application_id == below.id)) is None


def test_a_change_case_replaces_the_active_entitlement_from_the_first_of_the_next_month(session, r):
    old_app = concluded(session, r, level=3, concluded_on=date(2025, 6, 10))
    old = grant_entitlement(session, person_id=old_app.person_id, level=3, care_type="home",
                            provider_id=r.c.world.provider.id, conclusion=old_app, starts_on=date(2025, 7, 1),
                            actor=r.c.ins, now=NOW)
    request, case = opened(session, r, level=5, concluded_on=date(2026, 3, 10))
    assert (request.kind, request.replaces_id) == ("change", old.id)
    plan_for(session, request)
    checks = {c.code: c for c in step_checks(session, case, "provider", date(2026, 3, 16))}
    assert checks["no_other"].passed  # the replaced entitlement is ignored
    approve_through(session, r, case, "provider", "agency", "insurer", "mia")
    new = session.get(Entitlement, request.entitlement_id)
    assert (new.valid_from, new.level) == (date(2026, 4, 1), 5)
    assert (old.valid_to, old.end_reason, old.replaced_by_id) == (date(2026, 4, 1), "change", new.id)


def test_a_reassessment_without_preferences_keeps_the_current_care_type_and_provider(session, r):
    old_app = concluded(session, r, level=3, concluded_on=date(2025, 6, 10))
    old = grant_entitlement(session, person_id=old_app.person_id, level=3, care_type="home",
                            provider_id=r.c.world.provider.id, conclusion=old_app, starts_on=date(2025, 7, 1),
                            actor=r.c.ins, now=NOW)
    app = concluded(session, r, level=4, care_type=None, concluded_on=date(2026, 3, 10))
    app.preferred_provider_id = None
    events.publish(session, ConclusionFinal(application=app, actor=ab.SYSTEM, now=NOW))
    request = session.scalars(select(EntitlementRequest).where(EntitlementRequest.application_id == app.id)).one()
    assert (request.status, request.kind, request.care_type, request.provider_id, request.replaces_id) == (
        "open", "change", "home", r.c.world.provider.id, old.id)


def test_the_insurer_changes_care_type_and_provider_from_the_month_after_the_request(session, r):
    app = concluded(session, r, level=4, concluded_on=date(2025, 12, 10))
    old = grant_entitlement(session, person_id=app.person_id, level=4, care_type="home",
                            provider_id=r.c.world.provider.id, conclusion=app, starts_on=date(2026, 1, 1),
                            actor=r.c.ins, now=NOW)
    request = request_entitlement(session, app, care_type="institution", provider_id=r.c.world.provider2.id,
                                  actor=r.c.ins, now=NOW)                       # requested 2026-03-16
    assert (request.kind, request.replaces_id, request.trigger_date) == ("change", old.id, date(2026, 3, 16))
    case = session.get(ReviewCase, request.case_id)
    plan_for(session, request, visits=[VisitTypeInput("日常照护", 7, "week", 30, ("SH01",), start_time=time(9, 0))])
    r.deciders["provider"] = Actor(None, r.c.world.provider2.id, "pr2_rev")
    approve_through(session, r, case, "provider", "agency", "insurer", "mia")
    new = session.get(Entitlement, request.entitlement_id)
    assert (new.valid_from, new.care_type, new.provider_id) == (date(2026, 4, 1), "institution", r.c.world.provider2.id)
    assert (old.valid_to, old.end_reason) == (date(2026, 4, 1), "change")


def test_one_open_request_per_person(session, r):
    request, _ = opened(session, r)
    app = session.get(ab.Application, request.application_id)
    with pytest.raises(Conflict):
        request_entitlement(session, app, care_type="home", provider_id=r.c.world.provider.id, actor=r.c.ins, now=NOW)


def test_death_cancels_the_open_case(session, r):
    request, case = opened(session, r)
    person = session.get(InsuredPerson, request.person_id)
    people.record_death(session, person, death_date=date(2026, 3, 14), actor=r.c.ins, now=NOW)
    assert (case.status, request.status) == ("cancelled", "cancelled")
    assert "死亡" in case.close_reason


def test_checks_show_bed_capacity_and_the_benefit_sheet(session, r):
    request, case = opened(session, r, care_type="institution", provider_id=r.c.world.provider2.id)
    provider = {c.code: c for c in step_checks(session, case, "provider", date(2026, 3, 16))}
    assert provider["capacity"].passed and "核定床位 60 张" in provider["capacity"].text
    assert provider["agreement"].passed
    assert provider["plan"].passed is False
    insurer = {c.code: c for c in step_checks(session, case, "insurer", date(2026, 3, 16))}
    assert insurer["insurance"].passed and insurer["benefits"].passed is not None
    assert "75%" in insurer["benefits"].detail or "75" in insurer["benefits"].detail


def test_cases_are_scoped_to_their_parties(session, r):
    request, case = opened(session, r)
    w = r.c.world
    seen = {}
    for name, org in (("mia", w.mia), ("insurer", w.insurer), ("agency", w.agency), ("provider", w.provider),
                      ("provider2", w.provider2), ("agency2", r.c.agencies[1].org)):
        u = user(session, org, f"scope_{name}", "reviewer")
        seen[name] = session.scalar(scoped(select(ReviewCase.id), ReviewCase, u)) == case.id
    assert seen == {"mia": True, "insurer": True, "agency": True, "provider": True, "provider2": False,
                    "agency2": False}


def test_the_provider_named_on_a_request_sees_the_person(session, r):
    from ltc.people.models import InsuredPerson as P
    app = concluded(session, r, care_type="institution", provider_id=r.c.world.provider2.id)
    pr2 = r.c.world.users["pr2_op"]
    visible = lambda: session.scalar(scoped(select(P.id).where(P.id == app.person_id), P, pr2))
    assert visible() is None
    request_entitlement(session, app, care_type="institution", provider_id=r.c.world.provider2.id,
                        actor=r.c.ins, now=NOW)
    assert visible() == app.person_id


def test_each_plan_version_is_a_subject_revision_recorded_on_later_events(session, r):
    from ltc.reviews.models import ReviewEvent
    request, case = opened(session, r)
    plan_for(session, request)
    approve_through(session, r, case, "provider", "agency")
    engine.decide(session, case, DecisionInput("return", "PLAN", "每周增加一次助浴"), actor=r.actor("insurer"),
                  now=NOW)
    engine.decide(session, case, DecisionInput("return", "PLAN", "请护理机构调整"), actor=r.actor("agency"), now=NOW)
    second = plan_for(session, request)
    assert (case.subject_revision, request.care_plan_id) == (3, second.id)
    approve_through(session, r, case, "provider")
    events = session.execute(select(ReviewEvent.action, ReviewEvent.subject_revision)
                             .where(ReviewEvent.case_id == case.id).order_by(ReviewEvent.id)).all()
    assert events == [("opened", 1), ("revised", 2), ("approve", 2), ("approve", 2), ("return", 2), ("return", 2),
                      ("revised", 3), ("approve", 3)]


# --- renewals and changes without gaps or overlaps (revised SPEC §4.2) ----------------------

def _granted(session, r, *, level, care_type, provider, concluded_on, starts_on):
    app = concluded(session, r, level=level, concluded_on=concluded_on, care_type=care_type, provider_id=provider.id)
    return grant_entitlement(session, person_id=app.person_id, level=level, care_type=care_type,
                             provider_id=provider.id, conclusion=app, starts_on=starts_on, actor=r.c.ins, now=NOW)


def _reassessment(session, r, *, level, concluded_on, opened_on):
    """A reassessment the daily job opened on ``opened_on`` (no stated choice), concluded on ``concluded_on``."""
    app = concluded(session, r, level=level, care_type=None, concluded_on=concluded_on)
    app.kind, app.preferred_provider_id, app.submitted_on = "reassessment", None, opened_on
    session.flush()
    return app


def _request_of(session, app):
    return session.scalars(select(EntitlementRequest).where(EntitlementRequest.application_id == app.id)).one()


def test_a_late_renewal_of_institution_care_starts_the_day_the_old_one_ended(session, r):
    nursing_home = r.c.world.provider2
    old = _granted(session, r, level=4, care_type="institution", provider=nursing_home,
                   concluded_on=date(2024, 3, 10), starts_on=date(2024, 3, 1))       # ends 2026-03-10
    request, case = opened(session, r, care_type="institution", provider_id=nursing_home.id,
                           concluded_on=date(2026, 3, 12))                            # applied after it expired
    assert (request.kind, request.replaces_id) == ("initial", None)   # a first entitlement after a lapse
    plan_for(session, request, visits=INSTITUTION_VISITS)
    r.deciders["provider"] = Actor(None, nursing_home.id, "pr2_rev")
    assert {c.code: c for c in step_checks(session, case, "mia", date(2026, 3, 16))}["no_other"].passed
    approve_through(session, r, case, "provider", "agency", "insurer", "mia")
    new = session.get(Entitlement, request.entitlement_id)
    # not the 1st of the conclusion month, which the old entitlement still covered
    assert (new.valid_from, new.valid_to) == (date(2026, 3, 10), date(2028, 3, 12))
    assert (old.valid_to, old.end_reason) == (date(2026, 3, 10), "expiry")


@pytest.mark.parametrize("concluded_on, start, old_end, old_reason", [
    (date(2026, 3, 5), date(2026, 3, 15), date(2026, 3, 15), "expiry"),   # the old end first: no gap 15–31 March
    (date(2026, 2, 10), date(2026, 3, 1), date(2026, 3, 1), "change"),    # the 1st of the next month first
])
def test_an_on_time_renewal_starts_at_the_earlier_of_the_next_month_and_the_old_end(session, r, concluded_on, start,
                                                                                  old_end, old_reason):
    old = _granted(session, r, level=4, care_type="home", provider=r.c.world.provider,
                   concluded_on=date(2024, 3, 15), starts_on=date(2024, 4, 1))        # ends 2026-03-15
    request, case = opened(session, r, level=5, concluded_on=concluded_on)
    assert (request.kind, request.replaces_id) == ("change", old.id)
    plan_for(session, request)
    approve_through(session, r, case, "provider", "agency", "insurer", "mia")
    new = session.get(Entitlement, request.entitlement_id)
    assert (new.valid_from, new.level, request.starts_on) == (start, 5, start)
    assert (old.valid_to, old.end_reason, old.replaced_by_id) == (old_end, old_reason, new.id)
    covered = {day: e.id for day in (old_end - timedelta(days=1), old_end, date(2026, 3, 31))
               if (e := active_on(session, old.person_id, day))}
    assert covered == {old_end - timedelta(days=1): old.id, old_end: new.id, date(2026, 3, 31): new.id}


def test_a_reassessment_opened_while_active_but_concluded_after_the_end_is_a_change_case(session, r):
    old = _granted(session, r, level=3, care_type="home", provider=r.c.world.provider,
                   concluded_on=date(2024, 3, 10), starts_on=date(2024, 4, 1))        # ends 2026-03-10
    app = _reassessment(session, r, level=4, concluded_on=date(2026, 3, 12), opened_on=date(2025, 12, 10))
    events.publish(session, ConclusionFinal(application=app, actor=ab.SYSTEM, now=NOW))
    request = _request_of(session, app)
    # a change case keeping the current care type and provider, though nothing is active any more
    assert (request.status, request.kind, request.replaces_id, request.care_type, request.provider_id) == (
        "open", "change", old.id, "home", r.c.world.provider.id)
    plan_for(session, request)
    approve_through(session, r, session.get(ReviewCase, request.case_id), "provider", "agency", "insurer", "mia")
    new = session.get(Entitlement, request.entitlement_id)
    assert (new.valid_from, new.level, old.valid_to, old.replaced_by_id) == (date(2026, 3, 10), 4, date(2026, 3, 10),
                                                                           new.id)


def test_an_application_filed_after_the_end_is_a_first_entitlement_after_a_lapse(session, r):
    old = _granted(session, r, level=3, care_type="home", provider=r.c.world.provider,
                   concluded_on=date(2024, 3, 10), starts_on=date(2024, 4, 1))        # ends 2026-03-10
    request, case = opened(session, r, level=4, concluded_on=date(2026, 3, 12))    # filed by the person, late
    assert (request.kind, request.replaces_id) == ("initial", None)
    plan_for(session, request)
    approve_through(session, r, case, "provider", "agency", "insurer", "mia")
    assert session.get(Entitlement, request.entitlement_id).valid_from == date(2026, 4, 1)
    assert old.replaced_by_id is None


def test_a_change_of_provider_after_the_old_end_is_bridged_at_the_new_level(session, r):
    home, other = r.c.world.provider, home_provider(session, r)
    old = _granted(session, r, level=3, care_type="home", provider=home,
                   concluded_on=date(2024, 3, 10), starts_on=date(2024, 4, 1))        # ends 2026-03-10
    app = _reassessment(session, r, level=4, concluded_on=date(2026, 3, 12), opened_on=date(2025, 12, 10))
    app.preferred_care_type, app.preferred_provider_id = "home", other.id    # the person asks for another provider
    events.publish(session, ConclusionFinal(application=app, actor=ab.SYSTEM, now=NOW))
    request = _request_of(session, app)
    assert (request.kind, request.replaces_id, request.provider_id) == ("change", old.id, other.id)
    plan_for(session, request)
    r.deciders["provider"] = r.actor("provider3")
    case = session.get(ReviewCase, request.case_id)
    approve_through(session, r, case, "provider", "agency", "insurer")
    shown = {c.code: c for c in step_checks(session, case, "mia", date(2026, 3, 16))}
    assert shown["dates"].text.startswith("2026-03-10 起至 2026-04-01（不含）原居家上门护理按 4 级过渡；"
                                            "2026-04-01 起至 2028-03-12（不含）")
    approve_through(session, r, case, "mia")
    new = session.get(Entitlement, request.entitlement_id)                          # completed 2026-03-16
    assert (new.valid_from, new.valid_to, new.provider_id, new.level) == (date(2026, 4, 1), date(2028, 3, 12),
                                                                        other.id, 4)
    bridge = session.get(Entitlement, old.replaced_by_id)
    # the current care type and provider continue at the new level from the old end until the change
    assert (bridge.valid_from, bridge.valid_to, bridge.care_type, bridge.provider_id, bridge.level) == (
        date(2026, 3, 10), date(2026, 4, 1), "home", home.id, 4)
    assert (bridge.end_reason, bridge.replaced_by_id, bridge.review_case_id) == ("change", new.id, request.case_id)
    assert (old.valid_to, old.end_reason) == (date(2026, 3, 10), "expiry")
    notices = session.scalars(select(Notice).where(Notice.kind == "entitlement").order_by(Notice.id)).all()
    assert [n.subject_id for n in notices] == [bridge.id, new.id]   # the old provider and the new one are told


def test_a_change_of_provider_starts_the_month_after_the_case_completes(session, r):
    home, other = r.c.world.provider, home_provider(session, r)
    app = concluded(session, r, level=4, concluded_on=date(2025, 12, 10))
    old = grant_entitlement(session, person_id=app.person_id, level=4, care_type="home", provider_id=home.id,
                            conclusion=app, starts_on=date(2026, 1, 1), actor=r.c.ins, now=NOW)
    request = request_entitlement(session, app, care_type="home", provider_id=other.id, actor=r.c.ins, now=NOW)
    plan_for(session, request)
    r.deciders["provider"] = r.actor("provider3")
    completed = datetime(2026, 4, 2, 2, 0, tzinfo=timezone.utc)                      # requested in March
    approve_through(session, r, session.get(ReviewCase, request.case_id), "provider", "agency", "insurer", "mia",
                    now=completed)
    new = session.get(Entitlement, request.entitlement_id)
    assert (new.valid_from, new.provider_id) == (date(2026, 5, 1), other.id)
    assert (old.valid_to, old.end_reason, old.replaced_by_id) == (date(2026, 5, 1), "change", new.id)


def test_a_change_of_provider_starts_on_a_later_requested_date(session, r):
    home, other = r.c.world.provider, home_provider(session, r)
    app = concluded(session, r, level=4, concluded_on=date(2025, 12, 10))
    old = grant_entitlement(session, person_id=app.person_id, level=4, care_type="home", provider_id=home.id,
                            conclusion=app, starts_on=date(2026, 1, 1), actor=r.c.ins, now=NOW)
    request = request_entitlement(session, app, care_type="home", provider_id=other.id, requested_from=date(2026, 5, 1),
                                  actor=r.c.ins, now=NOW)
    assert request.requested_from == date(2026, 5, 1)
    plan_for(session, request)
    r.deciders["provider"] = r.actor("provider3")
    approve_through(session, r, session.get(ReviewCase, request.case_id), "provider", "agency", "insurer", "mia")
    new = session.get(Entitlement, request.entitlement_id)                          # completed 2026-03-16
    assert (new.valid_from, old.valid_to, old.replaced_by_id) == (date(2026, 5, 1), date(2026, 5, 1), new.id)


def test_a_requested_date_is_only_for_a_change_of_care_type_or_provider(session, r):
    app = concluded(session, r, level=4, concluded_on=date(2026, 3, 10))
    with pytest.raises(ValidationFailed) as err:                                    # a first entitlement
        request_entitlement(session, app, care_type="home", provider_id=r.c.world.provider.id,
                            requested_from=date(2026, 6, 1), actor=r.c.ins, now=NOW)
    assert "requested_from" in err.value.fields
    grant_entitlement(session, person_id=app.person_id, level=4, care_type="home", provider_id=r.c.world.provider.id,
                      conclusion=app, starts_on=date(2026, 4, 1), actor=r.c.ins, now=NOW)
    with pytest.raises(ValidationFailed):                                            # the same care type and provider
        request_entitlement(session, app, care_type="home", provider_id=r.c.world.provider.id,
                            requested_from=date(2026, 6, 1), actor=r.c.ins, now=NOW)
    assert session.scalar(select(EntitlementRequest.id)) is None


def test_an_objection_review_opened_while_active_makes_a_late_conclusion_a_change_case(session, r):
    old = _granted(session, r, level=3, care_type="home", provider=r.c.world.provider,
                   concluded_on=date(2024, 3, 10), starts_on=date(2024, 4, 1))        # ends 2026-03-10
    parent = concluded(session, r, level=4, concluded_on=date(2026, 3, 12))        # the 复评's conclusion date
    review = concluded(session, r, level=4, concluded_on=date(2026, 3, 12), agency_index=1)
    review.kind, review.parent_id, review.submitted_on = "review", parent.id, date(2026, 3, 5)  # objected while active
    session.flush()
    request = request_entitlement(session, parent, care_type="home", provider_id=r.c.world.provider.id,
                                  actor=r.c.ins, now=NOW, trigger_date=parent.concluded_on)
    assert (request.kind, request.replaces_id) == ("change", old.id)
    review.submitted_on = date(2026, 3, 11)                                         # had it been opened after the end
    assert replaced_entitlement(session, parent, today=date(2026, 3, 16)) is None
