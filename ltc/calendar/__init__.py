"""The working calendar pages (SPEC §0.1): override dates, a year's schedule loaded from a file,
loaded years; the calendar itself is ``ltc.core.calendar``.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def register(app: Flask) -> None:
    from ltc.calendar import views

    app.register_blueprint(views.bp)
