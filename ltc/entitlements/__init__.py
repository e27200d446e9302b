"""Entitlements (待遇资格, SPEC §4.2): immutable periods of benefit, granted by the review or
migrated at go-live, shortened only by death, transfer or a change (voided when that happens
before they start); the provider's list and the notices.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def wire() -> None:
    from ltc.assessment.applications.events import ConclusionFinal
    from ltc.assessment.applications.services.beneficiaries import add_beneficiaries
    from ltc.auth.scope import add_scope_rule
    from ltc.core.events import subscribe
    from ltc.entitlements import (lowering, merging, opening, plan_revision, related, scope, services, subject,
                                  termination, views)
    from ltc.entitlements.models import Entitlement
    from ltc.notices.services import add_subject_visibility
    from ltc.people.events import DeathUndone, PersonDied, PersonTransferred
    from ltc.people.merge_hooks import add_merge_hook
    from ltc.people.scope import add_person_link
    from ltc.providers.care_plans.events import PlanSaved
    from ltc.reviews.registry import register_list_link, register_subject
    from ltc.scheduler.imports import register_kind
    from ltc.entitlements import bulk
    from ltc.web.related import add_person_sections, add_related

    register_kind(bulk.KIND)
    register_subject(subject.SUBJECT_TYPE)
    register_subject(plan_revision.SUBJECT_TYPE)
    for link in views.LIST_LINKS:
        register_list_link(link)
    add_scope_rule(Entitlement, scope.entitlements_in_scope)
    add_person_link(scope.beneficiaries_of_provider)
    add_person_link(subject.persons_of_requests)
    add_merge_hook(merging.HOOK)
    add_related(related.related_records)
    add_person_sections(related.entitlement_sections)
    add_subject_visibility(scope.SUBJECT, scope.can_see_entitlement)
    add_beneficiaries(services.beneficiaries_on)
    subscribe(ConclusionFinal, opening.on_conclusion_final)
    subscribe(ConclusionFinal, lowering.on_conclusion_final)
    subscribe(PersonDied, opening.on_person_died)
    subscribe(PersonDied, termination.on_person_died)
    subscribe(PersonTransferred, termination.on_person_transferred)
    subscribe(DeathUndone, termination.on_death_undone)
    subscribe(DeathUndone, opening.on_death_undone)
    subscribe(PlanSaved, opening.on_plan_saved)
    subscribe(PlanSaved, plan_revision.on_plan_saved)


def register(app: Flask) -> None:
    from ltc.entitlements import views

    app.register_blueprint(views.bp)
    app.register_blueprint(views.requests_bp)
