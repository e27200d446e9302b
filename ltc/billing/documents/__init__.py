"""Billing documents (SPEC §7.3, issue 11 point 7): the provider's settlement statement, the
per-beneficiary monthly statement with its public look-up (ID number + printed code), the payment
list, their CSV / XLSX exports, and the nightly job rendering the beneficiary statements of paid
settlements into files under the instance folder (each with its SHA-256).

PDFs are rendered by ``ltc.notices.pdf`` (WeasyPrint, CJK fonts, plain values only) from the
templates under ``templates/pdf/billing/``.
"""
from flask import Flask


def wire() -> None:
    from ltc.billing.documents.models import BeneficiaryStatement
    from ltc.people.merge_hooks import MergeHook, add_merge_hook, rows_of

    # a printed statement stays with the person row it was printed for (its code and file are history)
    add_merge_hook(MergeHook("beneficiary_statements", keeps=(BeneficiaryStatement.person_id,),
                             counts=(("参保人结算单", rows_of(BeneficiaryStatement.person_id)),)))


def register(app: Flask) -> None:
    from ltc.billing.documents import views

    app.register_blueprint(views.bp)
    app.register_blueprint(views.public)
