"""Entitlement request statuses and kinds, entitlement origins, statuses, end and void reasons
(SPEC §2, §4.2) as data (pure: no Flask, no database).

A request is opened (``open``) with its review case, or kept as ``not_opened`` with the reason
when it cannot be reviewed; an open request ends as its case ends: ``granted`` (the case
completed), ``declined`` / ``rejected`` (a step's decision) or ``cancelled``. ``check_transition``
refuses any other move with ``InvalidTransition``.
"""
from enum import StrEnum

from ltc.core.states import Lifecycle


class RequestStatus(StrEnum):
    NOT_OPENED = "not_opened"
    OPEN = "open"
    GRANTED = "granted"
    DECLINED = "declined"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class RequestKind(StrEnum):
    INITIAL = "initial"    # the person has no entitlement on the trigger date
    CHANGE = "change"      # it replaces the entitlement active on the trigger date


class Origin(StrEnum):
    REVIEW = "review"       # granted by the four-party review
    MIGRATED = "migrated"   # imported at go-live


class EndReason(StrEnum):
    EXPIRY = "expiry"      # the conclusion's validity ends
    DEATH = "death"
    CHANGE = "change"      # replaced by a new entitlement
    TRANSFER = "transfer"  # the person transferred out (the transfer date is the last insured day)
    REASSESSED = "reassessed"  # ended by a lower final conclusion (SPEC §4.2)


class EntitlementStatus(StrEnum):
    """``void``: granted and numbered but never took effect (the person died or transferred out
    before it started); kept with its notice, invisible to every reader of entitlements."""

    ACTIVE = "active"
    VOID = "void"


class VoidReason(StrEnum):
    DEATH = "death"
    TRANSFER = "transfer"


class EventAction(StrEnum):
    """What an ``EntitlementEvent`` records: an earlier end, a void, or a restore after a death
    recorded in error was undone."""

    END = "end"
    VOID = "void"
    RESTORE = "restore"


R = RequestStatus
#: a request that may still be granted or blocks a new one for the same conclusion
LIVE = frozenset({R.OPEN, R.GRANTED})
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    R.NOT_OPENED: frozenset(),
    R.OPEN: frozenset({R.GRANTED, R.DECLINED, R.REJECTED, R.CANCELLED}),
    R.GRANTED: frozenset(),
    R.DECLINED: frozenset(),
    R.REJECTED: frozenset(),
    R.CANCELLED: frozenset(),
}

# msgids, translated where shown
ORIGIN_LABELS = {Origin.REVIEW: "四方审核", Origin.MIGRATED: "上线迁移"}
END_REASON_LABELS = {EndReason.EXPIRY: "评估结论到期", EndReason.DEATH: "死亡", EndReason.CHANGE: "待遇变更",
                     EndReason.TRANSFER: "转出",
                     EndReason.REASSESSED: "重新评估等级降低"}
STATUS_LABELS = {EntitlementStatus.ACTIVE: "有效", EntitlementStatus.VOID: "已作废"}
EVENT_ACTION_LABELS = {EventAction.END: "提前终止", EventAction.VOID: "作废", EventAction.RESTORE: "恢复"}


#: msgids, translated where shown
REQUEST_STATUS_LABELS = {RequestStatus.NOT_OPENED: "未发起", RequestStatus.OPEN: "审核中",
                         RequestStatus.GRANTED: "已核定", RequestStatus.DECLINED: "已拒绝接收",
                         RequestStatus.REJECTED: "不予通过", RequestStatus.CANCELLED: "已撤销"}
LIFECYCLE = Lifecycle(RequestStatus, TRANSITIONS, REQUEST_STATUS_LABELS, "待遇审核")
check_transition = LIFECYCLE.check
