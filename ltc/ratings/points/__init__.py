"""Violation points (违规记分, SPEC §6) and the carer suspension 12 points trigger (SPEC §8).

``wire()`` registers the ledger's scope rule and the provider's home-page notice; ``register(app)``
the pages. Called from ``ltc.ratings``.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.ratings.points import worklists
    from ltc.ratings.points.models import ViolationPoint
    from ltc.ratings.points.services.readers import points_in_scope
    from ltc.web.worklists import add_worklist

    add_scope_rule(ViolationPoint, points_in_scope)
    add_worklist(worklists.carers_suspended_for_points)


def register(app: Flask) -> None:
    from ltc.ratings.points import views

    app.register_blueprint(views.bp)
