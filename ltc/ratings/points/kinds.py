"""Violation points' own values (pure): which finding a ledger row counts and why it attached.
Stored as VARCHAR; the models' CHECK constraints come from these enums, the pages show them through labels."""
from enum import StrEnum

from ltc.compliance.kinds import RuleCode

#: the daily job that attaches the points that fell due (``ltc.scheduler.registry``)
POINTS_JOB = "violation_points"
#: the insurer's fraud finding (SPEC §6: fraud → 12 points), a pseudo-rule beside the rule codes
FRAUD = "FRAUD"

#: a ledger row's rule: a rule code of SPEC §6, or the insurer's fraud finding
PointRule = StrEnum("PointRule", {**{rule.name: rule.value for rule in RuleCode}, FRAUD: FRAUD})

#: FLAG rules that count only when the insurer confirms the records as falsified (SPEC §6: S01, S02)
FALSIFICATION_RULES = frozenset({RuleCode.S01.value, RuleCode.S02.value})


class PointCause(StrEnum):
    """Why points attached: a REJECT finding that stood (no appeal in the window, or the appeal lost), a
    FLAG the insurer refused (S01 / S02: as falsified), the insurer's fraud finding. A row names the lost
    appeal when there was one."""

    REJECT = "reject"
    FLAG_REFUSED = "flag_refused"
    FALSIFIED = "falsified"
    FRAUD = "fraud"


#: msgids, translated where shown
POINT_CAUSE_LABELS = {
    PointCause.REJECT: "系统拒付已确认",
    PointCause.FLAG_REFUSED: "待审核记录经商保公司审核不予支付", PointCause.FALSIFIED: "商保公司认定服务记录系伪造",
    PointCause.FRAUD: "商保公司有证据认定欺诈"}
FRAUD_LABEL = "欺诈（商保公司认定）"
#: how the points became final: the appeal window closed without an appeal on the record, or the appeal lost
NO_APPEAL_LABEL = "申诉期满未申诉"
APPEAL_LOST_LABEL = "申诉不成立"
