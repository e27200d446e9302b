"""Dynamic management (SPEC §8 effects): a rectification notice (整改通知) when a provider's monthly star
first falls to ★2 or below, answered by the provider and checked by the insurer; an agreement-review
proposal in the MIA's inbox after an annual ★1 or two consecutive annual ★2.

``wire()`` subscribes to billing's ``StarSet`` and registers the scope rules and home-page work lists;
``register(app)`` the pages and the API routes. Called from ``ltc.ratings``.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.billing.stars.events import StarSet
    from ltc.core.events import subscribe
    from ltc.ratings.effects import worklists
    from ltc.ratings.effects.models import AgreementReviewProposal, RectificationNotice
    from ltc.ratings.effects.services.readers import notices_in_scope, proposals_in_scope
    from ltc.ratings.effects.services.trigger import on_star_set
    from ltc.web.worklists import add_worklist

    subscribe(StarSet, on_star_set)
    add_scope_rule(RectificationNotice, notices_in_scope)
    add_scope_rule(AgreementReviewProposal, proposals_in_scope)
    add_worklist(worklists.rectification_to_do)
    add_worklist(worklists.agreement_reviews)


def register(app: Flask) -> None:
    from ltc.ratings.effects import api, views  # noqa: F401  (api: adds its routes to the API blueprint)

    app.register_blueprint(views.bp)
