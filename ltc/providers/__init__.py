"""Care providers (定点护理服务机构, SPEC §1, §5): dated agreement attributes, the service catalogue, care plans.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.people.scope import add_person_link
    from ltc.providers import models as _models  # noqa: F401  (provider period tables)
    from ltc.providers.care_plans import services as care_plans
    from ltc.providers.care_plans.models import CarePlan
    from ltc.providers.catalogue import models as _catalogue  # noqa: F401  (catalogue tables)

    add_scope_rule(CarePlan, care_plans.care_plans_in_scope)
    add_person_link(care_plans.persons_with_plans)


def register(app: Flask) -> None:
    from ltc.providers.care_plans import views as care_plan_views
    from ltc.providers.catalogue import views as catalogue_views

    app.register_blueprint(catalogue_views.bp)
    app.register_blueprint(care_plan_views.bp)
