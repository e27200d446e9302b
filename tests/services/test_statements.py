"""Billing documents (issue 11 point 7, SPEC §7.3): what a beneficiary statement shows, the
provider's settlement statement and the payment list as real PDFs (``real_pdf``: the Chinese
text is extracted from the PDF), and the public look-up's rules."""
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ltc.auth.services import actor_of
from ltc.billing.documents import beneficiary, lookup, payments, provider, services
from ltc.billing.documents.models import StatementLookupAttempt
from ltc.core.audit import AuditEntry
from ltc.core.errors import NotFound
from ltc.notices.pdf import render_pdf
from tests.conftest import NOW, TODAY
from tests.people_builders import person
from tests.statement_builders import Line, home_visits, settlement

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
SECRET = "test-secret"


def pdf_text(content: bytes) -> str:
    """The PDF's text with every blank removed (table cells and letter spacing split words)."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()
    return "".join(text.split())


def contains(text: str, expected: str) -> bool:
    return "".join(expected.split()) in text


@pytest.fixture
def billed(session, world):
    """王秀英 billed in March by both providers (paid), with a draft April line and an adjustment for
    March booked in a later settlement that is not paid yet; 李四 billed by the second provider only."""
    wang = person(session, 1, name="王秀英")
    li = person(session, 2, name="李四")
    home = settlement(session, world.provider, MARCH, [
        Line(wang.id, "home", MARCH, APRIL, rate="65.00", unit="minute", units=300, ratio="0.90",
             billable="325.00", records=home_visits(date(2026, 3, 2), 5))])
    nursing = settlement(session, world.provider2, MARCH, [
        Line(wang.id, "institution", date(2026, 3, 10), APRIL, units=22, rejected={"E08": 2}),
        Line(li.id, "institution", MARCH, APRIL, units=31)])
    april = settlement(session, world.provider2, APRIL, [
        Line(wang.id, "institution", APRIL, date(2026, 5, 1), units=30),
        Line(wang.id, "institution", date(2026, 3, 25), date(2026, 3, 27), units=2, kind="adjustment",
             service_month=MARCH, reason="reevaluation", note="住院记录更正后补付 %(days)s 天", records=[])],
        status="audited")
    return {"wang": wang, "li": li, "home": home, "nursing": nursing, "april": april}


def test_beneficiary_statement_shows_the_paid_lines_of_the_month_across_providers(session, billed):
    source = beneficiary.read_source(session, billed["wang"].id, MARCH)
    values = beneficiary.statement_values(session, billed["wang"], MARCH, source, code="ABCD-EFGH-JKLM",
                                          issued_on=TODAY)
    assert [(r["provider"], r["care_type"], r["service"]) for r in values["rows"]] == [
        ("居家护理甲", "居家上门护理", "5小时"), ("养老院乙", "机构护理", "22床日")]
    assert values["rows"][0]["dates"] == "3月2日—3月6日" and values["rows"][1]["period"] == "3月10日—3月31日"
    assert values["totals"] == {"billable": "1,535.00", "fund": "1,200.00", "copay": "335.00"}
    assert values["id_number_masked"].startswith("1101") and "*" in values["id_number_masked"]


def test_an_adjustment_for_the_month_joins_the_statement_once_its_settlement_is_paid(session, billed):
    before = beneficiary.read_source(session, billed["wang"].id, MARCH)
    billed["april"].status = "paid"
    session.flush()
    after = beneficiary.read_source(session, billed["wang"].id, MARCH)
    assert len(after.lines) == len(before.lines) + 1 and after.key != before.key
    values = beneficiary.statement_values(session, billed["wang"], MARCH, after, code="X", issued_on=TODAY)
    adjustment = values["rows"][-1]
    assert (adjustment["kind"], adjustment["provider"]) == ("调整", "养老院乙")
    assert adjustment["note"] == "住院记录更正后补付 %(days)s 天"  # no params stored: the text as is
    assert beneficiary.month_sources(session, MARCH)[billed["wang"].id] == after.key


def test_a_month_with_nothing_paid_has_no_statement_lines(session, billed):
    assert beneficiary.read_source(session, billed["wang"].id, APRIL).empty  # April is only audited
    assert beneficiary.person_months(session, date(2026, 1, 1)) == [MARCH]


def test_codes_are_random_grouped_and_typed_in_any_spelling(session, billed):
    codes = {services.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 14 and c[4] == c[9] == "-" and set(c.replace("-", "")) <= set(services.CODE_ALPHABET)
               for c in codes)
    assert services.normalise_code(" abcd efgh-jkl m ") == "ABCD-EFGH-JKLM"
    first = services.ensure_statement(session, billed["wang"].id, MARCH, now=NOW)
    assert services.ensure_statement(session, billed["wang"].id, MARCH, now=NOW) is first


# --- real PDFs ---------------------------------------------------------------------------------------

@pytest.mark.usefixtures("real_pdf")
def test_the_beneficiary_statement_pdf_has_the_chinese_text_and_the_code(session, billed):
    statement = services.ensure_statement(session, billed["wang"].id, MARCH, now=NOW)
    source = beneficiary.read_source(session, billed["wang"].id, MARCH)
    text = pdf_text(render_pdf(services.TEMPLATE, services.template_values(session, statement, source, now=NOW)))
    for expected in ("长期护理保险参保人月度结算单", "王秀英", "2026年3月", "居家护理甲", "养老院乙", "居家上门护理",
                     "机构护理", "基金支付", "个人自付", "1,535.00", "1,200.00", "335.00", statement.code):
        assert contains(text, expected), expected


@pytest.mark.usefixtures("real_pdf")
def test_the_provider_statement_pdf_groups_lines_by_care_type_with_findings_deposit_and_net(session, billed):
    values = provider.statement_values(session, billed["nursing"], issued_on=TODAY)
    assert [g["care_type"] for g in values["groups"]] == ["机构护理"]
    assert values["groups"][0]["subtotal"] == {"billable": "2,915.00", "fund": "2,186.25", "copay": "728.75"}
    assert values["totals"]["deposit"] == "218.63" and values["totals"]["net"] == "1,967.62"
    text = pdf_text(render_pdf("billing/settlement_statement.html", values))
    for expected in ("长期护理保险定点护理服务机构月度结算单", "养老院乙", "机构护理小计", "王秀英", "李四",
                     "E08 住院期间服务 2", "质量保证金", "218.63", "实际支付", "1,967.62"):
        assert contains(text, expected), expected


def test_a_draft_statement_prints_no_deposit_and_a_negative_net_is_carried_forward(session, world, billed):
    draft = settlement(session, world.provider, APRIL, [Line(billed["li"].id)], status="draft")
    assert provider.totals_values(draft)["deposit"] is None and provider.totals_values(draft)["net"] is None
    owing = settlement(session, world.provider, date(2026, 2, 1), [
        Line(billed["li"].id, units=2), Line(billed["li"].id, units=10, kind="adjustment", rate="-55.00",
                                             service_month=date(2026, 1, 1), reason="recovery")], status="approved")
    totals = provider.totals_values(owing)
    assert (totals["net"], totals["carried_forward"]) == ("0.00", "338.25")


@pytest.mark.usefixtures("real_pdf")
def test_the_payment_list_has_the_approved_and_paid_settlements_with_their_net(session, world, billed):
    settlement(session, world.provider, date(2026, 3, 1) - timedelta(days=59), [], status="paid")
    rows = payments.payment_rows(session, MARCH, None)
    assert [(r["provider_name"], r["net"]) for r in rows] == [
        ("养老院乙", billed["nursing"].net), ("居家护理甲", billed["home"].net)]
    values = payments.payment_values(rows, MARCH, issued_on=TODAY)
    text = pdf_text(render_pdf("billing/payment_list.html", values))
    for expected in ("结算支付清单", "养老院乙", "居家护理甲", "质量保证金", "实际支付", values["totals"]["net"]):
        assert contains(text, expected), expected


# --- on-demand access ----------------------------------------------------------------------------------

def test_a_provider_opens_the_statements_of_its_own_beneficiaries_only(session, world, billed, tmp_path):
    user = world.users["pr_op"]
    prepared = services.open_statement(session, user, billed["wang"].id, MARCH, actor=actor_of(user),
                                       folder=tmp_path, now=NOW)
    assert prepared.content is None and prepared.values["person_name"] == "王秀英"
    # 王秀英 was billed by both providers in March: a provider's print shows its own lines only
    assert {r["provider"] for r in prepared.values["rows"]} == {world.provider.name}
    mia = services.open_statement(session, world.users["mia_admin"], billed["wang"].id, MARCH,
                                  actor=actor_of(world.users["mia_admin"]), folder=tmp_path, now=NOW)
    assert {r["provider"] for r in mia.values["rows"]} == {world.provider.name, world.provider2.name}
    with pytest.raises(NotFound):  # 李四 was billed by the other provider only
        services.open_statement(session, user, billed["li"].id, MARCH, actor=actor_of(user), folder=tmp_path, now=NOW)
    with pytest.raises(NotFound):  # nothing paid in April
        services.open_statement(session, user, billed["wang"].id, APRIL, actor=actor_of(user), folder=tmp_path,
                                now=NOW)
    viewed = session.scalars(select(AuditEntry).where(AuditEntry.entity == services.ENTITY)).all()
    assert [(a.action, a.user_id) for a in viewed] == [("view", user.id), ("view", world.users["mia_admin"].id)]


# --- the public look-up ----------------------------------------------------------------------------------

def _look_up(session, id_number, code, *, ip="10.0.0.1", at=NOW):
    return lookup.look_up(session, id_number=id_number, code=code, ip=ip, now=at, secret=SECRET)


def test_the_look_up_finds_the_statement_by_id_number_and_code(session, billed):
    statement = services.ensure_statement(session, billed["wang"].id, MARCH, now=NOW)
    typed = statement.code.lower().replace("-", " ")
    found = _look_up(session, " " + billed["wang"].id_number.lower() + " ", typed)
    assert found is statement
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == services.ENTITY)).one()
    assert (entry.action, entry.user_id, entry.after["via"]) == ("view", None, "lookup")


def test_a_wrong_id_number_and_a_wrong_code_get_the_same_answer(session, billed):
    wang = services.ensure_statement(session, billed["wang"].id, MARCH, now=NOW)
    li = services.ensure_statement(session, billed["li"].id, MARCH, now=NOW)
    answers = []
    for id_number, code in ((billed["li"].id_number, wang.code),       # someone else's ID
                            (billed["wang"].id_number, "AAAA-AAAA-AAAA"),  # a wrong code
                            (billed["wang"].id_number, li.code),       # a code of another statement
                            ("110101195001010000", "AAAA-AAAA-AAAA")):  # nobody
        with pytest.raises(lookup.LookupFailed) as refused:
            _look_up(session, id_number, code)
        answers.append((refused.value.message, refused.value.status))
    assert set(answers) == {("身份证号码或查询码不正确", 404)}
    attempts = session.scalars(select(StatementLookupAttempt)).all()
    assert [a.success for a in attempts] == [False] * 4 and billed["wang"].id_number not in attempts[1].id_hash


def test_failures_lock_the_look_up_like_the_login(session, billed):
    statement = services.ensure_statement(session, billed["wang"].id, MARCH, now=NOW)
    for i in range(5):
        with pytest.raises(lookup.LookupFailed):
            _look_up(session, billed["wang"].id_number, "AAAA-AAAA-AAAA", at=NOW + timedelta(seconds=i))
    with pytest.raises(lookup.LookupLocked) as locked:  # even the right code, from that IP
        _look_up(session, billed["wang"].id_number, statement.code, at=NOW + timedelta(minutes=1))
    assert locked.value.status == 429
    assert _look_up(session, billed["wang"].id_number, statement.code, ip="10.0.0.2",
                    at=NOW + timedelta(minutes=1)) is statement  # another IP, the ID not yet locked
    assert _look_up(session, billed["wang"].id_number, statement.code,
                    at=NOW + timedelta(minutes=16)) is statement  # the window has passed


def test_guessing_one_id_number_from_many_addresses_locks_that_id_number(session, billed):
    statement = services.ensure_statement(session, billed["wang"].id, MARCH, now=NOW)
    for i in range(20):
        with pytest.raises(lookup.LookupFailed):
            _look_up(session, billed["wang"].id_number, "AAAA-AAAA-AAAA", ip=f"10.1.0.{i}")
    with pytest.raises(lookup.LookupLocked):
        _look_up(session, billed["wang"].id_number, statement.code, ip="10.2.0.1")

