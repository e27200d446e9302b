"""Builders for the four-party entitlement review: a concluded application, a care plan,
a case driven to a given step through the real services."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, time

from ltc.assessment.applications.models import Application
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM, Actor
from ltc.core.periods import add_period
from ltc.core.months import add_months
from ltc.entitlements.models import EntitlementRequest
from ltc.entitlements.opening import request_entitlement
from ltc.providers.catalogue import services as catalogue_services
from ltc.providers.models import ProviderCareTypePeriod, ProviderGradePeriod
from ltc.providers.care_plans.services import VisitTypeInput, save_plan
from ltc.policy import services as policy_services
from ltc.policy.ref import seed_ref
from ltc.policy.schema import to_raw
from ltc.reviews import engine
from ltc.reviews.definitions import ReviewPolicy
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase
from tests.assessment_builders import Cast, at, cast
from tests.builders import World, org, user
from tests.conftest import NOW
from tests.seed import has_catalogue

#: home care, level 4: 3 one-hour visits a week = 13 visits, 13 hours a month (cap 21)
HOME_VISITS = [VisitTypeInput(name="生活照料", frequency=3, frequency_unit="week", planned_minutes=60,
                              item_codes=("SH01", "SH02"), start_time=time(9, 0))]

#: institution care: a daily half-hour of care
INSTITUTION_VISITS = [VisitTypeInput("日常照护", 7, "week", 30, ("SH01",), start_time=time(9, 0))]


@dataclass
class Review:
    c: Cast
    deciders: dict[str, Actor]  # step code → an actor of the owning organisation

    def actor(self, step: str) -> Actor:
        return self.deciders[step]


def publish_case_type(session, case_type: dict, *, actor: Actor, now: datetime = NOW) -> None:
    """REF plus ``case_type`` (a case type defined only as data), published from 2026-01-01."""
    seed_ref(session, now=now)
    draft = policy_services.create_draft(session, actor=actor, now=now)
    reviews = to_raw(policy_services.policy_on(session, now.date()).section(ReviewPolicy))
    reviews["case_types"].append(case_type)
    policy_services.update_section(session, draft, "reviews", reviews, actor=actor, now=now)
    policy_services.publish(session, draft, effective_from=date(2026, 1, 1), actor=actor, now=now)


def review_cast(session, w: World) -> Review:
    """The assessment cast plus reviewers in each organisation and the service catalogue."""
    c = cast(session, w)
    if not has_catalogue(session):  # seeded once per test session (tests/seed.py)
        catalogue_services.load_catalogue(session, catalogue_services.read_catalogue_csv(), actor=SYSTEM, now=NOW)
    reviewers = {
        "provider": user(session, w.provider, "pr_rev", "reviewer"),
        "agency": user(session, w.agency, "ag_rev", "reviewer"),
        "insurer": w.users["ins_rev"],
        "mia": w.users["mia_rev"],
    }
    user(session, w.provider2, "pr2_rev", "reviewer")
    session.flush()
    return Review(c=c, deciders={step: actor_of(u) for step, u in reviewers.items()})


def concluded(session, r: Review, *, level: int = 4, concluded_on: date = date(2026, 3, 10),
              care_type: str | None = "home", provider_id: int | None = None, person_id: int | None = None,
              agency_index: int = 0) -> Application:
    """A concluded, final application (inserted directly, as history) with its preferences."""
    app = Application(
        person_id=person_id or r.c.persons[0].id, kind="initial", status="concluded", applicant_name="李小光",
        applicant_relation="child", applicant_phone="13900001111", declared_disability_6m=True,
        submitted_at=at(concluded_on - timedelta(days=30)), submitted_on=concluded_on - timedelta(days=30),
        accepted_on=concluded_on - timedelta(days=29), concluded_on=concluded_on, level=level,
        valid_from=concluded_on, valid_to=add_months(concluded_on, 24), final_on=concluded_on,
        agency_id=r.c.agencies[agency_index].org.id, preferred_care_type=care_type,
        preferred_provider_id=provider_id or r.c.world.provider.id)
    session.add(app)
    session.flush()
    return app


def plan_for(session, request: EntitlementRequest, *, visits=None, level: int | None = None, now: datetime = NOW):
    return save_plan(session, person_id=request.person_id, provider_id=request.provider_id,
                     care_type=request.care_type, level=level or request.level,
                     visit_types=visits if visits is not None else HOME_VISITS,
                     actor=Actor(None, request.provider_id, "pr_op"), now=now)


def opened(session, r: Review, *, now: datetime = NOW, **kw) -> tuple[EntitlementRequest, ReviewCase]:
    app = concluded(session, r, **kw)
    request = request_entitlement(session, app, care_type=app.preferred_care_type,
                                  provider_id=app.preferred_provider_id, actor=r.c.ins, now=now)
    return request, session.get(ReviewCase, request.case_id)


def approve_through(session, r: Review, case: ReviewCase, *steps: str, now: datetime = NOW) -> ReviewCase:
    for step in steps:
        assert case.step_code == step, (case.step_code, step)
        engine.decide(session, case, DecisionInput("approve"), actor=r.actor(step), now=now)
    return case


def home_provider(session, r: Review, name: str = "居家护理丙", n: int = 71):
    """Another home-care provider with a reviewer (``r.actor("provider3")``)."""
    provider = org(session, "provider", name, n)
    add_period(session, ProviderGradePeriod, org_id=provider.id, grade="home_care", valid_from=date(2025, 1, 1))
    add_period(session, ProviderCareTypePeriod, org_id=provider.id, care_type="home", valid_from=date(2025, 1, 1))
    r.deciders["provider3"] = actor_of(user(session, provider, f"pr{n}_rev", "reviewer"))
    session.flush()
    return provider
