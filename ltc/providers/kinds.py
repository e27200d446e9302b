"""Service catalogue item classes and staff types, care-plan statuses and frequency units
(pure: no Flask, no database). Stored as VARCHAR; the models' CHECK constraints come from these."""
from enum import StrEnum


class ItemClass(StrEnum):
    LIFE = "life"          # 生活照护
    MEDICAL = "medical"    # 医疗护理


class StaffType(StrEnum):
    ASSISTANT = "assistant"
    NURSE = "nurse"
    DOCTOR = "doctor"
    VILLAGE_DOCTOR = "village_doctor"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class FrequencyUnit(StrEnum):
    WEEK = "week"
    MONTH = "month"


#: msgids, translated where shown
ITEM_CLASS_LABELS = {ItemClass.LIFE: "生活照护", ItemClass.MEDICAL: "医疗护理"}
STAFF_TYPE_LABELS = {StaffType.ASSISTANT: "护理员", StaffType.NURSE: "护士", StaffType.DOCTOR: "医生",
                     StaffType.VILLAGE_DOCTOR: "乡村医生"}
PLAN_STATUS_LABELS = {PlanStatus.DRAFT: "草稿", PlanStatus.FINAL: "已生效"}
UNIT_LABELS = {FrequencyUnit.WEEK: "每周", FrequencyUnit.MONTH: "每月"}
