"""Service catalogue item classes and staff types, care-plan statuses and frequency units
(pure: no Flask, no database). Stored as VARCHAR; the models' CHECK constraints come from these."""
from datetime import time
from enum import StrEnum

#: where a weekly visit type saved before start times existed has none: the time the schedule uses
#: for it and the plan page shows (never stored on the plan)
DEFAULT_START_TIME = time(8, 0)


class ItemClass(StrEnum):
    LIFE = "life"          # 生活照护
    MEDICAL = "medical"    # 医疗护理


class StaffType(StrEnum):
    ASSISTANT = "assistant"
    NURSE = "nurse"
    DOCTOR = "doctor"
    VILLAGE_DOCTOR = "village_doctor"


class PlanStatus(StrEnum):
    """``draft`` before the grant; ``final`` in force from its ``effective_from``; a version saved
    after the grant is ``pending`` while its revision case runs, then ``final``, ``rejected``, or
    ``replaced`` when the provider saved a newer version in the same case."""

    DRAFT = "draft"
    FINAL = "final"
    PENDING = "pending"
    REJECTED = "rejected"
    REPLACED = "replaced"


class FrequencyUnit(StrEnum):
    WEEK = "week"
    MONTH = "month"


#: msgids, translated where shown
ITEM_CLASS_LABELS = {ItemClass.LIFE: "生活照护", ItemClass.MEDICAL: "医疗护理"}
STAFF_TYPE_LABELS = {StaffType.ASSISTANT: "护理员", StaffType.NURSE: "护士", StaffType.DOCTOR: "医生",
                     StaffType.VILLAGE_DOCTOR: "乡村医生"}
PLAN_STATUS_LABELS = {PlanStatus.DRAFT: "草稿", PlanStatus.FINAL: "已生效", PlanStatus.PENDING: "变更审核中",
                      PlanStatus.REJECTED: "变更未通过", PlanStatus.REPLACED: "已被新版本替代"}
#: ISO weekday numbers (1 = Monday) and their labels
WEEKDAY_LABELS = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}
UNIT_LABELS = {FrequencyUnit.WEEK: "每周", FrequencyUnit.MONTH: "每月"}


class VisitStatus(StrEnum):
    """``scheduled`` (from the plan or the week view) → ``in_progress`` (checked in) → ``done`` (checked
    out, or closed by the nightly scan at its planned minutes, V13); ``cancelled`` before check-in."""

    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class RecordSource(StrEnum):
    """Where a record came from: the web UI, a device through the API (live or an offline batch), a
    file import, or the month's schedule generated from the care plan."""

    WEB = "web"
    API = "api"
    OFFLINE = "offline"
    IMPORT = "import"
    SCHEDULE = "schedule"


class RecordKind(StrEnum):
    """The kinds of service record a finding or a kept version points at."""

    VISIT = "visit"
    STAY = "stay"
    LEAVE = "leave"
    PACKAGE = "package"    # the family-care package of a provider-month (F01)


VISIT_STATUS_LABELS = {VisitStatus.SCHEDULED: "已排班", VisitStatus.IN_PROGRESS: "服务中",
                       VisitStatus.DONE: "已完成", VisitStatus.CANCELLED: "已取消"}
RECORD_SOURCE_LABELS = {RecordSource.WEB: "网页录入", RecordSource.API: "设备签到", RecordSource.OFFLINE: "离线补传",
                        RecordSource.IMPORT: "文件导入", RecordSource.SCHEDULE: "计划排班"}
RECORD_KIND_LABELS = {RecordKind.VISIT: "上门服务", RecordKind.STAY: "在院记录", RecordKind.LEAVE: "请假",
                      RecordKind.PACKAGE: "亲情照护服务包"}


class BedCareType(StrEnum):
    """The care types recorded as stays and bed-days (a subset of ``CareType``)."""

    SPECIAL = "special"
    INSTITUTION = "institution"


class VisitCareType(StrEnum):
    """The care types recorded as visits (a subset of ``CareType``)."""

    HOME = "home"
    OUTREACH = "outreach"
    FAMILY = "family"
