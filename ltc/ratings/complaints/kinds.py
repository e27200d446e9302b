"""Complaints (投诉, SPEC §8), pure: who complains, how it came in, its status and outcome."""
from enum import StrEnum

from ltc.core.states import Lifecycle


class Complainant(StrEnum):
    PERSON = "person"
    FAMILY = "family"


class Channel(StrEnum):
    PHONE = "phone"
    COUNTER = "counter"


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Outcome(StrEnum):
    UPHELD = "upheld"
    NOT_UPHELD = "not_upheld"


class EventKind(StrEnum):
    REGISTERED = "registered"
    OVERDUE = "overdue"
    DECIDED = "decided"


LIFECYCLE = Lifecycle(Status, {Status.OPEN: frozenset({Status.CLOSED}), Status.CLOSED: frozenset()},
                      {Status.OPEN: "处理中", Status.CLOSED: "已办结"}, "投诉")

#: msgids, translated where shown
COMPLAINANT_LABELS = {Complainant.PERSON: "本人", Complainant.FAMILY: "家属"}
CHANNEL_LABELS = {Channel.PHONE: "电话", Channel.COUNTER: "窗口"}
STATUS_LABELS = dict(LIFECYCLE.labels)
OUTCOME_LABELS = {Outcome.UPHELD: "投诉属实", Outcome.NOT_UPHELD: "投诉不属实"}
EVENT_LABELS = {EventKind.REGISTERED: "登记投诉", EventKind.OVERDUE: "超时未办结", EventKind.DECIDED: "办结答复"}
