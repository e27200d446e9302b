"""Insured persons (参保人, SPEC §2): the roster, its import, hospital stays, masking.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.core import events
    from ltc.core.unique import describe_key
    from ltc.people import id_numbers, merging, scope
    from ltc.people.events import IdNumberChanged
    from ltc.people.hospital import models as _hospital  # noqa: F401  (the hospital_stays table)
    from ltc.people.merge_hooks import add_merge_hook
    from ltc.people.models import InsuredPerson
    from ltc.people import bulk
    from ltc.people.hospital import bulk as hospital_bulk
    from ltc.scheduler.imports import register_kind

    describe_key("insured_persons", ("id_number",), "该身份证号已登记（可能是他人刚刚登记），请刷新后查看")
    describe_key("hospital_stays", ("person_id", "hospital", "admitted_on"),
                 "该住院记录已登记（同一医院、同一入院日期）")

    add_scope_rule(InsuredPerson, scope.persons_in_scope)
    events.subscribe(IdNumberChanged, id_numbers.on_id_number_changed)
    add_merge_hook(merging.PEOPLE_HOOK)
    register_kind(bulk.KIND)
    register_kind(hospital_bulk.KIND)


def register(app: Flask) -> None:
    from ltc.people import api, cli, views  # noqa: F401  (api: routes on the API blueprint)
    from ltc.people.hospital import api as hospital_api  # noqa: F401
    from ltc.people.hospital import views as hospital_views

    app.register_blueprint(views.bp)
    app.register_blueprint(hospital_views.bp)
    cli.register(app)
