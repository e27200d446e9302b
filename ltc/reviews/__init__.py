"""The review engine (SPEC §4.1): case types as data, cases, stages, rounds and events.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.core.calendar import CalendarChanged
    from ltc.core.events import subscribe
    from ltc.policy.schema import register_section, register_section_check
    from ltc.people.merge_hooks import add_merge_hook
    from ltc.reviews import definitions, due_dates, merging, owners, scope, worklists
    from ltc.reviews.models import ReviewCase
    from ltc.web.nav_badges import add_nav_badge
    from ltc.web.worklists import add_worklist

    register_section(definitions.SECTION, definitions.ReviewPolicy, definitions.REF_REVIEWS)
    for name, org_kind, resolve in owners.BUILT_IN:
        owners.register_owner_rule(name, org_kind, resolve)
    register_section_check(definitions.SECTION, owners.unknown_owner_rules)
    add_scope_rule(ReviewCase, scope.cases_in_scope)
    add_worklist(worklists.review_inbox)
    add_nav_badge("reviews.inbox", worklists.pending_reviews)
    add_merge_hook(merging.HOOK)
    subscribe(CalendarChanged, due_dates.on_calendar_changed)


def register(app: Flask) -> None:
    from ltc.reviews import api, views  # noqa: F401  (api: routes on the API blueprint)

    app.register_blueprint(views.bp)
