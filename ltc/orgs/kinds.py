"""Organisation kinds, statuses and facility grades (pure)."""
from enum import StrEnum


class OrgKind(StrEnum):
    MIA = "mia"
    INSURER = "insurer"
    AGENCY = "agency"
    PROVIDER = "provider"


class OrgStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXITED = "exited"


class FacilityGrade(StrEnum):
    HOSPITAL_1 = "hospital_1"
    HOSPITAL_2 = "hospital_2"
    HOSPITAL_3 = "hospital_3"
    NURSING_HOSPITAL = "nursing_hospital"
    NURSING_HOME = "nursing_home"
    HOME_CARE = "home_care"
    CLINIC = "clinic"


class CareType(StrEnum):
    SPECIAL = "special"
    INSTITUTION = "institution"
    HOME = "home"
    OUTREACH = "outreach"
    FAMILY = "family"


ORG_KIND_LABELS = {
    OrgKind.MIA: "医保经办机构", OrgKind.INSURER: "承办商保公司",
    OrgKind.AGENCY: "定点评估机构", OrgKind.PROVIDER: "定点护理服务机构",
}
CARE_TYPE_LABELS = {
    CareType.SPECIAL: "医疗专护", CareType.INSTITUTION: "机构护理", CareType.HOME: "居家上门护理",
    CareType.OUTREACH: "巡护", CareType.FAMILY: "亲情照护",
}
GRADE_LABELS = {
    FacilityGrade.HOSPITAL_1: "一级医院", FacilityGrade.HOSPITAL_2: "二级医院",
    FacilityGrade.HOSPITAL_3: "三级医院", FacilityGrade.NURSING_HOSPITAL: "护理院",
    FacilityGrade.NURSING_HOME: "养老机构", FacilityGrade.HOME_CARE: "居家护理机构",
    FacilityGrade.CLINIC: "社区/村卫生室",
}
STATUS_LABELS = {OrgStatus.ACTIVE: "正常", OrgStatus.SUSPENDED: "暂停", OrgStatus.EXITED: "退出"}
DISTRICT_STATE_LABELS = {True: "启用", False: "停用"}  # a district of the list: active or not
#: an insurer's contract on a day (``ltc.orgs.contracts.contract_state``)
CONTRACT_STATE_LABELS = {"upcoming": "未生效", "current": "生效中", "ended": "已终止"}
