"""Insured persons' enrolment statuses, categories, tags and sex, and hospital stay categories
(pure: no Flask, no database). Stored as VARCHAR; the models' CHECK constraints come from these."""
from enum import StrEnum


class PersonStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"      # 欠费 / 停保
    TRANSFERRED = "transferred"
    DECEASED = "deceased"


class Category(StrEnum):
    EMPLOYEE = "employee"        # 职工
    RESIDENT = "resident"        # 城乡居民


class Tag(StrEnum):
    MEDICAL_ASSISTANCE = "medical_assistance"          # 医疗救助 / 低保 / 特困
    SEVERE_DISABILITY_CERT = "severe_disability_cert"  # 重度残疾
    CHRONIC_CLASS_A = "chronic_class_a"                # 甲类慢性病


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class StayCategory(StrEnum):
    INPATIENT = "inpatient"        # 普通住院
    LTC_SPECIAL = "ltc_special"    # 专护住院


# msgids, translated where shown
STATUS_LABELS = {PersonStatus.ACTIVE: "正常参保", PersonStatus.SUSPENDED: "暂停（欠费/停保）",
                 PersonStatus.TRANSFERRED: "转出", PersonStatus.DECEASED: "死亡"}
CATEGORY_LABELS = {Category.EMPLOYEE: "职工", Category.RESIDENT: "城乡居民"}
TAG_LABELS = {Tag.MEDICAL_ASSISTANCE: "医疗救助/低保/特困", Tag.SEVERE_DISABILITY_CERT: "重度残疾",
              Tag.CHRONIC_CLASS_A: "甲类慢性病"}
SEX_LABELS = {Sex.MALE: "男", Sex.FEMALE: "女"}
STAY_CATEGORY_LABELS = {StayCategory.INPATIENT: "普通住院", StayCategory.LTC_SPECIAL: "专护住院"}


class CollisionKind(StrEnum):
    """Why a stored ID number was left in a spelling other than its normalised one (SPEC §2)."""

    DUPLICATE = "duplicate"    # another person holds (or also spells) the same normalised number
    INVALID = "invalid"        # normalising does not give an ASCII number (digits of another script)


class CollisionResolution(StrEnum):
    CORRECTED = "corrected"    # one of the two numbers was corrected; the other then normalised
    MERGED = "merged"          # the two were one person registered twice: merged into one (SPEC §2)


COLLISION_KIND_LABELS = {CollisionKind.DUPLICATE: "与他人号码重复",
                         CollisionKind.INVALID: "含无法规范的字符"}
COLLISION_RESOLUTION_LABELS = {CollisionResolution.CORRECTED: "已更正", CollisionResolution.MERGED: "已合并"}
