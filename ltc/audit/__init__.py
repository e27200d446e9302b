"""The audit log pages (SPEC §10): filters, export, masking; the log itself is ``ltc.core.audit``.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def register(app: Flask) -> None:
    from ltc.audit import views

    app.register_blueprint(views.bp)
