"""Payment of approved settlements (SPEC §7.3, REF by day 25): the insurer records the date and bank
reference, or exports a bank batch file (CSV) for the approved settlements it owns and imports the
bank's return file, which marks each line paid (the settlement is paid: its case completes) or failed
(the settlement waits to be paid again). A file with any bad row writes nothing and names each row.
Paid settlements are immutable. Flushes, never commits."""
import csv
import io
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.deposits.services import net_of
from ltc.billing.models import Settlement
from ltc.billing.review.kinds import BatchLineStatus, ReviewAction
from ltc.billing.review.models import PaymentBatch, PaymentBatchLine
from ltc.billing.review.trail import write_event
from ltc.billing.review.workflow import at_step, audit_row, decide_step, ensure_owner
from ltc.core.audit import Actor
from ltc.core.errors import ValidationFailed
from ltc.core.words import nested
from ltc.orgs.models import Organisation
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase, ReviewStage

ZERO = Decimal("0.00")
BATCH_HEADER = ("批次行号", "结算编号", "机构名称", "统一社会信用代码", "结算月份", "金额")
RETURN_HEADER = ("批次行号", "结果", "银行流水号", "支付日期", "失败原因")
RESULTS = {"成功": BatchLineStatus.PAID, "paid": BatchLineStatus.PAID,
           "失败": BatchLineStatus.FAILED, "failed": BatchLineStatus.FAILED}


def approved_fund(session: Session, settlement: Settlement) -> Decimal:
    """The fund the MIA approves: the settlement's fund less the audit's deductions."""
    return settlement.fund - audit_row(session, settlement).deducted_fund


def payable_amount(session: Session, settlement: Settlement) -> Decimal:
    """What the bank pays: the net payment booked at approval (approved fund − quality deposit ±
    adjustments + a negative net carried in, never negative: ``ltc.billing.deposits``); before the
    approval, the net less the audit's deductions."""
    booked = net_of(session, settlement.id)
    if booked is not None:
        return booked.payable
    return max(ZERO, settlement.net - audit_row(session, settlement).deducted_fund)


def record_payment(session: Session, settlement: Settlement, *, paid_on: date, bank_reference: str,
                   actor: Actor, now: datetime) -> ReviewCase:
    """The insurer records the payment (date and bank reference): the case completes, the settlement is
    paid and immutable from then on. Raises ValidationFailed without a reference."""
    reference = (bank_reference or "").strip()
    if not reference or len(reference) > 60:
        raise ValidationFailed("请填写银行流水号（不超过60字）", {"bank_reference": "required"})
    case = at_step(session, settlement, "payment")
    ensure_owner(session, case, actor)
    row = audit_row(session, settlement)
    row.paid_on, row.bank_reference, row.paid_at = paid_on, reference, now
    session.flush()
    case = decide_step(session, settlement, "payment", DecisionInput("approve"), ReviewAction.PAID, actor=actor,
                       now=now)
    return case


def payment_problem(session: Session, settlement: Settlement) -> str | None:
    """The payment step's precondition: a payment date and bank reference are recorded."""
    row = audit_row(session, settlement)
    return None if row.paid_on and row.bank_reference else "尚未登记支付日期和银行流水号"


def awaiting_payment(session: Session, insurer_id: int) -> list[Settlement]:
    """The settlements at the payment step owned by ``insurer_id`` and in no pending batch line."""
    pending = select(PaymentBatchLine.settlement_id).where(PaymentBatchLine.status == BatchLineStatus.PENDING.value)
    return list(session.scalars(
        select(Settlement).join(ReviewCase, ReviewCase.id == Settlement.case_id)
        .join(ReviewStage, (ReviewStage.case_id == ReviewCase.id) & ReviewStage.left_at.is_(None))
        .where(ReviewCase.step_code == "payment", ReviewStage.owner_org_id == insurer_id,
               Settlement.id.not_in(pending)).order_by(Settlement.month, Settlement.provider_id)))


def export_batch(session: Session, *, actor: Actor, now: datetime,
                 settlement_ids: list[int] | None = None) -> tuple[PaymentBatch, str]:
    """A batch of the insurer's settlements awaiting payment (those listed, or all) and its CSV text.
    Raises ValidationFailed when there is nothing to pay."""
    chosen = [s for s in awaiting_payment(session, actor.org_id)
              if settlement_ids is None or s.id in settlement_ids]
    if not chosen:
        raise ValidationFailed("没有待支付的结算", {"settlements": "none"})
    batch = PaymentBatch(insurer_id=actor.org_id, created_at=now, created_by=actor.user_id)
    session.add(batch)
    session.flush()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(BATCH_HEADER)
    for settlement in chosen:
        line = PaymentBatchLine(batch_id=batch.id, settlement_id=settlement.id,
                                amount=payable_amount(session, settlement))
        session.add(line)
        session.flush()
        provider = session.get(Organisation, settlement.provider_id)
        writer.writerow((line.id, settlement.id, provider.name, provider.uscc, settlement.month.strftime("%Y-%m"),
                         str(line.amount)))
        batch.total += line.amount
        write_event(session, settlement, ReviewAction.BATCH_EXPORTED, actor=actor, now=now,
                    data={"batch": batch.id, "line": line.id, "amount": line.amount})
    session.flush()
    return batch, out.getvalue()


def _parse_row(number: int, row: dict, lines: dict[int, PaymentBatchLine], seen: set[int]) -> tuple[list, tuple]:
    errors = []
    try:
        line_id = int((row.get("批次行号") or "").strip())
    except ValueError:
        return [nested("第 %(row)s 行：批次行号无效", row=number)], ()
    line = lines.get(line_id)
    if line is None:
        errors.append(nested("第 %(row)s 行：批次行号 %(line)s 不属于本批次", row=number, line=line_id))
    elif line_id in seen:
        errors.append(nested("第 %(row)s 行：批次行号 %(line)s 重复", row=number, line=line_id))
    elif line.status != BatchLineStatus.PENDING.value:
        errors.append(nested("第 %(row)s 行：批次行号 %(line)s 已处理", row=number, line=line_id))
    seen.add(line_id)
    result = RESULTS.get((row.get("结果") or "").strip())
    if result is None:
        errors.append(nested("第 %(row)s 行：结果须为“成功”或“失败”", row=number))
    reference, paid_on, reason = (row.get("银行流水号") or "").strip(), None, (row.get("失败原因") or "").strip()
    if result == BatchLineStatus.PAID:
        if not reference or len(reference) > 60:
            errors.append(nested("第 %(row)s 行：支付成功须填写银行流水号", row=number))
        try:
            paid_on = date.fromisoformat((row.get("支付日期") or "").strip())
        except ValueError:
            errors.append(nested("第 %(row)s 行：支付日期须为 YYYY-MM-DD", row=number))
    if result == BatchLineStatus.FAILED and not reason:
        errors.append(nested("第 %(row)s 行：支付失败须填写失败原因", row=number))
    return errors, (line, result, reference, paid_on, reason[:300])


def _read_return(data: bytes, lines: dict[int, PaymentBatchLine]) -> list[tuple]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("回盘文件须为 UTF-8 编码的 CSV", {"file": "encoding"}) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [name for name in RETURN_HEADER if name not in (reader.fieldnames or ())]
    if missing:
        raise ValidationFailed("回盘文件缺少列：%(columns)s", {"file": "columns"},
                               params={"columns": "、".join(missing)})
    errors, parsed, seen = [], [], set()
    for number, row in enumerate(reader, start=2):
        row_errors, values = _parse_row(number, row, lines, seen)
        errors += row_errors
        parsed.append(values)
    if errors:
        raise ValidationFailed("回盘文件有误，未作任何处理：%(errors)s", {"file": "rows"}, params={"errors": errors})
    if not parsed:
        raise ValidationFailed("回盘文件没有数据行", {"file": "empty"})
    return parsed


def import_return(session: Session, batch: PaymentBatch, data: bytes, *, actor: Actor,
                  now: datetime) -> tuple[int, int]:
    """Apply the bank's return file to ``batch``: each paid line records the payment (the settlement is
    paid), each failed line is marked with the bank's reason. Returns (paid, failed). Raises
    ValidationFailed naming every bad row (nothing written)."""
    if batch.insurer_id != actor.org_id:
        raise ValidationFailed("该批次不属于贵机构", {"batch": "not yours"})
    lines = {line.id: line for line in session.scalars(select(PaymentBatchLine).where(
        PaymentBatchLine.batch_id == batch.id))}
    paid = failed = 0
    for line, result, reference, paid_on, reason in _read_return(data, lines):
        settlement = session.get(Settlement, line.settlement_id)
        line.status = result.value
        if result == BatchLineStatus.PAID:
            line.bank_reference, line.paid_on = reference, paid_on
            record_payment(session, settlement, paid_on=paid_on, bank_reference=reference, actor=actor, now=now)
            paid += 1
        else:
            line.error = reason
            write_event(session, settlement, ReviewAction.PAYMENT_FAILED, actor=actor, now=now, text=reason,
                        data={"batch": batch.id, "line": line.id})
            failed += 1
    batch.returned_at = now
    session.flush()
    return paid, failed
