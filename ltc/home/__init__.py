"""Home pages per role, navigation and template context.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def register(app: Flask) -> None:
    from ltc.home import context, views

    app.register_blueprint(views.bp)
    context.install_context(app)
