"""Explicit wiring (create_app → each domain's wire/register): every expected subscriber and
registry entry is there, and code running without the wiring fails loudly."""
import pytest

from ltc.assessment.applications.events import ConclusionFinal
from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services import beneficiaries, reassessment
from ltc.assessment.experts.models import ExpertCertificate
from ltc.auth import scope
from ltc.auth.models import User
from ltc.core.audit import SYSTEM
from ltc.core.events import EventHub, HubNotWired
from ltc.core import events
from ltc.entitlements import lowering as entitlement_lowering
from ltc.entitlements import opening as entitlement_opening
from ltc.entitlements import plan_revision as entitlement_plan_revision
from ltc.entitlements import services as entitlement_services
from ltc.entitlements import termination as entitlement_termination
from ltc.entitlements.models import Entitlement
from ltc.notices.services import subject_visibility
from ltc.orgs.models import InsurerContract, Organisation
from ltc.people import scope as people_scope
from ltc.people.events import DeathUndone, PersonDied, PersonTransferred
from ltc.people.models import InsuredPerson
from ltc.billing import policy as billing_policy
from ltc.policy.schema import REF_VALUES, SECTIONS, VERSION_CHECKS
from ltc.providers.care_plans.events import PlanSaved
from ltc.providers.care_plans.models import CarePlan
from ltc.providers.carers.models import Carer
from ltc.reviews.models import ReviewCase
from ltc.reviews.registry import SUBJECTS
from ltc.web.worklists import REGISTRY


def test_every_expected_subscriber_is_registered(app):
    assert events.hub.wired
    assert events.hub.subscribers(PersonDied) == (reassessment.on_person_died, entitlement_opening.on_person_died,
                                                  entitlement_termination.on_person_died)
    assert events.hub.subscribers(PersonTransferred) == (entitlement_termination.on_person_transferred,)
    assert events.hub.subscribers(DeathUndone) == (
        reassessment.on_death_undone, entitlement_termination.on_death_undone, entitlement_opening.on_death_undone)
    assert events.hub.subscribers(ConclusionFinal) == (entitlement_opening.on_conclusion_final,
                                                       entitlement_lowering.on_conclusion_final)
    assert events.hub.subscribers(PlanSaved) == (entitlement_opening.on_plan_saved,
                                                 entitlement_plan_revision.on_plan_saved)
    from ltc.billing import jobs as billing_jobs
    from ltc.compliance.events import MonthsRescanned
    assert events.hub.subscribers(MonthsRescanned) == (billing_jobs.on_months_rescanned,)
    from ltc.billing.stars.events import StarSet
    from ltc.ratings.effects.services import trigger as rating_effects
    assert events.hub.subscribers(StarSet) == (rating_effects.on_star_set,)


def test_every_registry_is_filled_by_create_app(app):
    for model in (Organisation, User, InsuredPerson, Application, ExpertCertificate, CarePlan, ReviewCase,
                  Entitlement, InsurerContract, Carer):
        assert scope._RULES.get(model) is not None, model.__name__
    assert set(SECTIONS) == set(REF_VALUES) == {"assessment", "billing", "reviews", "jobs", "compliance", "carers",
                                                "settlement_review", "ratings", "followups", "fund_budget"}
    assert VERSION_CHECKS == [billing_policy.levels_have_amounts]
    assert set(SUBJECTS) >= {"entitlement_request", "care_plan_revision", "settlement", "settlement_appeal"}
    assert set(subject_visibility) >= {"application", "entitlement"}
    assert len(people_scope.PERSON_LINKS) == 4
    assert [fn.__name__ for fn in REGISTRY] == ["agreements_ending", "contracts_ending", "failed_logins",
                                                "assessment_queues", "certificates_ending", "carer_papers_ending",
                                                "review_inbox", "conclusions_ending", "carers_suspended_for_points",
                                                "my_follow_ups", "rating_appeal_outcomes", "rectification_to_do",
                                                "agreement_reviews"]
    assert beneficiaries.BENEFICIARIES == [entitlement_services.beneficiaries_on]
    from ltc.billing import holds
    from ltc.ratings.complaints.models import Complaint
    from ltc.ratings.followups import holds as follow_up_holds
    from ltc.ratings.followups.models import FollowUp

    assert scope._RULES.get(FollowUp) is not None and scope._RULES.get(Complaint) is not None
    assert holds._READERS == [follow_up_holds.held_persons]
    from ltc.ratings.run.models import ProviderRating

    assert scope._RULES.get(ProviderRating) is not None and "rating_appeal" in SUBJECTS


def test_wiring_twice_registers_nothing_twice(app):
    from ltc import wire

    before = (events.hub.subscribers(PersonDied), len(people_scope.PERSON_LINKS), len(REGISTRY), len(VERSION_CHECKS),
              len(beneficiaries.BENEFICIARIES))
    wire()
    assert (events.hub.subscribers(PersonDied), len(people_scope.PERSON_LINKS), len(REGISTRY),
            len(VERSION_CHECKS), len(beneficiaries.BENEFICIARIES)) == before


def test_publishing_before_the_hub_is_wired_fails_loudly():
    hub = EventHub()
    hub.subscribe(PersonDied, lambda session, event: None)
    with pytest.raises(HubNotWired, match="create_app"):
        hub.publish(None, PersonDied(person=None, actor=SYSTEM, now=None))


def test_a_model_without_a_scope_rule_is_refused_not_shown():
    class Unscoped:
        __name__ = "Unscoped"

    with pytest.raises(LookupError, match="no scope rule"):
        scope.scope_clause(Unscoped, None)


def test_a_second_definition_of_a_review_subject_name_is_refused(app):
    """Two test modules once registered different subjects under one name: whichever was imported
    last won, and a test passed alone but failed in the whole suite."""
    import pytest

    from ltc.reviews.registry import SUBJECTS, SubjectType, register_subject

    existing = SUBJECTS["entitlement_request"]
    assert register_subject(existing) is existing                      # the same definition again: no change
    with pytest.raises(ValueError, match="entitlement_request"):
        register_subject(SubjectType(name="entitlement_request", parties=lambda session, sid: None,
                                     title=lambda session, sid: ""))
    assert SUBJECTS["entitlement_request"] is existing
