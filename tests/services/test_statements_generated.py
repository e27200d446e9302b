"""Statements of real generated settlements (issue 11 point 7 with bill-core's generation): SPEC
§7.2's worked example 2 (home care, June, one short visit) generated, marked paid, and printed for
the family and for the provider, the Chinese text and the amounts to the cent read from the PDFs."""
import subprocess
from datetime import date

import pytest

from ltc.billing.documents import beneficiary, provider, services
from ltc.billing.models import Settlement
from ltc.notices.pdf import render_pdf
from tests.conftest import NOW, TODAY
from tests.settlement_builders import example_home, example_special, generate

pytestmark = pytest.mark.usefixtures("real_pdf")
JUNE, JANUARY = date(2026, 6, 1), date(2026, 1, 1)


def pdf_text(content: bytes) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()
    return "".join(text.split())


def paid(session, settlement_id: int) -> Settlement:
    """The settlement as the payment step leaves it (bill-review records the payment)."""
    settlement = session.get(Settlement, settlement_id)
    settlement.status = "paid"
    session.flush()
    return settlement


def test_the_family_statement_of_a_generated_home_care_month_shows_what_was_paid(session):
    agency, someone, _nurse = example_home(session)
    settlement = paid(session, generate(session, agency, JUNE).settlement_id)
    source = beneficiary.read_source(session, someone.id, JUNE)
    statement = services.ensure_statement(session, someone.id, JUNE, now=NOW)
    values = services.template_values(session, statement, source, now=NOW)
    assert values["totals"] == {"billable": "1,885.00", "fund": "1,696.50", "copay": "188.50"}  # SPEC §7.2 ex. 2
    text = pdf_text(render_pdf(services.TEMPLATE, values))
    for expected in ("长期护理保险参保人月度结算单", "2026年6月", someone.name, "居家护理丙", "居家上门护理", "29小时",
                     "1,885.00", "1,696.50", "188.50", statement.code):
        assert expected in text, expected
    statement_pdf = render_pdf("billing/settlement_statement.html",
                               provider.statement_values(session, settlement, issued_on=TODAY))
    provider_text = pdf_text(statement_pdf)
    for expected in ("居家护理丙", "居家上门护理小计", "V03", "1,885.00", "1,696.50", "质量保证金"):
        assert expected in provider_text, expected


def test_an_unpaid_generated_month_prints_no_family_statement(session):
    hospital, patient = example_special(session)
    generate(session, hospital, JANUARY)  # a draft
    assert beneficiary.read_source(session, patient.id, JANUARY).empty
