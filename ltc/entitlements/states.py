"""Entitlement request statuses and kinds, entitlement origins and end reasons (SPEC §4.2)
as data (pure: no Flask, no database).

A request is opened (``open``) with its review case, or kept as ``not_opened`` with the reason
when it cannot be reviewed; an open request ends as its case ends: ``granted`` (the case
completed), ``declined`` / ``rejected`` (a step's decision) or ``cancelled``. ``check_transition``
refuses any other move with ``InvalidTransition``.
"""
from enum import StrEnum

from ltc.core.errors import InvalidTransition


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
    REASSESSED = "reassessed"  # ended by a lower final conclusion (SPEC §4.2)


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
                     EndReason.REASSESSED: "重新评估等级降低"}


def check_transition(current: str, target: str) -> RequestStatus:
    """The target status, when a request may move ``current → target``.

    Raises InvalidTransition naming both states; an unknown status name is refused the same way.
    """
    try:
        source, goal = RequestStatus(current), RequestStatus(target)
    except ValueError:
        raise InvalidTransition(f"未知的待遇审核状态：{current} → {target}", {"status": "unknown status"}) from None
    if goal not in TRANSITIONS[source]:
        raise InvalidTransition(f"待遇审核状态不能从 {source.value} 变为 {goal.value}",
                                {"status": f"cannot move from {source.value} to {goal.value}"})
    return goal
