"""The public provider directory (护理机构名录, SPEC §8, issue 12 point 9): no login, Chinese first;
providers with their care types, district, beds, stars and the components of their computed rating.

``register(app)`` adds the pages; called from ``ltc.ratings``.
"""
from flask import Flask


def register(app: Flask) -> None:
    from ltc.ratings.directory import views

    app.register_blueprint(views.bp)
