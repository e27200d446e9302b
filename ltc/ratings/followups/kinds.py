"""Follow-up visits (回访评价, SPEC §8), pure: why a follow-up is on the worklist, how it was made,
its status and the events of its history."""
from enum import StrEnum

from ltc.core.states import Lifecycle


class Origin(StrEnum):
    """Why a person is on the insurer's worklist: a new beneficiary (within N days of the grant),
    the monthly sample of active beneficiaries, a complaint, the sample of persons with FLAG findings."""

    NEW_GRANT = "new_grant"
    MONTHLY_SAMPLE = "monthly_sample"
    COMPLAINT = "complaint"
    FLAG_SAMPLE = "flag_sample"


class Channel(StrEnum):
    PHONE = "phone"
    VIDEO = "video"
    HOME = "home"


class Status(StrEnum):
    OPEN = "open"
    DONE = "done"


class EventKind(StrEnum):
    """``created`` on the worklist (with the staff member it went to), ``reassigned`` to another one,
    ``recorded``."""

    CREATED = "created"
    REASSIGNED = "reassigned"
    RECORDED = "recorded"


LIFECYCLE = Lifecycle(Status, {Status.OPEN: frozenset({Status.DONE}), Status.DONE: frozenset()},
                      {Status.OPEN: "待回访", Status.DONE: "已回访"}, "回访")

#: the satisfaction items, each 1–5 (SPEC §8)
SCORES = ("attitude", "punctuality", "skill", "overall")

#: msgids, translated where shown
ORIGIN_LABELS = {Origin.NEW_GRANT: "新享受待遇人员", Origin.MONTHLY_SAMPLE: "月度抽样",
                 Origin.COMPLAINT: "投诉回访", Origin.FLAG_SAMPLE: "疑点记录抽样"}
CHANNEL_LABELS = {Channel.PHONE: "电话", Channel.VIDEO: "视频", Channel.HOME: "入户"}
STATUS_LABELS = dict(LIFECYCLE.labels)
EVENT_LABELS = {EventKind.CREATED: "列入回访任务", EventKind.REASSIGNED: "改派",
                EventKind.RECORDED: "登记回访结果"}
SCORE_LABELS = {"attitude": "服务态度", "punctuality": "准时性", "skill": "专业技能", "overall": "总体满意度"}
