"""The application lifecycle of SPEC §3.1 as data (pure: no Flask, no database).

``TRANSITIONS`` lists every allowed move; ``check_transition`` refuses anything else with
``InvalidTransition``. Rules that depend on dates or people (the objection window, who may
act) live in the service modules; this table only says which moves exist at all.
"""
from enum import StrEnum

from ltc.core.states import Lifecycle


class Status(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    DISPATCHED = "dispatched"
    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"
    ASSESSED = "assessed"
    CONFIRMED = "confirmed"
    PUBLICIZED = "publicized"
    OBJECTED = "objected"
    CONCLUDED = "concluded"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


class Kind(StrEnum):
    INITIAL = "initial"
    REVIEW = "review"                # 复评: a child created by an objection
    REASSESSMENT = "reassessment"    # 重新评估: opened by the system or the insurer
    MIGRATED = "migrated"            # a legacy conclusion imported at go-live (SPEC §4.2), concluded and final


class ReassessmentReason(StrEnum):
    EXPIRY = "expiry"                # the conclusion expires soon
    INPATIENT_STAY = "inpatient_stay"  # after a long ordinary hospital stay
    FOLLOW_UP = "follow_up"          # a follow-up found the person inconsistent with the level
    INSURER_ORDER = "insurer_order"  # ordered by the insurer for another reason


class RefusalCode(StrEnum):
    NOT_INSURED = "not_insured"
    CONDITIONS_NOT_MET = "conditions_not_met"
    SELF_ASSESSMENT_BELOW_E = "self_assessment_below_e"
    INCOMPLETE_OR_FALSE_MATERIALS = "incomplete_or_false_materials"
    TOO_SOON = "too_soon"
    IN_PROGRESS = "in_progress"
    OUTSIDE_FUND_SCOPE = "outside_fund_scope"    # 工伤, third-party liability …
    OTHER = "other"


class RescheduleReason(StrEnum):
    """Why a visit is booked beyond the scheduling window (SPEC §3.1); the SLA does not pause."""

    HOSPITALISED = "hospitalised"      # 住院
    NOT_AT_HOME = "not_at_home"        # 本人不在
    FAMILY_REQUEST = "family_request"  # 家属要求
    OTHER = "other"                    # text required


class DispatchMethod(StrEnum):
    RANDOM = "random"
    MANUAL = "manual"


S = Status
#: terminal states (``concluded`` may still move to ``objected`` within the objection window)
TERMINAL = frozenset({S.REFUSED, S.CONCLUDED, S.WITHDRAWN, S.CANCELLED})
OPEN = frozenset(Status) - TERMINAL
#: an agency's workload: dispatched to it and not yet confirmed
AGENCY_OPEN = frozenset({S.DISPATCHED, S.SCHEDULED, S.RESCHEDULED, S.ASSESSED, S.CONFIRMED})
#: a visit is booked; the on-site assessors may enter and co-sign the record
VISIT_BOOKED = frozenset({S.SCHEDULED, S.RESCHEDULED})
#: past acceptance and not yet final: at most one such application per person (复评 aside)
IN_PROCESS = OPEN - {S.SUBMITTED}

_FORWARD: dict[Status, frozenset[Status]] = {
    S.SUBMITTED: frozenset({S.ACCEPTED, S.REFUSED}),
    S.ACCEPTED: frozenset({S.DISPATCHED}),
    S.DISPATCHED: frozenset({S.SCHEDULED}),
    S.SCHEDULED: frozenset({S.RESCHEDULED, S.ASSESSED}),
    S.RESCHEDULED: frozenset({S.RESCHEDULED, S.ASSESSED}),
    S.ASSESSED: frozenset({S.CONFIRMED}),
    S.CONFIRMED: frozenset({S.PUBLICIZED, S.CONCLUDED}),
    S.PUBLICIZED: frozenset({S.CONCLUDED, S.OBJECTED}),
    # the 复评 concludes it, or the objection is withdrawn: back to publicity or to its own conclusion
    S.OBJECTED: frozenset({S.CONCLUDED, S.PUBLICIZED}),
    S.CONCLUDED: frozenset({S.OBJECTED}),
}
#: open states the applicant cannot withdraw from (an objected parent: withdraw the objection instead)
_NOT_WITHDRAWABLE = frozenset({S.OBJECTED})
TRANSITIONS: dict[Status, frozenset[Status]] = {
    status: _FORWARD.get(status, frozenset())
    | (frozenset({S.CANCELLED}) if status in OPEN else frozenset())
    | (frozenset({S.WITHDRAWN}) if status in OPEN - _NOT_WITHDRAWABLE else frozenset())
    for status in Status
}

# msgids (Chinese), translated where shown
STATUS_LABELS = {
    S.SUBMITTED: "已提交", S.ACCEPTED: "已受理", S.REFUSED: "不予受理", S.DISPATCHED: "已派单",
    S.SCHEDULED: "已预约", S.RESCHEDULED: "已改约", S.ASSESSED: "已评估", S.CONFIRMED: "专家已确认",
    S.PUBLICIZED: "公示中", S.OBJECTED: "异议复评中", S.CONCLUDED: "已出结论", S.WITHDRAWN: "已撤回",
    S.CANCELLED: "已取消",
}
KIND_LABELS = {Kind.INITIAL: "首次申请", Kind.REVIEW: "复评", Kind.REASSESSMENT: "重新评估",
               Kind.MIGRATED: "上线迁移结论"}
REFUSAL_LABELS = {
    RefusalCode.NOT_INSURED: "申请人未参加长期护理保险或参保状态异常",
    RefusalCode.CONDITIONS_NOT_MET: "不符合申请条件（失能状态未满6个月或未经规范治疗）",
    RefusalCode.SELF_ASSESSMENT_BELOW_E: "自评结果未达到申请标准",
    RefusalCode.INCOMPLETE_OR_FALSE_MATERIALS: "申请材料不全或不实",
    RefusalCode.TOO_SOON: "距上次评估结论作出未满规定期限",
    RefusalCode.IN_PROGRESS: "已有正在办理的评估申请",
    RefusalCode.OUTSIDE_FUND_SCOPE: "不属于长期护理保险基金支付范围",
    RefusalCode.OTHER: "其他原因",
}
REASSESSMENT_LABELS = {
    ReassessmentReason.EXPIRY: "评估结论即将到期", ReassessmentReason.INPATIENT_STAY: "长期住院后",
    ReassessmentReason.FOLLOW_UP: "回访发现失能状况与等级不符", ReassessmentReason.INSURER_ORDER: "经办机构要求",
}


RESCHEDULE_LABELS = {
    RescheduleReason.HOSPITALISED: "住院", RescheduleReason.NOT_AT_HOME: "本人不在",
    RescheduleReason.FAMILY_REQUEST: "家属要求", RescheduleReason.OTHER: "其他",
}


LIFECYCLE = Lifecycle(Status, TRANSITIONS, STATUS_LABELS, "申请")
check_transition = LIFECYCLE.check


def is_open(status: str) -> bool:
    return Status(status) in OPEN
