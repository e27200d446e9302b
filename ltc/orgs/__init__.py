"""Organisations of the scheme (SPEC §1): MIA, insurers, assessment agencies, providers; the district list.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def wire() -> None:
    from ltc.core.unique import describe_key
    from ltc.orgs import worklists
    from ltc.web.worklists import add_worklist

    describe_key("organisations", ("uscc",), "该统一社会信用代码已登记")
    describe_key("districts", ("code",), "该区县代码已存在")
    describe_key("districts", ("name",), "该区县名称已存在")

    add_worklist(worklists.agreements_ending)


def register(app: Flask) -> None:
    from ltc.orgs import views

    app.register_blueprint(views.bp)
