"""Billing document pages (issue 11 point 7): downloads in the user's scope (404 otherwise), the
exports of every list, and the family's public look-up of a beneficiary statement (no login,
one answer for any mismatch, throttled, audited)."""
import io
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from ltc.billing.documents import services
from ltc.core.audit import AuditEntry
from tests.conftest import NOW, login
from tests.people_builders import person
from tests.statement_builders import Line, settlement

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


@pytest.fixture
def billed(session, world):
    wang, li = person(session, 1, name="王秀英"), person(session, 2, name="李四")
    home = settlement(session, world.provider, MARCH, [
        Line(wang.id, "home", unit="minute", rate="65.00", units=120, ratio="0.90", billable="130.00")])
    nursing = settlement(session, world.provider2, MARCH, [Line(wang.id, units=20), Line(li.id, units=31)])
    draft = settlement(session, world.provider, APRIL, [Line(li.id, date_from=APRIL, date_to=date(2026, 5, 1))],
                       status="draft")
    session.commit()
    return {"wang": wang, "li": li, "home": home, "nursing": nursing, "draft": draft}


def pdf_text(content: bytes) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()
    return "".join(text.split())


# --- downloads in scope --------------------------------------------------------------------------------

@pytest.mark.usefixtures("real_pdf")
def test_a_provider_prints_the_statement_of_its_own_beneficiary(client, session, world, billed):
    login(client, "pr_op")
    response = client.get(f"/billing/statements/2026-03/{billed['wang'].id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    text = pdf_text(response.data)
    code = services.ensure_statement(session, billed["wang"].id, MARCH, now=NOW).code
    for expected in ("长期护理保险参保人月度结算单", "王秀英", "居家护理甲", code):
        assert expected in text, expected
    assert "养老院乙" not in text   # the other provider's lines are outside its scope


def test_statements_of_other_providers_beneficiaries_or_unpaid_months_are_404(client, world, billed):
    login(client, "pr_op")
    assert client.get(f"/billing/statements/2026-03/{billed['li'].id}.pdf").status_code == 404
    assert client.get(f"/billing/statements/2026-04/{billed['li'].id}.pdf").status_code == 404
    assert client.get(f"/billing/statements/2026-13/{billed['wang'].id}.pdf").status_code == 404
    client.post("/logout")
    login(client, "pr_carer")
    assert client.get(f"/billing/statements/2026-03/{billed['wang'].id}.pdf").status_code == 403


def test_the_settlement_statement_is_scoped_to_its_provider(client, world, billed):
    login(client, "pr_op")
    response = client.get(f"/billing/settlements/{billed['home'].id}/statement.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get(f"/billing/settlements/{billed['nursing'].id}/statement.pdf").status_code == 404
    assert client.get(f"/billing/settlements/{billed['nursing'].id}/lines?format=csv").status_code == 404


def test_the_lines_of_a_settlement_export_as_csv_and_xlsx(client, world, billed):
    login(client, "pr2_op")
    csv = client.get(f"/billing/settlements/{billed['nursing'].id}/lines?format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    rows = csv.data.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("类别,参保人,身份证号,服务形式") and len(rows) == 3
    assert "李四" in rows[1] and "1,705.00" in csv.data.decode("utf-8-sig")
    xlsx = client.get(f"/billing/settlements/{billed['nursing'].id}/lines?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[1]][:3] == ["类别", "参保人", "身份证号"] and sheet.max_row == 3


def test_the_payment_list_shows_approved_and_paid_settlements_and_exports(client, world, billed):
    login(client, "mia_admin")
    page = client.get("/billing/payments?month=2026-03")
    assert page.status_code == 200
    html = page.data.decode()
    assert html.count('data-testid="payment-row"') == 2 and "居家护理甲" in html and "养老院乙" in html
    pdf = client.get("/billing/payments?month=2026-03&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    csv = client.get("/billing/payments?month=2026-03&format=csv").data.decode("utf-8-sig").splitlines()
    assert len(csv) == 3 and csv[0].startswith("护理服务机构,统一社会信用代码,状态")
    xlsx = load_workbook(io.BytesIO(client.get("/billing/payments?month=2026-03&format=xlsx").data)).active
    assert xlsx.max_row == 3
    assert client.get("/billing/payments?month=2026-3").status_code == 404
    client.post("/logout")
    login(client, "pr_op")
    own = client.get("/billing/payments?month=2026-03").data.decode()
    assert own.count('data-testid="payment-row"') == 1 and "养老院乙" not in own


def test_the_statement_list_of_a_provider_names_its_own_beneficiaries_and_exports(client, world, billed):
    login(client, "pr2_op")
    html = client.get("/billing/statements?month=2026-03").data.decode()
    assert html.count('data-testid="statement-row"') == 2 and "1101" in html
    csv = client.get("/billing/statements?month=2026-03&format=csv").data.decode("utf-8-sig").splitlines()
    assert len(csv) == 3 and "待生成" in csv[1]
    xlsx = load_workbook(io.BytesIO(client.get("/billing/statements?month=2026-03&format=xlsx").data)).active
    assert xlsx.max_row == 3
    client.post("/logout")
    login(client, "pr_op")
    html = client.get("/billing/statements?month=2026-03").data.decode()
    assert html.count('data-testid="statement-row"') == 1 and "李四" not in html


# --- the public look-up ------------------------------------------------------------------------------------

def _code(session, person_id) -> str:
    statement = services.ensure_statement(session, person_id, MARCH, now=NOW)
    session.commit()
    return statement.code


def test_the_family_looks_the_statement_up_without_a_login(client, session, billed):
    code = _code(session, billed["wang"].id)
    page = client.get("/statement-lookup")
    assert page.status_code == 200 and "查询码" in page.data.decode()
    response = client.post("/statement-lookup", data={"id_number": billed["wang"].id_number, "code": code.lower()})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == services.ENTITY,
                                                     AuditEntry.action == "view")).one()
    assert entry.user_id is None and entry.after["via"] == "lookup"


def test_a_wrong_id_number_or_code_gets_one_answer_and_failures_lock_the_look_up(client, session, billed):
    wang, li = _code(session, billed["wang"].id), _code(session, billed["li"].id)
    answers = set()
    for id_number, code in ((billed["li"].id_number, wang), (billed["wang"].id_number, li),
                            (billed["wang"].id_number, "AAAA-AAAA-AAAA"), ("110101195001010000", wang)):
        response = client.post("/statement-lookup", data={"id_number": id_number, "code": code})
        body = response.data.decode()
        answers.add((response.status_code, "身份证号码或查询码不正确" in body, "王秀英" in body, "李四" in body))
    assert answers == {(404, True, False, False)}
    client.post("/statement-lookup", data={"id_number": billed["wang"].id_number, "code": "AAAA-AAAA-AAAA"})
    locked = client.post("/statement-lookup", data={"id_number": billed["wang"].id_number, "code": wang})
    assert locked.status_code == 429 and "查询失败次数过多" in locked.data.decode()


def test_the_look_up_form_needs_its_csrf_token(csrf_client, billed):
    response = csrf_client.post("/statement-lookup", data={"id_number": billed["wang"].id_number, "code": "X"})
    assert response.status_code == 400


def test_the_settlement_page_links_its_statement_and_line_exports(client, world, billed):
    login(client, "pr_op")
    html = client.get(f"/settlements/{billed['home'].id}").data.decode()
    for link in (f"/billing/settlements/{billed['home'].id}/statement.pdf",
                 f"/billing/settlements/{billed['home'].id}/lines?format=csv",
                 f"/billing/settlements/{billed['home'].id}/lines?format=xlsx"):
        assert link in html, link


def test_the_statement_list_is_paginated_and_its_export_has_every_row(client, monkeypatch, world, billed):
    from ltc.billing.documents import lists

    monkeypatch.setattr(lists, "PER_PAGE", 1)
    monkeypatch.setattr(lists, "EXPORT_CHUNK", 1)
    login(client, "mia_admin")
    first = client.get("/billing/statements?month=2026-03").data.decode()
    second = client.get("/billing/statements?month=2026-03&page=2").data.decode()
    assert first.count('data-testid="statement-row"') == second.count('data-testid="statement-row"') == 1
    assert ("李四" in first) != ("李四" in second) and "1 / 2" in first
    csv = client.get("/billing/statements?month=2026-03&format=csv").data.decode("utf-8-sig").splitlines()
    assert len(csv) == 3
