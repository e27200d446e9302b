"""The ratings run (SPEC §8): the carers' monthly stars, quarterly cost-performance, integrity and the
provider's monthly and annual stars with every component's inputs, written as billing's dated
provider attributes by the ``recompute_ratings`` job (day 2, 02:00); the rating page and the
provider's appeal (a ``rating_appeal`` review case).

``wire()`` registers the ratings' scope rule, the case type in REF, the review subject and the provider's
home-page list of decided appeals;
``register(app)`` the pages. Called from ``ltc.ratings``.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.ratings.run import case_type, subject, worklists
    from ltc.ratings.run.models import ProviderRating
    from ltc.ratings.run.scope import ratings_in_scope
    from ltc.reviews.registry import register_subject
    from ltc.web.worklists import add_worklist

    add_scope_rule(ProviderRating, ratings_in_scope)
    case_type.add_ref_case_type()
    register_subject(subject.APPEAL_TYPE)
    add_worklist(worklists.rating_appeal_outcomes)


def register(app: Flask) -> None:
    from ltc.ratings.run import views

    app.register_blueprint(views.bp)
