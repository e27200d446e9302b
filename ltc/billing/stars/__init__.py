"""Provider stars as dated attributes (SPEC §8): the monthly star (in force from the 1st of M+1,
read by the audit's sample rate) and the annual star of a year (read by the year-end deposit
release). Until the ratings run computes them, the MIA admin enters them with a reason.

``register(app)`` adds the page; called from ``ltc.billing.register``.
"""
from flask import Flask


def register(app: Flask) -> None:
    from ltc.billing.stars import views

    app.register_blueprint(views.bp)
