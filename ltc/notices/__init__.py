"""Numbered official notices (SPEC §3.1, §4.2): pure documents, numbering (pending), the PDF
rendered after commit (WeasyPrint) with its retry job, storage, download.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def register(app: Flask) -> None:
    from ltc.notices import views

    app.register_blueprint(views.bp)
