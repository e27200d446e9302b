"""The request edge shared by every domain: error handlers, the form-submit helper, uploads, the
import flow, exports, home-page work lists.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def register(app: Flask) -> None:
    from ltc.web import errors, labels, odd_input, transactions

    odd_input.install(app)  # first: the converter applies to the routes added after it
    transactions.install(app)
    errors.install(app)
    labels.install(app)
