"""The settlement review (SPEC §7.3, issue 11 point 4): submission, the insurer's audit of flagged
records and of a random sample, deductions, the MIA's approval, payment with a bank batch file, and
appeals as their own case type — all on the generic review engine, registered from here.

``wire()`` and ``register(app)`` are called by ``ltc.billing``'s own.
"""
from flask import Flask


def wire() -> None:
    from ltc.billing.review import case_types, policy, subject, trail
    from ltc.policy.schema import register_section
    from ltc.reviews.registry import register_subject

    register_section(policy.SECTION, policy.SettlementReviewPolicy, policy.REF)
    case_types.add_ref_case_types()
    register_subject(subject.SETTLEMENT_TYPE)
    register_subject(subject.APPEAL_TYPE)
    trail.install_guard()



def register(app: Flask) -> None:
    from ltc.billing.review import api, money_views, views  # noqa: F401  (api: routes on the API blueprint)

    app.register_blueprint(views.bp)
