"""Billing documents (SPEC §7.3, issue 11 point 7): the provider's settlement statement, the
per-beneficiary monthly statement with its public look-up (ID number + printed code), the payment
list, their CSV / XLSX exports, and the nightly job rendering the beneficiary statements of paid
settlements into files under the instance folder (each with its SHA-256).

PDFs are rendered by ``ltc.notices.pdf`` (WeasyPrint, CJK fonts, plain values only) from the
templates under ``templates/pdf/billing/``.
"""
from flask import Flask


def wire() -> None:
    from ltc.billing.documents import merging
    from ltc.people.merge_hooks import add_merge_hook

    add_merge_hook(merging.HOOK)


def register(app: Flask) -> None:
    from ltc.billing.documents import views

    app.register_blueprint(views.bp)
    app.register_blueprint(views.public)
