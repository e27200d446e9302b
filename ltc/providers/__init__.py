"""Care providers (定点护理服务机构, SPEC §1, §5): dated agreement attributes, the service catalogue, care plans.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.orgs import forms as org_forms
    from ltc.orgs import views as org_views
    from ltc.orgs.profile import add_profile_filler
    from ltc.orgs.services import add_district_user, add_history_filler
    from ltc.providers import services
    from ltc.people.merge_hooks import add_merge_hook
    from ltc.people.scope import add_person_link
    from ltc.providers import models as _models  # noqa: F401  (provider period tables)
    from ltc.providers.care_plans import merging as care_plan_merging
    from ltc.providers.care_plans import services as care_plans
    from ltc.providers.care_plans.models import CarePlan
    from ltc.providers.catalogue import models as _catalogue  # noqa: F401  (catalogue tables)
    from ltc.providers.carers import models as _carers  # noqa: F401  (the carer register)
    from ltc.providers.records import week
    from ltc.providers.records.models import Visit
    from ltc.providers.care_plans.person_sections import plan_sections
    from ltc.web.related import add_person_sections

    add_scope_rule(CarePlan, care_plans.care_plans_in_scope)
    add_scope_rule(Visit, week.visits_in_scope)
    add_person_sections(plan_sections)
    add_person_link(care_plans.persons_with_plans)
    add_merge_hook(care_plan_merging.HOOK)
    add_profile_filler(services.fill_profile)
    add_history_filler(services.fill_history)
    add_district_user(services.districts_in_use)
    for name, form_class, service in (("care-types", org_forms.CareTypesForm, services.set_care_types),
                                      ("grade", org_forms.GradeForm, services.set_grade),
                                      ("beds", org_forms.BedsForm, services.set_beds),
                                      ("price", org_forms.PriceForm, services.set_daily_price),
                                      ("district", org_forms.DistrictPeriodForm, services.set_district)):
        org_views.add_period_form(name, form_class, service, provider_only=True)


def register(app: Flask) -> None:
    from ltc.providers.care_plans import views as care_plan_views
    from ltc.providers.catalogue import views as catalogue_views
    from ltc.providers.records import api as _records_api  # noqa: F401  (the carers' API routes)

    from ltc.providers.records import schedule_views, views as visit_views

    app.register_blueprint(catalogue_views.bp)
    app.register_blueprint(visit_views.bp)
    app.register_blueprint(schedule_views.bp)
    app.register_blueprint(care_plan_views.bp)
