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
    from ltc.providers.carers import bulk as carer_bulk, policy as carer_policy, worklists as carer_worklists
    from ltc.providers.carers.models import Carer
    from ltc.providers.carers.services import scope as carer_scope
    from ltc.providers.records import models as _records  # noqa: F401  (stays, leaves, visits)
    from ltc.providers.records import stay_imports
    from ltc.providers.records import merging as records_merging
    from ltc.providers.records import stays as records_stays
    from ltc.scheduler.imports import register_kind
    from ltc.providers.records.models import Leave, Stay
    from ltc.providers.records import schedule_merging, week
    from ltc.providers.records.models import Visit
    from ltc.providers.care_plans.person_sections import plan_sections
    from ltc.web.related import add_person_sections
    from ltc.core.unique import describe_key
    from ltc.policy.schema import register_section
    from ltc.web.worklists import add_worklist

    add_scope_rule(CarePlan, care_plans.care_plans_in_scope)
    add_scope_rule(Stay, records_stays.stays_in_scope)
    add_scope_rule(Leave, records_stays.leaves_in_scope)
    for kind in stay_imports.KINDS.values():
        register_kind(kind)
    add_scope_rule(Carer, carer_scope.carers_in_scope)
    describe_key("carers", ("provider_id", "id_number"),
                 "该身份证号已登记在本机构护理人员名册（可能是他人刚刚登记），请刷新后查看")
    describe_key("carers", ("user_id",), "该登录账号已关联其他护理人员，请刷新后查看")
    register_section(carer_policy.SECTION, carer_policy.CarersPolicy, carer_policy.REF)
    add_worklist(carer_worklists.carer_papers_ending)
    register_kind(carer_bulk.KIND)
    add_person_sections(plan_sections)
    add_person_link(care_plans.persons_with_plans)
    add_merge_hook(care_plan_merging.HOOK)
    add_merge_hook(records_stays.MERGE_HOOK)
    add_merge_hook(records_merging.VISITS_HOOK)
    add_merge_hook(schedule_merging.HOOK)
    add_scope_rule(Visit, week.visits_in_scope)
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
    from ltc.providers.carers import part_views  # noqa: F401  (the dated facts' routes on the carers blueprint)
    from ltc.providers.carers import views as carer_views
    from ltc.providers.catalogue import views as catalogue_views
    from ltc.providers.records import api as _records_api  # noqa: F401  (the carers' API routes)
    from ltc.providers.records import schedule_views, stay_views, views as visit_views

    app.register_blueprint(catalogue_views.bp)
    app.register_blueprint(carer_views.bp)
    app.register_blueprint(visit_views.bp)
    app.register_blueprint(schedule_views.bp)
    app.register_blueprint(care_plan_views.bp)
    app.register_blueprint(stay_views.bp)
