"""Payment (SPEC §7.3): the insurer records date and bank reference, or exports a bank batch file and
imports its return file (paid / failed per line, bad rows named, nothing written); paid is immutable."""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from ltc.billing.models import SettlementLine
from ltc.billing.review import approval, auditing, payment
from ltc.billing.review.models import PaymentBatchLine
from ltc.core.db import ImmutableRecord
from ltc.core.errors import InvalidTransition, ValidationFailed
from tests.settlement_review_builders import AUDIT_NOW, actor, audited


def approved(session, world, **kw):
    built = audited(session, world, **kw)
    approval.approve(session, built.settlement, actor=actor(world, "mia_rev"), now=AUDIT_NOW)
    return built


def test_recording_the_payment_completes_the_case_and_the_settlement_is_paid(session, world):
    built = approved(session, world)
    with pytest.raises(ValidationFailed):
        payment.record_payment(session, built.settlement, paid_on=date(2026, 7, 24), bank_reference=" ",
                               actor=actor(world, "ins_op"), now=AUDIT_NOW)
    case = payment.record_payment(session, built.settlement, paid_on=date(2026, 7, 24), bank_reference="ZH2026072401",
                                  actor=actor(world, "ins_op"), now=AUDIT_NOW)
    assert (case.status, built.settlement.status) == ("completed", "paid")
    row = payment.audit_row(session, built.settlement)
    assert (row.paid_on, row.bank_reference) == (date(2026, 7, 24), "ZH2026072401")


def test_the_amount_paid_is_the_approved_fund_less_the_quality_deposit(session, world):
    """Approved fund = fund − the audit's deductions; the approval withholds 10 % of it (half-up, SPEC
    §7.3) and the bank pays the rest (no adjustments this month)."""
    built = approved(session, world)
    approved_fund = built.settlement.fund - Decimal("58.50")
    assert payment.approved_fund(session, built.settlement) == approved_fund
    deposit = (approved_fund * Decimal("0.10")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert built.settlement.deposit == deposit
    assert payment.payable_amount(session, built.settlement) == approved_fund - deposit == built.settlement.net


def test_a_paid_settlement_is_immutable_in_the_services_and_at_flush(session, world):
    built = approved(session, world)
    payment.record_payment(session, built.settlement, paid_on=date(2026, 7, 24), bank_reference="R1",
                           actor=actor(world, "ins_op"), now=AUDIT_NOW)
    with pytest.raises(InvalidTransition):
        auditing.decide_flagged(session, built.settlement, [("visit", built.flagged[0].id)], "pay",
                                actor=actor(world, "ins_rev"), now=AUDIT_NOW)
    with pytest.raises(InvalidTransition):
        payment.record_payment(session, built.settlement, paid_on=date(2026, 7, 25), bank_reference="R2",
                               actor=actor(world, "ins_op"), now=AUDIT_NOW)
    built.settlement.fund = Decimal("1.00")
    with pytest.raises(ImmutableRecord):
        session.flush()
    session.expire_all()
    line = session.scalars(select(SettlementLine).where(SettlementLine.settlement_id == built.settlement.id)).first()
    line.fund = Decimal("0.00")
    with pytest.raises(ImmutableRecord):
        session.flush()


def _return_file(*rows: str) -> bytes:
    return ("\n".join(["批次行号,结果,银行流水号,支付日期,失败原因", *rows]) + "\n").encode("utf-8-sig")


def test_the_batch_file_lists_the_insurers_settlements_awaiting_payment(session, world):
    built = approved(session, world)
    batch, text = payment.export_batch(session, actor=actor(world, "ins_op"), now=AUDIT_NOW)
    [line] = session.scalars(select(PaymentBatchLine).where(PaymentBatchLine.batch_id == batch.id)).all()
    header, row = text.strip().split("\r\n")
    assert header == "批次行号,结算编号,机构名称,统一社会信用代码,结算月份,金额"
    assert row.split(",") == [str(line.id), str(built.settlement.id), world.provider.name, world.provider.uscc,
                              "2026-06", str(payment.payable_amount(session, built.settlement))]
    assert batch.total == line.amount
    with pytest.raises(ValidationFailed):  # nothing left to pay: the line is pending at the bank
        payment.export_batch(session, actor=actor(world, "ins_op"), now=AUDIT_NOW)


def test_the_return_file_marks_paid_and_failed_lines(session, world):
    built = approved(session, world)
    other = approved(session, world, n0=40, provider=world.provider2)
    batch, _ = payment.export_batch(session, actor=actor(world, "ins_op"), now=AUDIT_NOW)
    lines = {ln.settlement_id: ln for ln in session.scalars(select(PaymentBatchLine))}
    paid, failed = payment.import_return(session, batch, _return_file(
        f"{lines[built.settlement.id].id},成功,BK-001,2026-07-24,",
        f"{lines[other.settlement.id].id},失败,,,账户已冻结"), actor=actor(world, "ins_op"), now=AUDIT_NOW)
    assert (paid, failed) == (1, 1)
    assert (built.settlement.status, other.settlement.status) == ("paid", "approved")
    assert (lines[other.settlement.id].status, lines[other.settlement.id].error) == ("failed", "账户已冻结")
    assert payment.audit_row(session, built.settlement).bank_reference == "BK-001"
    assert [s.id for s in payment.awaiting_payment(session, world.insurer.id)] == [other.settlement.id]


def test_a_return_file_with_bad_rows_names_each_row_and_writes_nothing(session, world):
    built = approved(session, world)
    batch, _ = payment.export_batch(session, actor=actor(world, "ins_op"), now=AUDIT_NOW)
    line = session.scalars(select(PaymentBatchLine)).one()
    with pytest.raises(ValidationFailed) as refused:
        payment.import_return(session, batch, _return_file(
            f"{line.id},成功,,2026-07-24,", "999999,成功,X,2026-07-24,", f"{line.id},也许,X,7月24日,"),
            actor=actor(world, "ins_op"), now=AUDIT_NOW)
    message = refused.value.message
    assert "第 2 行：支付成功须填写银行流水号" in message
    assert "第 3 行：批次行号 999999 不属于本批次" in message
    assert "第 4 行：批次行号" in message and "重复" in message and "第 4 行：结果须为" in message
    assert (line.status, built.settlement.status) == ("pending", "approved")
    with pytest.raises(ValidationFailed):
        payment.import_return(session, batch, b"a,b\n1,2\n", actor=actor(world, "ins_op"), now=AUDIT_NOW)
