"""Organisations of the scheme (SPEC §1): MIA, insurers, assessment agencies, providers; the district list;
insurers' contracts (承办合同).

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.core.unique import describe_key
    from ltc.orgs import contracts, worklists
    from ltc.orgs.models import InsurerContract
    from ltc.orgs.services import add_district_user
    from ltc.web.worklists import add_worklist

    describe_key("organisations", ("uscc",), "该统一社会信用代码已登记")
    describe_key("districts", ("code",), "该区县代码已存在")
    describe_key("districts", ("name",), "该区县名称已存在")
    add_scope_rule(InsurerContract, contracts.contracts_in_scope)
    add_district_user(contracts.contract_district_codes)
    add_worklist(worklists.agreements_ending)
    add_worklist(worklists.contracts_ending)


def register(app: Flask) -> None:
    from ltc.orgs import contract_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(contract_views.bp)
