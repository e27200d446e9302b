"""Assessment agencies (SPEC §3): applications and their lifecycle, the national scale, the expert register.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def wire() -> None:
    from ltc.assessment.applications import person_sections, policy, worklists
    from ltc.assessment.applications.models import Application
    from ltc.assessment.applications.services import due_dates, merging, reassessment, scope
    from ltc.assessment.experts import services as experts, worklists as expert_worklists
    from ltc.assessment.experts.models import ExpertCertificate
    from ltc.assessment.scale import models as _scale_models  # noqa: F401  (the rulesets table)
    from ltc.auth.scope import add_scope_rule
    from ltc.core.calendar import CalendarChanged
    from ltc.core.events import subscribe
    from ltc.core.unique import describe_key
    from ltc.notices.services import add_subject_visibility
    from ltc.people.events import DeathUndone, PersonDied
    from ltc.people.merge_hooks import add_merge_hook
    from ltc.people.scope import add_person_link
    from ltc.policy.schema import register_section
    from ltc.web.nav_badges import add_nav_badge
    from ltc.web.related import add_person_sections
    from ltc.web.worklists import add_worklist

    describe_key("applications", ("person_id",), "该参保人已有办理中的申请（可能是他人刚刚受理），请刷新后查看")

    register_section(policy.SECTION, policy.AssessmentPolicy, policy.REF)
    add_scope_rule(Application, scope.applications_in_scope)
    add_scope_rule(ExpertCertificate, experts.certificates_in_scope)
    add_person_link(scope.persons_of_applications)
    add_merge_hook(merging.HOOK)
    add_subject_visibility("application", scope.can_see_application)
    add_worklist(worklists.assessment_queues)
    add_nav_badge("assessment.index", worklists.pending_applications)
    add_person_sections(person_sections.application_sections)
    add_worklist(expert_worklists.certificates_ending)
    subscribe(PersonDied, reassessment.on_person_died)
    subscribe(DeathUndone, reassessment.on_death_undone)
    subscribe(CalendarChanged, due_dates.on_calendar_changed)


def register(app: Flask) -> None:
    from ltc.assessment.applications import api  # noqa: F401  (routes on the API blueprint)
    from ltc.assessment.applications.views import detail, intake, queues, steps  # noqa: F401  (routes on bp)
    from ltc.assessment.scale import api as scale_api  # noqa: F401
    from ltc.assessment.applications.views.blueprint import bp
    from ltc.assessment.experts import views as expert_views

    app.register_blueprint(bp)
    app.register_blueprint(expert_views.bp)
