"""The review case lifecycle of SPEC §4.1 as data (pure: no Flask, no database).

A case is ``open`` while it moves through the steps of its case type. It ends ``completed``
(its last step approved), ``declined`` or ``rejected`` (a step's ending decision) or
``cancelled`` (ended without a decision, e.g. the person died); an ended case never reopens.
Each stay of a case at a step ends with one ``Decision``. ``check_transition`` refuses any
other move with ``InvalidTransition``.
"""
from enum import StrEnum

from ltc.core.states import Lifecycle


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


LIFECYCLE = Lifecycle(CaseStatus, TRANSITIONS, STATUS_LABELS, "审核案件")
check_transition = LIFECYCLE.check
