"""Provider stars as dated attributes (SPEC §8): the monthly star (in force from the 1st of M+1,
read by the audit's sample rate) and the annual star of a year (read by the year-end deposit
release). Until the ratings run computes them, the MIA admin enters them with a reason.

``register(app)`` adds the page; called from ``ltc.billing.register``.
"""
from flask import Flask


def wire() -> None:
    from ltc.billing.review.stars import set_star_reader
    from ltc.billing.stars.services import monthly_star_on

    set_star_reader(monthly_star_on)   # the audit's sample rate reads the star in force (SPEC §7.3)


def register(app: Flask) -> None:
    from ltc.billing.stars import views

    app.register_blueprint(views.bp)
