"""Dynamic management (SPEC §8 effects): states, decisions and their words (pure)."""
from enum import StrEnum

#: a monthly star at or below this is a fall that calls for a rectification notice
RECTIFY_AT_OR_BELOW = 2


class NoticeStatus(StrEnum):
    """A rectification notice waits for the provider's written response, then for the insurer's check;
    a response not accepted sends it back to the provider."""

    AWAITING_RESPONSE = "awaiting_response"
    AWAITING_CHECK = "awaiting_check"
    ACCEPTED = "accepted"


class CheckDecision(StrEnum):
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"


class ProposalCause(StrEnum):
    """Why an agreement review is proposed: an annual ★1, or ★2 in two consecutive annual ratings."""

    ANNUAL_ONE_STAR = "annual_one_star"
    TWO_YEARS_TWO_STARS = "two_years_two_stars"


class ProposalStatus(StrEnum):
    PENDING = "pending"
    SUSPENDED = "suspended"
    ENDED = "ended"
    KEPT = "kept"


class ProposalDecision(StrEnum):
    """The MIA's decision: suspend the provider from a date, end its agreement on a date, or keep it."""

    SUSPEND = "suspend"
    END = "end"
    KEEP = "keep"


class EffectAction(StrEnum):
    ISSUED = "issued"
    RESPONDED = "responded"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    PROPOSED = "proposed"
    SUSPENDED = "suspended"
    ENDED = "ended"
    KEPT = "kept"


DECISION_STATUS = {ProposalDecision.SUSPEND: ProposalStatus.SUSPENDED, ProposalDecision.END: ProposalStatus.ENDED,
                   ProposalDecision.KEEP: ProposalStatus.KEPT}
DECISION_ACTION = {ProposalDecision.SUSPEND: EffectAction.SUSPENDED, ProposalDecision.END: EffectAction.ENDED,
                   ProposalDecision.KEEP: EffectAction.KEPT}

#: msgids, translated where shown
NOTICE_STATUS_LABELS = {NoticeStatus.AWAITING_RESPONSE: "待机构整改答复", NoticeStatus.AWAITING_CHECK: "待承办机构核查",
                        NoticeStatus.ACCEPTED: "整改已通过"}
CHECK_DECISION_LABELS = {CheckDecision.ACCEPTED: "通过", CheckDecision.NOT_ACCEPTED: "不通过"}
PROPOSAL_CAUSE_LABELS = {ProposalCause.ANNUAL_ONE_STAR: "年度星级为一星",
                         ProposalCause.TWO_YEARS_TWO_STARS: "连续两个年度星级为二星"}
PROPOSAL_STATUS_LABELS = {ProposalStatus.PENDING: "待医保经办机构处理", ProposalStatus.SUSPENDED: "已暂停协议",
                          ProposalStatus.ENDED: "已终止协议", ProposalStatus.KEPT: "维持协议"}
PROPOSAL_DECISION_LABELS = {ProposalDecision.SUSPEND: "暂停协议", ProposalDecision.END: "终止协议",
                            ProposalDecision.KEEP: "维持协议"}
EFFECT_ACTION_LABELS = {EffectAction.ISSUED: "发出整改通知", EffectAction.RESPONDED: "机构提交整改答复",
                        EffectAction.ACCEPTED: "核查通过", EffectAction.NOT_ACCEPTED: "核查不通过",
                        EffectAction.PROPOSED: "提出协议处理建议", EffectAction.SUSPENDED: "暂停协议",
                        EffectAction.ENDED: "终止协议", EffectAction.KEPT: "维持协议"}
