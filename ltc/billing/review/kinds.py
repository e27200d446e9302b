"""The settlement review's own values (pure): record decisions, where a decided record came from,
appeal outcomes, bank batch line statuses, refusal reasons and the trail's actions. Stored as
VARCHAR; the models' CHECK constraints come from these enums, the pages show them through labels."""
from enum import StrEnum


#: the on-demand job of a queued bulk approval (``ltc.scheduler.registry``)
APPROVAL_JOB = "settlement_approval"


class RecordDecision(StrEnum):
    """The insurer's decision on one record of a submitted settlement (SPEC §7.3)."""

    PAY = "pay"
    REFUSE = "refuse"


class RecordOrigin(StrEnum):
    """Why the insurer decides a record: it carries an open FLAG, its person was sampled, or its person's
    follow-up visit did not confirm the services (the units are held, SPEC §7.2, §8)."""

    FLAG = "flag"
    SAMPLE = "sample"
    FOLLOW_UP = "follow_up"


class AppealOutcome(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    CANCELLED = "cancelled"


class AppealItemKind(StrEnum):
    """What an appeal item contests: a record the insurer refused (a deduction), or an automatic
    REJECT finding of the settlement's generation."""

    REFUSAL = "refusal"
    REJECT = "reject"


class BatchLineStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"


class RefusalReason(StrEnum):
    """Coded reasons of a refused record (OTHER, FALSIFIED, FRAUD: text required). FALSIFIED confirms an
    S01 / S02 flag as a falsified record and FRAUD is the insurer's fraud finding, its text the evidence:
    both give the carer violation points (SPEC §6)."""

    NOT_DELIVERED = "NOT_DELIVERED"
    NO_EVIDENCE = "NO_EVIDENCE"
    LOCATION = "LOCATION"
    DURATION = "DURATION"
    NOT_PLANNED = "NOT_PLANNED"
    OTHER = "OTHER"
    FALSIFIED = "FALSIFIED"
    FRAUD = "FRAUD"


#: refusal reasons that need the insurer's own words (the evidence, for a falsified record or fraud)
REASONS_WITH_TEXT = {RefusalReason.OTHER: "原因为“其他”时须写明具体原因",
                     RefusalReason.FALSIFIED: "认定伪造服务记录时须写明依据",
                     RefusalReason.FRAUD: "认定欺诈时须写明证据"}


class ReviewAction(StrEnum):
    """The entries of a settlement's review trail (one per decision: who, when, why)."""

    SUBMITTED = "submitted"
    REMARK = "remark"
    RECORD_DECIDED = "record_decided"
    SAMPLE_DRAWN = "sample_drawn"
    AUDIT_DONE = "audit_done"
    AUDIT_RETURNED = "audit_returned"
    APPROVED = "approved"
    RETURNED = "returned"
    BATCH_EXPORTED = "batch_exported"
    PAYMENT_FAILED = "payment_failed"
    PAID = "paid"
    APPEAL_FILED = "appeal_filed"
    APPEAL_WON = "appeal_won"
    APPEAL_LOST = "appeal_lost"


#: msgids, translated where shown
RECORD_DECISION_LABELS = {RecordDecision.PAY: "予以支付", RecordDecision.REFUSE: "不予支付"}
RECORD_ORIGIN_LABELS = {RecordOrigin.FLAG: "待审核记录", RecordOrigin.SAMPLE: "抽查记录",
                        RecordOrigin.FOLLOW_UP: "回访未确认服务"}
APPEAL_OUTCOME_LABELS = {AppealOutcome.OPEN: "审理中", AppealOutcome.WON: "申诉成立",
                         AppealOutcome.LOST: "申诉不成立", AppealOutcome.CANCELLED: "已撤销"}
APPEAL_ITEM_KIND_LABELS = {AppealItemKind.REFUSAL: "审核扣减", AppealItemKind.REJECT: "系统拒付"}
BATCH_LINE_STATUS_LABELS = {BatchLineStatus.PENDING: "待银行回盘", BatchLineStatus.PAID: "已支付",
                            BatchLineStatus.FAILED: "支付失败"}
REFUSAL_REASON_LABELS = {
    RefusalReason.NOT_DELIVERED: "服务未实际提供", RefusalReason.NO_EVIDENCE: "证据不足",
    RefusalReason.LOCATION: "服务地点不符", RefusalReason.DURATION: "服务时长不符",
    RefusalReason.NOT_PLANNED: "服务项目不在护理计划内", RefusalReason.OTHER: "其他",
    RefusalReason.FALSIFIED: "伪造服务记录（经核实）", RefusalReason.FRAUD: "欺诈（有证据）"}
REVIEW_ACTION_LABELS = {
    ReviewAction.SUBMITTED: "提交结算", ReviewAction.REMARK: "记录说明", ReviewAction.RECORD_DECIDED: "记录审核",
    ReviewAction.SAMPLE_DRAWN: "抽取样本", ReviewAction.AUDIT_DONE: "审核完成", ReviewAction.AUDIT_RETURNED: "审核退回",
    ReviewAction.APPROVED: "医保审批通过", ReviewAction.RETURNED: "医保退回商保公司",
    ReviewAction.BATCH_EXPORTED: "导出银行批量文件", ReviewAction.PAYMENT_FAILED: "银行支付失败",
    ReviewAction.PAID: "已支付", ReviewAction.APPEAL_FILED: "提出申诉", ReviewAction.APPEAL_WON: "申诉成立",
    ReviewAction.APPEAL_LOST: "申诉不成立"}
