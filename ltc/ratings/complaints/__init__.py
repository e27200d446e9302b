"""Complaints (投诉, SPEC §8): the register, the insurer's handling within the working-day SLA, the
outcome and reply, the follow-up every complaint lists, and the upheld counts the scoring reads.

``wire()`` registers the scope rule; ``register(app)`` the pages. Both are called from ``ltc.ratings``.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.people.merge_hooks import add_merge_hook
    from ltc.ratings.complaints import merging, scope
    from ltc.ratings.complaints.models import Complaint

    add_scope_rule(Complaint, scope.complaints_in_scope)
    add_merge_hook(merging.HOOK)


def register(app: Flask) -> None:
    from ltc.ratings.complaints import api, views  # noqa: F401  (api: adds its routes to the API blueprint)

    app.register_blueprint(views.bp)
