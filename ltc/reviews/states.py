"""The review case lifecycle of SPEC §4.1 as data (pure: no Flask, no database).

A case is ``open`` while it moves through the steps of its case type. It ends ``completed``
(its last step approved), ``declined`` or ``rejected`` (a step's ending decision) or
``cancelled`` (ended without a decision, e.g. the person died); an ended case never reopens.
Each stay of a case at a step ends with one ``Decision``. ``check_transition`` refuses any
other move with ``InvalidTransition``.
"""
from enum import StrEnum

from ltc.core.errors import InvalidTransition


class CaseStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    DECLINED = "declined"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Decision(StrEnum):
    APPROVE = "approve"    # to the next step, or completes the case at the last one
    RETURN = "return"      # back to the step the definition names, in a new round
    DECLINE = "decline"    # ends the case (the provider does not take the person)
    REJECT = "reject"      # ends the case (the person does not qualify)


S = CaseStatus
ENDED = frozenset(CaseStatus) - {S.OPEN}
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {status: frozenset() for status in ENDED} | {S.OPEN: ENDED}
#: the status a step's ending decision gives the case
END_STATUS = {Decision.DECLINE: S.DECLINED, Decision.REJECT: S.REJECTED}

# msgids, translated where shown
STATUS_LABELS = {S.OPEN: "审核中", S.COMPLETED: "已通过", S.DECLINED: "已拒绝接收", S.REJECTED: "不予通过",
                 S.CANCELLED: "已撤销"}


def check_transition(current: str, target: str) -> CaseStatus:
    """The target status, when a case may move ``current → target``.

    Raises InvalidTransition naming both states; an unknown status name is refused the same way.
    """
    try:
        source, goal = CaseStatus(current), CaseStatus(target)
    except ValueError:
        raise InvalidTransition(f"未知的审核案件状态：{current} → {target}", {"status": "unknown status"}) from None
    if goal not in TRANSITIONS[source]:
        raise InvalidTransition(f"审核案件状态不能从“{STATUS_LABELS[source]}”变为“{STATUS_LABELS[goal]}”",
                                {"status": f"cannot move from {source.value} to {goal.value}"})
    return goal
