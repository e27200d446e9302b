"""Settlement kinds, statuses, line kinds, units and adjustment reasons (pure). Stored as VARCHAR;
the models' CHECK constraints come from these enums, the pages show them through the label tables."""
from enum import StrEnum

from ltc.billing.pricing.model import Unit   # what a line's units count: day, minute, visit, package


class SettlementKind(StrEnum):
    """One regular settlement per provider and service month (SPEC §7.3)."""

    REGULAR = "regular"


class SettlementStatus(StrEnum):
    """``draft`` (generated, regenerable) → ``submitted`` by the provider → ``audited`` by the insurer →
    ``approved`` by the MIA → ``paid``; the MIA may return an audited settlement to the insurer
    (``returned``, audited again). Only a draft is ever regenerated; a paid one is immutable."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    AUDITED = "audited"
    APPROVED = "approved"
    PAID = "paid"
    RETURNED = "returned"


class LineKind(StrEnum):
    """``regular``: a rate row of the service month; ``late`` (补记): records of an earlier, already
    submitted month entered after its submission, priced on the cap left; ``adjustment``: a ± correction
    of an earlier month (re-evaluation, won appeal, recovery, deposit release …)."""

    REGULAR = "regular"
    LATE = "late"
    ADJUSTMENT = "adjustment"


class AdjustmentReason(StrEnum):
    """Why an adjustment line corrects an earlier month."""

    REEVALUATION = "reevaluation"      # a dated fact changed after the month was submitted (SPEC §7.3)
    APPEAL = "appeal"                  # a won appeal (bill-review)
    RECOVERY = "recovery"              # money recovered by the insurer or the MIA
    DEPOSIT_RELEASE = "deposit_release"  # year-end clearing of the quality deposit (bill-money)


class RevisionSource(StrEnum):
    """What made a revision: the monthly job, the provider's own regeneration, the nightly job after
    the month's records or facts changed, or the command line."""

    SCHEDULE = "schedule"
    PROVIDER = "provider"
    NIGHTLY = "nightly"
    COMMAND = "command"


#: the scheduler jobs of settlements (``ltc.scheduler.registry``)
GENERATE_JOB = "generate_settlements"
REGENERATE_JOB = "settlement_regeneration"

#: msgids, translated where shown
SETTLEMENT_KIND_LABELS = {SettlementKind.REGULAR: "月度结算"}
SETTLEMENT_STATUS_LABELS = {
    SettlementStatus.DRAFT: "草稿", SettlementStatus.SUBMITTED: "已提交", SettlementStatus.AUDITED: "已审核",
    SettlementStatus.APPROVED: "已审批", SettlementStatus.PAID: "已支付", SettlementStatus.RETURNED: "已退回"}
LINE_KIND_LABELS = {LineKind.REGULAR: "本月服务", LineKind.LATE: "补记", LineKind.ADJUSTMENT: "调整"}
UNIT_LABELS = {Unit.DAY: "床日", Unit.MINUTE: "分钟", Unit.VISIT: "次", Unit.PACKAGE: "服务包"}
ADJUSTMENT_REASON_LABELS = {
    AdjustmentReason.REEVALUATION: "重新核定", AdjustmentReason.APPEAL: "申诉成立",
    AdjustmentReason.RECOVERY: "追回", AdjustmentReason.DEPOSIT_RELEASE: "质量保证金返还"}
REVISION_SOURCE_LABELS = {
    RevisionSource.SCHEDULE: "定时生成", RevisionSource.PROVIDER: "机构重新生成",
    RevisionSource.NIGHTLY: "夜间重新生成", RevisionSource.COMMAND: "命令行生成"}
